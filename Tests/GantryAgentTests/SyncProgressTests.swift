import Foundation
@testable import GantryAgent
import Testing

/// The operator's lines about the way to the hub: only at transitions, with figures worked out here.
@Suite struct SyncProgressTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    @Test func anOutageIsLoggedOnceAndItsEndWithHowLongAndTheBacklog() {
        var progress = SyncProgress()
        // Steady: the hub answers a heartbeat with nothing waiting.
        #expect(progress.answered(at: Self.at(0), sentAt: Self.at(0), acknowledgedBefore: 10, acknowledged: 10, head: 10).isEmpty)
        #expect(progress.transportFailed(reason: "connection refused", at: Self.at(5), backlog: 3) == [
            .unreachable(reason: "connection refused", backlog: 3),
        ])
        for retry in 1...5 {
            #expect(progress.transportFailed(reason: "connection refused", at: Self.at(5 + Double(retry) * 2), backlog: 3 + Int64(retry)).isEmpty)
        }
        #expect(progress.unreachableSince == Self.at(5))
        #expect(progress.rate == nil)
        // Back after 20 s with 30 events waiting (10 acknowledged, head 40); the first batch takes 11…20.
        let back = progress.answered(at: Self.at(25), sentAt: Self.at(24.5), acknowledgedBefore: 10, acknowledged: 20, head: 40)
        #expect(back == [.reachable(away: 20, backlog: 30), .catchUpStarted(backlog: 30, from: 11)])
        #expect(progress.catchingUp && progress.unreachableSince == nil)
        // 10 events in 0.5 s so far: 20 events/s.
        #expect(progress.rate == 20)
        #expect(progress.answered(at: Self.at(25.5), sentAt: Self.at(25), acknowledgedBefore: 20, acknowledged: 30, head: 40).isEmpty)
        // Drained at 26.5 s: 30 events in 2 s since the first batch left, 15 events/s.
        let done = progress.answered(at: Self.at(26.5), sentAt: Self.at(25.5), acknowledgedBefore: 30, acknowledged: 40, head: 40)
        #expect(done == [.catchUpEnded(events: 30, seconds: 2, rate: 15)])
        #expect(!progress.catchingUp)
    }

    @Test func aStartWithABacklogIsACatchUpAndOneWithoutIsNot() {
        var idle = SyncProgress()
        #expect(idle.answered(at: Self.at(1), sentAt: Self.at(0), acknowledgedBefore: 5, acknowledged: 5, head: 5).isEmpty)
        // New events later are ordinary sync, not a catch-up.
        #expect(idle.answered(at: Self.at(3), sentAt: Self.at(2), acknowledgedBefore: 5, acknowledged: 9, head: 9).isEmpty)

        var behind = SyncProgress()
        // One batch drains all 4: it starts and ends on the same answer, 4 events in 0.25 s = 16 events/s.
        #expect(behind.answered(at: Self.at(0.25), sentAt: Self.at(0), acknowledgedBefore: 5, acknowledged: 9, head: 9) == [
            .catchUpStarted(backlog: 4, from: 6), .catchUpEnded(events: 4, seconds: 0.25, rate: 16),
        ])
    }

    @Test func aRefusalCountsAsAnAnswerAndARewindStartsTheRateOver() {
        var progress = SyncProgress()
        _ = progress.transportFailed(reason: "timeout", at: Self.at(0), backlog: 0)
        let rewound = progress.rewound(from: 50, to: 20, reason: "the hub expects sequence 21 next")
        #expect(rewound == .rewound(from: 50, to: 20, reason: "the hub expects sequence 21 next"))
        // The hub asked to resume at 21: reachable again, and 30 events to resend make a catch-up.
        let notes = progress.answered(at: Self.at(10), sentAt: Self.at(9), acknowledgedBefore: 50, acknowledged: 20, head: 50)
        #expect(notes == [.reachable(away: 10, backlog: 30), .catchUpStarted(backlog: 30, from: 21)])
        #expect(progress.rate == 0, "no event moved forward in that answer")
    }

    @Test func theRateLooksOnlyAtTheLastMinute() {
        var progress = SyncProgress(window: 60)
        _ = progress.answered(at: Self.at(0), sentAt: Self.at(0), acknowledgedBefore: 0, acknowledged: 0, head: 0)
        _ = progress.answered(at: Self.at(10), sentAt: Self.at(10), acknowledgedBefore: 0, acknowledged: 1000, head: 1000)
        // 1000 events in 10 s.
        #expect(progress.rate == 100)
        _ = progress.answered(at: Self.at(100), sentAt: Self.at(100), acknowledgedBefore: 1000, acknowledged: 1000, head: 1000)
        _ = progress.answered(at: Self.at(130), sentAt: Self.at(130), acknowledgedBefore: 1000, acknowledged: 1090, head: 1090)
        // The window (70…130) keeps the sample at 10 s before it and the ones after: (1090 − 1000) / (130 − 10) = 0.75.
        #expect(progress.rate == 0.75)
        _ = progress.answered(at: Self.at(200), sentAt: Self.at(200), acknowledgedBefore: 1090, acknowledged: 1090, head: 1090)
        // Window 140…200: the sample at 130 and at 200; no event moved.
        #expect(progress.rate == 0)
    }

    @Test(arguments: [
        (0, nil, 0), (0, 50, 0), (100, nil, nil), (100, 0, nil), (100, 20, 5), (90, 0.75, 120),
    ] as [(Int64, Double?, Double?)])
    func theTimeToDrainIsTheBacklogOverTheRate(_ backlog: Int64, _ rate: Double?, _ seconds: Double?) {
        #expect(SyncProgress.drainSeconds(backlog: backlog, rate: rate) == seconds)
    }
}

@Suite struct AgentStatusDrainTests {
    @Test func theStatusEstimatesTheDrainFromTheHubsRate() {
        var hub = HubLinkStatus()
        hub.sendRate = 1.5
        // 6 events waiting (head 10, acknowledged 4) at 1.5 events/s: 4 s.
        let position = LogPosition(head: 10, acknowledged: 4, backlogBytes: 600, oldestUnsyncedAt: nil)
        let status = AgentStatus(plantID: "ACME-BER", position: position, hub: hub, now: Date(), alarmBytes: 1 << 20, alarmAge: .seconds(60))
        #expect(status.backlog.drainSeconds == 4)
        hub.sendRate = nil
        #expect(AgentStatus(plantID: "ACME-BER", position: position, hub: hub, now: Date(), alarmBytes: 1 << 20, alarmAge: .seconds(60))
            .backlog.drainSeconds == nil)
    }
}
