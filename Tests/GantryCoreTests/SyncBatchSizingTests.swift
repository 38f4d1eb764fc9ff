import GantryCore
import Testing

/// Batches adapt to the link: halved on every unanswered batch down to a floor, doubled on every acknowledged
/// one up to the configured size; and the timeouts libcurl is given hold together.
@Suite struct SyncBatchSizingTests {
    typealias Sizing = SyncStateMachine.BatchSizing

    /// (maximum, minimum, what happens: "f" a failure, "c" a carried batch, sizes after each step)
    @Test(arguments: [
        (500, 10, "fffff", [250, 125, 62, 31, 15]),
        (500, 10, "ffffff", [250, 125, 62, 31, 15, 10]),   // 15 / 2 = 7 is below the floor of 10
        (500, 10, "fffffffc", [250, 125, 62, 31, 15, 10, 10, 20]),
        (500, 10, "ffcccc", [250, 125, 250, 500, 500, 500]),
        (100, 100, "ffc", [100, 100, 100]),                // floor = maximum: a fixed size
        (1, 1, "fc", [1, 1]),
        (64, 1, "ffffffff", [32, 16, 8, 4, 2, 1, 1, 1]),
    ])
    func sizesFollowTheLink(maximum: Int, minimum: Int, steps: String, sizes: [Int]) {
        var sizing = Sizing(maximum: maximum, minimum: minimum)
        #expect(sizing.current == maximum, "sizing starts at the configured size")
        var seen: [Int] = []
        for step in steps {
            if step == "f" { sizing.linkFailed() } else { sizing.batchCarried() }
            seen.append(sizing.current)
        }
        #expect(seen == sizes)
    }

    @Test(arguments: [(500, 0, 1), (500, -3, 1), (500, 900, 500), (20, 5, 5)])
    func theFloorIsClampedIntoOneToTheMaximum(maximum: Int, minimum: Int, clamped: Int) {
        #expect(Sizing(maximum: maximum, minimum: minimum).minimum == clamped)
    }

    func machine() -> SyncStateMachine {
        SyncStateMachine(
            configuration: .init(batchEvents: 400, backoff: Backoff(initial: .seconds(1), maximum: .seconds(8)), minimumBatchEvents: 50),
            seed: 7)
    }

    @Test func transportFailuresHalveTheNextBatchDownToTheFloor() {
        var machine = machine()
        #expect(machine.started(acknowledged: 0, head: 1000) == .sendBatch(from: 1, maxEvents: 400))
        var sizes: [Int] = []
        for _ in 0..<5 {
            _ = machine.transportFailed()
            guard case .sendBatch(let from, let size) = machine.retryDue() else {
                Issue.record("a retry sends")
                return
            }
            #expect(from == 1, "a smaller batch still starts at the acknowledged position")
            sizes.append(size)
        }
        #expect(sizes == [200, 100, 50, 50, 50])
    }

    @Test func acknowledgedBatchesGrowItBackToTheConfiguredSize() {
        var machine = machine()
        _ = machine.started(acknowledged: 0, head: 1000)
        _ = machine.transportFailed()
        _ = machine.retryDue()
        _ = machine.transportFailed()
        #expect(machine.retryDue() == .sendBatch(from: 1, maxEvents: 100))
        #expect(machine.batchAcknowledged(upTo: 100) == .sendBatch(from: 101, maxEvents: 200))
        #expect(machine.batchAcknowledged(upTo: 300) == .sendBatch(from: 301, maxEvents: 400))
        #expect(machine.batchAcknowledged(upTo: 700) == .sendBatch(from: 701, maxEvents: 400), "never above batch_events")
    }

    @Test func aHandshakeAnswerSaysNothingOfSize() {
        var machine = machine()
        _ = machine.started(acknowledged: 10, head: 10)
        _ = machine.transportFailed()
        #expect(machine.retryDue() == .sendBatch(from: 11, maxEvents: 200))
        // The hub answers the handshake: the link works, but no events were carried, so the size stays.
        #expect(machine.batchAcknowledged(upTo: 10) == .waitForEvents(heartbeatAfter: .seconds(15)))
        #expect(machine.eventsAppended(head: 500) == .sendBatch(from: 11, maxEvents: 200))
        #expect(machine.sizing.current == 200)
    }

