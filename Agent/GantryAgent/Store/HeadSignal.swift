import Foundation
import Synchronization

/// The log's newest sequence, with waiters that resume when it moves past the point they care about.
final class HeadSignal: Sendable {
    private struct State {
        var head: Int64
        var waiters: [UUID: (after: Int64, continuation: CheckedContinuation<Void, Never>)] = [:]
    }

    private let state: Mutex<State>

    init(head: Int64) {
        state = Mutex(State(head: head))
    }

    var head: Int64 { state.withLock { $0.head } }

    /// Publishes a new head and wakes every waiter it satisfies.
    func advance(to head: Int64) {
        let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard head > state.head else { return [] }
            state.head = head
            let due = state.waiters.filter { $0.value.after < head }
            for key in due.keys { state.waiters[key] = nil }
            return due.values.map(\.continuation)
        }
        ready.forEach { $0.resume() }
    }

    /// Waits until the head passes `sequence` or `timeout` elapses (or the task is cancelled).
    func wait(after sequence: Int64, timeout: Duration) async -> Int64 {
        let id = UUID()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        let resumeNow = self.state.withLock { state -> Bool in
                            if state.head > sequence || Task.isCancelled { return true }
                            state.waiters[id] = (sequence, continuation)
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                } onCancel: {
                    self.state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
        return head
    }
}
