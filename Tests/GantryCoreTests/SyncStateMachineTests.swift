import GantryCore
import Testing

@Suite struct SyncStateMachineTests {
    let configuration = SyncStateMachine.Configuration(
        batchEvents: 100, heartbeat: .seconds(15), backoff: Backoff(initial: .seconds(1), maximum: .seconds(30)))

    func machine() -> SyncStateMachine { SyncStateMachine(configuration: configuration, seed: 42) }

    @Test func startShakesHandsFromTheAcknowledgedPosition() {
        var machine = machine()
        #expect(machine.started(acknowledged: 7, head: 20) == .sendBatch(from: 8, maxEvents: 100))
        #expect(machine.backlog == 13)
    }

    @Test func startWithAnEmptyLogStillShakesHands() {
        var machine = machine()
        #expect(machine.started(acknowledged: 0, head: 0) == .sendBatch(from: 1, maxEvents: 100))
    }

    @Test func acknowledgementWithBacklogSendsTheNextBatch() {
        var machine = machine()
        _ = machine.started(acknowledged: 0, head: 250)
        #expect(machine.batchAcknowledged(upTo: 100) == .sendBatch(from: 101, maxEvents: 100))
        #expect(machine.acknowledged == 100)
        #expect(machine.batchAcknowledged(upTo: 200) == .sendBatch(from: 201, maxEvents: 100))
        #expect(machine.batchAcknowledged(upTo: 250) == .waitForEvents(heartbeatAfter: .seconds(15)))
        #expect(machine.backlog == 0)
    }

    @Test func newEventsWakeAnIdleMachineButNotABusyOne() {
        var machine = machine()
        _ = machine.started(acknowledged: 0, head: 0)
        #expect(machine.eventsAppended(head: 3) == nil, "a batch is in flight: the events go with the next one")
        #expect(machine.batchAcknowledged(upTo: 0) == .sendBatch(from: 1, maxEvents: 100))
        #expect(machine.batchAcknowledged(upTo: 3) == .waitForEvents(heartbeatAfter: .seconds(15)))
        #expect(machine.eventsAppended(head: 3) == nil, "nothing new")
        #expect(machine.eventsAppended(head: 5) == .sendBatch(from: 4, maxEvents: 100))
    }

    @Test func heartbeatSendsAHandshakeFromTheNextSequence() {
        var machine = machine()
        _ = machine.started(acknowledged: 4, head: 4)
        _ = machine.batchAcknowledged(upTo: 4)
        #expect(machine.heartbeatDue() == .sendBatch(from: 5, maxEvents: 100))
    }

    @Test func hubAheadOfTheLocalAcknowledgementMovesItForward() {
        // The agent died after the hub applied a batch but before it recorded the acknowledgement.
        var machine = machine()
        _ = machine.started(acknowledged: 10, head: 30)
        #expect(machine.batchAcknowledged(upTo: 20) == .sendBatch(from: 21, maxEvents: 100))
    }

    @Test func hubBehindRewindsAndResends() {
        // The hub restored an older database: it asks for events the agent thought were done.
        var machine = machine()
        _ = machine.started(acknowledged: 50, head: 60)
        #expect(machine.hubRefused(expected: 31) == .sendBatch(from: 31, maxEvents: 100))
        #expect(machine.acknowledged == 30)
    }

    @Test func handshakeAnsweredWithAnOlderAcknowledgementRewinds() {
        var machine = machine()
        _ = machine.started(acknowledged: 50, head: 50)
        #expect(machine.batchAcknowledged(upTo: 40) == .sendBatch(from: 41, maxEvents: 100))
    }

    @Test func hubHoldingMoreThanTheLogIsDivergenceNotProgress() {
        var machine = machine()
        _ = machine.started(acknowledged: 0, head: 3)
        guard case .waitAndRetry = machine.batchAcknowledged(upTo: 500) else {
            Issue.record("a hub ahead of the log must not be taken as an acknowledgement")
            return
        }
        #expect(machine.trouble == .diverged(hubSequence: 500))
        #expect(machine.acknowledged == 0, "nothing may be skipped")
        #expect(machine.retryDue() == .sendBatch(from: 1, maxEvents: 100))
    }

    @Test func failuresBackOffExponentiallyWithJitterUpToTheCap() {
        var machine = machine()
        _ = machine.started(acknowledged: 0, head: 10)
        var delays: [Duration] = []
        for _ in 0..<8 {
            guard case .waitAndRetry(let delay) = machine.transportFailed() else {
                Issue.record("a failure must back off")
                return
            }
            delays.append(delay)
            #expect(machine.retryDue() == .sendBatch(from: 1, maxEvents: 100), "retries resend from the acknowledged position")
        }
        let ceilings: [Duration] = [1, 2, 4, 8, 16, 30, 30, 30].map { .seconds($0) }
        for (delay, ceiling) in zip(delays, ceilings) {
            #expect(delay >= ceiling / 2 && delay <= ceiling, "\(delay) outside [\(ceiling / 2), \(ceiling)]")
        }
        #expect(machine.trouble == .hubUnavailable)
        #expect(machine.failures == 8)
    }