    @Test func refusalsAndRejectionsLeaveTheSizeAlone() {
        var machine = machine()
        _ = machine.started(acknowledged: 0, head: 1000)
        _ = machine.transportFailed()
        _ = machine.retryDue()
        #expect(machine.hubRefused(expected: 5) == .sendBatch(from: 5, maxEvents: 200))
        _ = machine.batchRejected(code: "invalid-sequence")
        #expect(machine.retryDue() == .sendBatch(from: 5, maxEvents: 200))
    }

    @Test func aBatchTheHubRefusesAsTooLargeIsHalvedAtOnceAndNeverGrowsBackToThatSize() {
        var machine = machine()  // 400 events a batch, floor 50
        _ = machine.started(acknowledged: 0, head: 1000)
        #expect(machine.batchRejected(code: "batch-too-large") == .sendBatch(from: 1, maxEvents: 200))
        #expect(machine.batchRejected(code: "batch-too-large") == .sendBatch(from: 1, maxEvents: 100))
        #expect(machine.trouble == nil)
        // Acknowledged batches grow back only up to what the hub took.
        #expect(machine.batchAcknowledged(upTo: 100) == .sendBatch(from: 101, maxEvents: 100))
        #expect(machine.batchAcknowledged(upTo: 200) == .sendBatch(from: 201, maxEvents: 100))
        #expect(machine.sizing.ceiling == 100)
    }

    @Test func anUnansweredBatchNeverLiftsTheSizeAboveWhatTheHubTook() {
        var sizing = Sizing(maximum: 400, minimum: 50)
        for _ in 0..<4 { _ = sizing.hubRefusedSize() }  // 200, 100, 50, 25: below the floor
        #expect(sizing.current == 25 && sizing.ceiling == 25)
        sizing.linkFailed()
        #expect(sizing.current == 25, "the floor does not lift a batch above the size the hub takes")
        sizing.batchCarried()
        #expect(sizing.current == 25)
        var wide = Sizing(maximum: 400, minimum: 50)
        _ = wide.hubRefusedSize()  // 200
        wide.linkFailed()
        wide.linkFailed()
        wide.linkFailed()
        #expect(wide.current == 50, "halved down to the floor, which is under the ceiling")
    }

    @Test func aSingleEventTooLargeForTheHubWaitsLikeAnyRejection() {
        var sizing = Sizing(maximum: 3, minimum: 1)
        #expect(sizing.hubRefusedSize() && sizing.current == 1)
        #expect(!sizing.hubRefusedSize() && sizing.current == 1)
        var machine = SyncStateMachine(configuration: .init(batchEvents: 1), seed: 1)
        _ = machine.started(acknowledged: 0, head: 5)
        guard case .waitAndRetry = machine.batchRejected(code: "batch-too-large") else {
            Issue.record("a single event refused as too large is retried slowly")
            return
        }
        #expect(machine.trouble == .batchRejected(code: "batch-too-large"))
    }

    @Test func withoutAFloorBatchesKeepTheirSize() {
        var machine = SyncStateMachine(configuration: .init(batchEvents: 100), seed: 1)
        _ = machine.started(acknowledged: 0, head: 500)
        _ = machine.transportFailed()
        #expect(machine.retryDue() == .sendBatch(from: 1, maxEvents: 100))
    }

    typealias Timeouts = SyncStateMachine.Timeouts

    @Test(arguments: [
        (Timeouts(), nil),
        (Timeouts(connect: .seconds(5), request: .seconds(5), lowSpeedBytesPerSecond: 0, lowSpeedTime: .zero), nil),
        (Timeouts(connect: .seconds(31), request: .seconds(30)), "the connect timeout must not be longer than the request timeout"),
        (Timeouts(connect: .zero), "timeouts must be longer than 0"),
        (Timeouts(lowSpeedBytesPerSecond: -1), "the low-speed limit must not be negative"),
        (Timeouts(lowSpeedBytesPerSecond: 100, lowSpeedTime: .milliseconds(500)),
         "the low-speed time must be at least 1 s (libcurl counts it in whole seconds)"),
    ] as [(Timeouts, String?)])
    func timeoutsThatCannotWorkTogetherAreNamed(timeouts: Timeouts, inconsistency: String?) {
        #expect(timeouts.inconsistency == inconsistency)
    }
}
