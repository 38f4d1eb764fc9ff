import Dispatch
import Foundation
import Synchronization

/// Runs the inbox projection on a thread of its own at a lower scheduling priority (`nice` +10) than
/// libmosquitto's: taking messages durably comes first, and turning them into events uses the CPU that is
/// left. On a busy machine the inbox holds the difference (it is on disk, not in memory) until the
/// projection catches up. The thread sleeps until rung, then lets a few milliseconds of messages gather
/// before projecting them: one transaction for many costs less than many.
///
/// `@unchecked Sendable`: `project` is only called on the projection thread; the rest is atomics and
/// semaphores.
final class InboxProjectionThread: @unchecked Sendable {
    static let niceness: Int32 = 10
    static let gathering: useconds_t = 5_000

    private let project: @Sendable (_ stopping: @Sendable () -> Bool) -> Void
    private let doorbell = DispatchSemaphore(value: 0)
    private let rung = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// `project` projects until the inbox is empty, or gives up early when `stopping` says so.
    init(project: @escaping @Sendable (_ stopping: @Sendable () -> Bool) -> Void) {
        self.project = project
    }

    func start() {
        let thread = Thread { [self] in
            // On Linux, PRIO_PROCESS with id 0 sets the calling thread's niceness only.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.niceness)
            run()
        }
        thread.name = "gantry-inbox-projection"
        thread.start()
    }

    /// New entries are in the inbox. Cheap when already rung.
    func ring() {
        if !rung.exchange(true, ordering: .acquiringAndReleasing) { doorbell.signal() }
    }

    /// Stops the thread once its current projection is done.
    func stop() async {
        stopping.store(true, ordering: .releasing)
        doorbell.signal()
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { [finished] in
                finished.wait()
                continuation.resume()
            }
        }
    }

    private func run() {
        while true {
            doorbell.wait()
            if stopping.load(ordering: .acquiring) { break }
            usleep(Self.gathering)
            rung.store(false, ordering: .releasing)
            project { [self] in stopping.load(ordering: .acquiring) }
        }
        finished.signal()
    }
}
