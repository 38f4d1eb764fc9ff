import Dispatch
import Foundation
import Synchronization

/// Runs the inbox projection on a thread of its own at a lower scheduling priority (`nice` +10) than
/// libmosquitto's: taking messages durably comes first, and turning them into events uses the CPU that is
/// left. On a busy machine the inbox holds the difference (it is on disk, not in memory) until the
/// projection catches up. The thread sleeps until rung, then lets a few milliseconds of messages gather
/// before projecting them: one transaction for many costs less than many.
///
/// While messages pour in faster than `busyRate`, the projection holds back for up to `maximumDeferral`:
/// a lower priority does not keep it from taking a core the broker, its publishers or libmosquitto's thread
/// would otherwise get soon after, and on a small server it slowed how fast a burst was taken by a fifth. A
/// burst is taken first and projected right after; a stream that stays above the rate is projected at least
/// once per `maximumDeferral`, so reports lag it by about that much.
///
/// `@unchecked Sendable`: `project` is only called, and `lastLook` only used, on the projection thread; the
/// rest is atomics and semaphores.
final class InboxProjectionThread: @unchecked Sendable {
    static let niceness: Int32 = 10
    static let gathering: useconds_t = 5_000
    /// Messages a second above which the intake counts as busy.
    static let busyRate = 20_000
    static let maximumDeferral: Duration = .seconds(1)
    /// How often a held-back projection looks at the intake again, and how many quiet looks end it.
    static let busyCheck: useconds_t = 10_000
    static let quietLooks = 3

    private let project: @Sendable (_ stopping: @Sendable () -> Bool) -> Void
    private let doorbell = DispatchSemaphore(value: 0)
    private let rung = Atomic<Bool>(false)
    /// Entries taken since the projection last looked.
    private let taken = Atomic<Int>(0)
    /// When the projection last looked at `taken`.
    private var lastLook = ContinuousClock.now
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
            // What `top -H` and `/proc/PID/task/*/comm` show (at most 15 characters; Foundation's `Thread.name`
            // does not reach the kernel here).
            if let comm = fopen("/proc/thread-self/comm", "w") {
                fputs("mqtt-projection", comm)
                fclose(comm)
            }
            run()
        }
        thread.start()
    }

    /// `entries` new entries are in the inbox. Cheap when already rung.
    func ring(entries: Int) {
        taken.add(entries, ordering: .relaxed)
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
        let clock = ContinuousClock()
        while true {
            doorbell.wait()
            if stopping.load(ordering: .acquiring) { break }
            _ = taken.exchange(0, ordering: .relaxed)
            lastLook = clock.now
            usleep(Self.gathering)
            rung.store(false, ordering: .releasing)
            // Before each batch, until the inbox is empty.
            let deadline = clock.now + Self.maximumDeferral
            project { [self] in
                holdBackWhileBusy(until: deadline, clock: clock)
                return stopping.load(ordering: .acquiring)
            }
        }
        finished.signal()
    }

    /// Returns at once when the intake since the last look was slower than `busyRate`. Otherwise holds back
    /// until it was slower for `quietLooks` looks in a row (a moment's pause in a burst does not end it), until
    /// `deadline`, or until stopping.
    private func holdBackWhileBusy(until deadline: ContinuousClock.Instant, clock: ContinuousClock) {
        guard busySinceLastLook(clock) else { return }
        var quiet = 0
        while !stopping.load(ordering: .acquiring), clock.now < deadline {
            usleep(Self.busyCheck)
            quiet = busySinceLastLook(clock) ? 0 : quiet + 1
            if quiet == Self.quietLooks { return }
        }
    }

    private func busySinceLastLook(_ clock: ContinuousClock) -> Bool {
        let now = clock.now
        let elapsed = now - lastLook
        lastLook = now
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(taken.exchange(0, ordering: .relaxed)) >= Double(Self.busyRate) * seconds
    }
}
