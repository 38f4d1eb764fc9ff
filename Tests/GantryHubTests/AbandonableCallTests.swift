import Foundation
@testable import GantryHub
import Synchronization
import Testing

/// The store's time limit on database calls, without a database: work that never ends is not waited for.
@Suite struct AbandonableCallTests {
    struct TimedOut: Error, Equatable {}

    /// Work that waits until its abandonment hook releases it, as a query waits until its connection is closed.
    final class Stuck: Sendable {
        let waiting = Mutex<CheckedContinuation<Void, any Error>?>(nil)
        let hookRan = Atomic<Bool>(false)
        let registered = Atomic<Bool>(false)

        func work(_ call: AbandonableCall<Int>) async throws -> Int {
            try await withCheckedThrowingContinuation { continuation in
                waiting.withLock { $0 = continuation }
                let accepted = call.whenAbandoned { [self] in
                    hookRan.store(true, ordering: .relaxed)
                    waiting.withLock { $0.take() }?.resume(throwing: CancellationError())
                }
                if accepted {
                    self.registered.store(true, ordering: .relaxed)
                } else {
                    waiting.withLock { $0.take() }?.resume(throwing: CancellationError())
                }
            }
            return 1
        }
    }

    @Test func workThatEndsInTimeGivesItsResult() async throws {
        let hookRan = Atomic<Bool>(false)
        let value = try await AbandonableCall<Int>.run(timeout: .seconds(30), timedOut: { TimedOut() }) { call in
            _ = call.whenAbandoned { hookRan.store(true, ordering: .relaxed) }
            return 42
        }
        #expect(value == 42)
        let abandoned = hookRan.load(ordering: .relaxed)
        #expect(!abandoned, "work that answered is not abandoned")
        await #expect(throws: TimedOut.self) {
            try await AbandonableCall<Int>.run(timeout: .seconds(30), timedOut: { CancellationError() }) { _ in throw TimedOut() }
        }
    }

    @Test func workThatDoesNotEndIsAbandonedAtTheTimeout() async throws {
        let stuck = Stuck()
        let started = ContinuousClock.now
        await #expect(throws: TimedOut.self) {
            try await AbandonableCall<Int>.run(timeout: .milliseconds(200), timedOut: { TimedOut() }, stuck.work)
        }
        let waited = ContinuousClock.now - started
        // The work never ends: any answer at all means it was abandoned (the bound is loose for a loaded machine).
        #expect(waited >= .milliseconds(200) && waited < .seconds(30), "\(waited)")
        let hookRan = stuck.hookRan.load(ordering: .relaxed)
        #expect(hookRan, "the hook that ends the work ran")
    }

    @Test func cancellingTheCallerAnswersAtOnce() async throws {
        let stuck = Stuck()
        let started = ContinuousClock.now
        let caller = Task { try await AbandonableCall<Int>.run(timeout: .seconds(60), timedOut: { TimedOut() }, stuck.work) }
        while !stuck.registered.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(5)) }
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
        #expect(ContinuousClock.now - started < .seconds(30), "long before the 60 s timeout")
        let hookRan = stuck.hookRan.load(ordering: .relaxed)
        #expect(hookRan)
    }
}
