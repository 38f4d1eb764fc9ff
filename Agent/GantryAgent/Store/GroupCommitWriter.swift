import Foundation
import GRDB
import Synchronization

/// Runs write intents from many callers in as few transactions as possible: whatever arrives while one
/// transaction commits goes into the next. One fsync then covers a whole group (BUILD-NOTES: ~5k single-row
/// commits/s with synchronous=FULL against ~400k rows/s at 1,000 rows a commit), and every caller still
/// resumes only after its own intent is durable.
///
/// Groups are committed by whoever finds the writer idle: a blocking caller (a thread outside Swift
/// concurrency) commits inline, with no thread hop, and async callers hand the work to a private queue so
/// that SQLite never blocks the cooperative pool. Each intent of a group of several runs in its own savepoint, so one that
/// fails leaves the others untouched.
final class GroupCommitWriter: Sendable {
    private struct Job: Sendable {
        let apply: @Sendable (Database) throws -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }

    private let pool: DatabasePool
    private let queue = DispatchQueue(label: "gantry.store.group-commit")
    /// Pending jobs, and whether some thread is committing groups right now.
    private let pending = Mutex<(jobs: [Job], committing: Bool)>(([], false))
    private let afterCommit: @Sendable (Database) -> Void
    /// The thread committing right now (0: none), so that a write started from inside a commit is refused.
    private let committer = Atomic<UInt>(0)

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
            if submit(job) { queue.async { self.commitPending() } }
        }
    }

    /// Runs `intent` in the next group transaction and blocks the calling thread until it committed; when the
    /// writer is idle the calling thread commits the group itself. For threads outside Swift concurrency
    /// (C library callbacks, tests).
    func writeAndWait<T: Sendable>(_ intent: @escaping @Sendable (Database) throws -> T) throws -> T {
        // Waiting for a commit from inside one (a `done` callback writing) would wait for itself forever.
        guard committer.load(ordering: .relaxed) != UInt(pthread_self()) else {
            throw StoreError(.unusable, "a write was started from inside a commit; it would never finish")
        }
        let done = DispatchSemaphore(value: 0)
        let result = ResultSlot<Result<T, any Error>>()
        let job = Job(
            apply: { db in result.value = .success(try intent(db)) },
            finish: { error in
                if let error { result.value = .failure(error) }
                done.signal()
            })
        if submit(job) { commitPending(handOffRest: true) }
        done.wait()
        return try result.value!.get()
    }

    /// Adds a job; true when the caller must start committing (nobody else is).
    private func submit(_ job: Job) -> Bool {
        pending.withLock { state -> Bool in
            state.jobs.append(job)
            defer { state.committing = true }
            return !state.committing
        }
    }

    /// Commits groups until nothing is pending; only one thread at a time runs this. A blocking caller
    /// (`handOffRest`) commits the group holding its own intent and hands whatever arrived meanwhile to the
    /// writer's queue, so a blocking caller is never kept busy with other callers' work.
    private func commitPending(handOffRest: Bool = false) {
        while true {
            let jobs = pending.withLock { state -> [Job] in
                defer { state.jobs = [] }
                if state.jobs.isEmpty { state.committing = false }
                return state.jobs
            }
            guard !jobs.isEmpty else { return }
            commit(jobs)
            if handOffRest {
                let more = pending.withLock { state -> Bool in
                    if state.jobs.isEmpty { state.committing = false }
                    return !state.jobs.isEmpty
                }
                if more { queue.async { self.commitPending() } }
                return
            }
        }
    }

    private func commit(_ jobs: [Job]) {
        committer.store(UInt(pthread_self()), ordering: .relaxed)
        defer { committer.store(0, ordering: .relaxed) }
        let outcomes: [(any Error)?]
        do {
            outcomes = try pool.writeWithoutTransaction { db in
                var outcomes: [(any Error)?] = []
                outcomes.reserveCapacity(jobs.count)
                try db.inTransaction(.immediate) {
                    if jobs.count == 1 {
                        // Alone in its group, an intent needs no savepoint: its failure rolls back only itself.
                        do { try jobs[0].apply(db); outcomes.append(nil) } catch {
                            outcomes.append(error)
                            return .rollback
                        }
                        return .commit
                    }
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

/// Carries an intent's result from the committing thread to the caller.
/// `@unchecked Sendable`: written once while committing, before `finish` runs on that same thread; read only
/// in `finish` or after the caller was signalled by it. There is no concurrent access.
private final class ResultSlot<T>: @unchecked Sendable {
    var value: T?
}
