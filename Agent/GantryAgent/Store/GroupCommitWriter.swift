import Foundation
import GRDB
import Synchronization

/// Runs write intents from many callers in as few transactions as possible: whatever arrives while one
/// transaction commits goes into the next. One fsync then covers a whole group (BUILD-NOTES: ~5k single-row
/// commits/s with synchronous=FULL against ~400k rows/s at 1,000 rows a commit), and every caller still
/// resumes only after its own intent is durable.
///
/// Each intent runs in its own savepoint, so one that fails leaves the others of its group untouched.
final class GroupCommitWriter: Sendable {
    private struct Job: Sendable {
        let apply: @Sendable (Database) throws -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }

    private let pool: DatabasePool
    private let queue = DispatchQueue(label: "gantry.store.group-commit")
    private let pending = Mutex<(jobs: [Job], scheduled: Bool)>(([], false))
    private let afterCommit: @Sendable (Database) -> Void
    /// Bounds the intents queued without a waiting caller (QoS 0 messages).
    private let detachedSlots = DispatchSemaphore(value: GroupCommitWriter.maximumPending)
    static let maximumPending = 10_000

    /// `afterCommit` runs on the writer connection after each group commits, to publish what changed.
    init(pool: DatabasePool, afterCommit: @escaping @Sendable (Database) -> Void) {
        self.pool = pool
        self.afterCommit = afterCommit
    }

    /// Runs `intent` in the next group transaction and returns its result once that transaction committed.
    func write<T: Sendable>(_ intent: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let result = ResultSlot<T>()
            let job = Job(
                apply: { db in result.value = try intent(db) },
                finish: { error in
                    if let error {
                        continuation.resume(throwing: error)
                    } else {
                        continuation.resume(returning: result.value!)
                    }
                })
            enqueue(job)
        }
    }

    /// Runs `intent` in the next group transaction and blocks the calling thread until it committed.
    /// For threads outside Swift concurrency (libmosquitto's); never call it from the writer's own queue.
    func writeAndWait<T: Sendable>(_ intent: @escaping @Sendable (Database) throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let result = ResultSlot<Result<T, any Error>>()
        writeSoon(intent) { outcome in
            result.value = outcome
            done.signal()
        }
        done.wait()
        return try result.value!.get()
    }

    /// Queues `intent` for the next group transaction and returns at once; `done` runs on the writer queue
    /// after the commit. Blocks while `maximumPending` detached intents are waiting, to bound memory.
    func writeSoon<T: Sendable>(
        _ intent: @escaping @Sendable (Database) throws -> T, done: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        detachedSlots.wait()
        let result = ResultSlot<T>()
        let job = Job(
            apply: { db in result.value = try intent(db) },
            finish: { [detachedSlots] error in
                detachedSlots.signal()
                done(error.map { .failure($0) } ?? .success(result.value!))
            })
        enqueue(job)
    }

    private func enqueue(_ job: Job) {
        let schedule = pending.withLock { state -> Bool in
            state.jobs.append(job)
            defer { state.scheduled = true }
            return !state.scheduled
        }
        if schedule { queue.async { self.drain() } }
    }

    private func drain() {
        let jobs = pending.withLock { state -> [Job] in
            defer { state = ([], false) }
            return state.jobs
        }
        guard !jobs.isEmpty else { return }
        let outcomes: [(any Error)?]
        do {
            outcomes = try pool.writeWithoutTransaction { db in
                var outcomes: [(any Error)?] = []
                outcomes.reserveCapacity(jobs.count)
                try db.inTransaction(.immediate) {
                    for job in jobs {
                        do {
                            try db.inSavepoint {
                                try job.apply(db)
                                return .commit
                            }
                            outcomes.append(nil)
                        } catch {
                            outcomes.append(error)
                        }
                    }
                    return .commit
                }
                afterCommit(db)
                return outcomes
            }
        } catch {
            // The transaction itself failed (disk full, I/O error): none of the group is durable.
            jobs.forEach { $0.finish(error) }
            return
        }
        for (job, outcome) in zip(jobs, outcomes) { job.finish(outcome) }
    }
}

/// Carries an intent's result from the writer queue to the caller's continuation.
/// `@unchecked Sendable`: written once on the writer queue before `finish` runs on that same queue, and
/// read only in `finish`; there is no concurrent access.
private final class ResultSlot<T>: @unchecked Sendable {
    var value: T?
}