    @Test func successClearsFailures() {
        var machine = machine()
        _ = machine.started(acknowledged: 0, head: 1)
        _ = machine.transportFailed()
        _ = machine.retryDue()
        _ = machine.batchAcknowledged(upTo: 1)
        #expect(machine.failures == 0)
        #expect(machine.trouble == nil)
    }

    @Test func rejectionWaitsTheLongestBackoffAndKeepsTheLog() {
        var machine = machine()
        _ = machine.started(acknowledged: 5, head: 9)
        guard case .waitAndRetry(let delay) = machine.batchRejected(code: "sequence-conflict") else {
            Issue.record("a rejection must back off")
            return
        }
        #expect(delay >= .seconds(15) && delay <= .seconds(30))
        #expect(machine.trouble == .batchRejected(code: "sequence-conflict"))
        #expect(machine.retryDue() == .sendBatch(from: 6, maxEvents: 100))
    }

    @Test func aLocalStoreFailureRetriesFromTheSamePlace() {
        var machine = machine()
        _ = machine.started(acknowledged: 3, head: 9)
        guard case .waitAndRetry = machine.storeFailed() else {
            Issue.record("a store failure must back off")
            return
        }
        #expect(machine.trouble == .localStore)
        #expect(machine.retryDue() == .sendBatch(from: 4, maxEvents: 100))
    }

    @Test func absurdAnswersFromTheHubDoNotTrap() {
        var machine = machine()
        _ = machine.started(acknowledged: 3, head: 9)
        guard case .waitAndRetry = machine.hubRefused(expected: .min) else {
            Issue.record("an impossible expected sequence is divergence")
            return
        }
        #expect(machine.acknowledged == 3)
    }

    @Test func jitterDiffersBetweenAgentsWithDifferentSeeds() {
        var first = SyncStateMachine(configuration: configuration, seed: 1)
        var second = SyncStateMachine(configuration: configuration, seed: 2)
        _ = first.started(acknowledged: 0, head: 1)
        _ = second.started(acknowledged: 0, head: 1)
        let a = (0..<5).map { _ in (first.transportFailed(), first.retryDue()).0 }
        let b = (0..<5).map { _ in (second.transportFailed(), second.retryDue()).0 }
        #expect(a != b)
    }

    /// Against a simulated hub that fails, loses responses after applying, and restores backups at
    /// random, every event arrives, in order, exactly once; once the hub behaves, the backlog drains fully.
    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func everyEventArrivesInOrderExactlyOnce(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var machine = SyncStateMachine(configuration: .init(batchEvents: 7), seed: seed)
        var hubLog: [Int64] = []
        var head: Int64 = 0
        var action = machine.started(acknowledged: 0, head: head)
        func step(chaos: Bool) {
            switch action {
            case .sendBatch(let from, let maxEvents):
                _ = machine.eventsAppended(head: head)  // the driver reads the head before each batch
                let batch = from <= head ? Array(from...min(head, from + Int64(maxEvents) - 1)) : []
                let roll = chaos ? random.nextUnit() : 1
                if roll < 0.15 {
                    action = machine.transportFailed()
                } else if roll < 0.16, !hubLog.isEmpty {
                    hubLog.removeLast(min(hubLog.count, Int(random.next() % 10)))  // restored from a backup
                    let last = Int64(hubLog.count)
                    action = from > last + 1 ? machine.hubRefused(expected: last + 1) : machine.batchAcknowledged(upTo: last)
                } else if let first = batch.first, first > Int64(hubLog.count) + 1 {
                    action = machine.hubRefused(expected: Int64(hubLog.count) + 1)
                } else {
                    for sequence in batch where sequence == Int64(hubLog.count) + 1 { hubLog.append(sequence) }
                    // A response lost after the hub applied: the agent sees a failure and resends.
                    action = roll < 0.25 ? machine.transportFailed() : machine.batchAcknowledged(upTo: Int64(hubLog.count))
                }
            case .waitForEvents:
                action = machine.eventsAppended(head: head) ?? machine.heartbeatDue()
            case .waitAndRetry:
                action = machine.retryDue()
            }
        }
        for _ in 0..<5_000 {
            if random.nextUnit() < 0.3 { head += Int64(random.next() % 5) }
            step(chaos: true)
        }
        for _ in 0..<10_000 where !(machine.backlog == 0 && action == .waitForEvents(heartbeatAfter: .seconds(15))) {
            step(chaos: false)
        }
        #expect(head > 1_000, "the simulation wrote events")
        let inOrderOnce = hubLog == Array(stride(from: 1, through: head, by: 1))
        #expect(inOrderOnce, "the hub holds \(hubLog.count) events for a log of \(head)")
        #expect(machine.acknowledged == head)
    }
}
