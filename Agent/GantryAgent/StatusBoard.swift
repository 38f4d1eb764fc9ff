import Synchronization

/// A status a long-running service writes and the HTTP API reads, behind a lock.
final class StatusBoard<Status: Sendable>: Sendable {
    private let state: Mutex<Status>

    init(_ initial: Status) {
        state = Mutex(initial)
    }

    var current: Status { state.withLock { $0 } }

    func update(_ change: (inout Status) -> Void) {
        state.withLock { change(&$0) }
    }
}
