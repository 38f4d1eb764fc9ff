import Foundation
import GantryCore
import Testing

/// A plant's clock against the hub's: measured on either side of a sync request, and the `clock-skew` alarm
/// raised once when it goes beyond the threshold and cleared once when it comes back.
@Suite struct ClockSkewTests {
    static let hub = Date(timeIntervalSince1970: 1_790_000_000)

    @Test func theHubTakesAgentTimeMinusItsOwn() {
        #expect(ClockSkew.atHub(agentTime: Self.hub + 3600, receivedAt: Self.hub).seconds == 3600)
        #expect(ClockSkew.atHub(agentTime: Self.hub - 3600, receivedAt: Self.hub).seconds == -3600)
        #expect(ClockSkew.atHub(agentTime: Self.hub, receivedAt: Self.hub).seconds == 0)
    }

    @Test func theAgentTakesTheMidpointOfItsRequest() {
        // Sent at agent 10:00:00.000, answered at 10:00:00.400: midpoint .200; the hub said 09:00:00.200.
        let sent = Self.hub + 3600
        let skew = ClockSkew.atAgent(sentAt: sent, answeredAt: sent + 0.4, hubTime: Self.hub + 0.2)
        #expect(abs(skew.seconds - 3600) < 1e-6)
        let behind = ClockSkew.atAgent(sentAt: Self.hub - 3600, answeredAt: Self.hub - 3600 + 2, hubTime: Self.hub + 1)
        #expect(abs(behind.seconds + 3600) < 1e-6)
    }

    @Test func theHeaderIsTheWireTimestamp() {
        #expect(ClockSkew.agentTime(header: Timestamp.format(Self.hub)) == Self.hub)
        #expect(ClockSkew.agentTime(header: " 2026-09-21T14:13:20.000000Z ") == Date(timeIntervalSince1970: 1_790_000_000))
        #expect(ClockSkew.agentTime(header: nil) == nil)
        #expect(ClockSkew.agentTime(header: "yesterday") == nil)
    }

    /// (previous skew, current skew, transition) with a 120 s threshold.
    static let transitions: [(Double?, Double, ClockSkewPolicy.Transition?)] = [
        (nil, 0, nil), (nil, 120, nil), (nil, 120.001, .raised), (nil, -3600, .raised), (0, 3600, .raised),
        (3600, 3599, nil), (3600, -3600, nil), (3600, 119, .cleared), (-3600, -120, .cleared), (5, -5, nil),
    ]

    @Test(arguments: transitions) func theAlarmIsRaisedAndClearedOnce(previous: Double?, current: Double, transition: ClockSkewPolicy.Transition?) {
        let policy = ClockSkewPolicy(threshold: .seconds(120))
        #expect(policy.transition(from: previous.map { ClockSkew(seconds: $0) }, to: ClockSkew(seconds: current)) == transition)
    }

    @Test func anAcknowledgementWithoutTheHubsTimeStillReads() throws {
        let old = #"{"plant":"ACME-BER","acknowledgedThrough":7,"applied":2}"#
        let ack = try WireFormat.decoder().decode(SyncAcknowledgement.self, from: Data(old.utf8))
        #expect(ack.hubTime == nil && ack.acknowledgedThrough == 7)
        let new = try WireFormat.encoder().encode(SyncAcknowledgement(plant: "ACME-BER", acknowledgedThrough: 7, applied: 2, hubTime: Self.hub))
        #expect(try WireFormat.decoder().decode(SyncAcknowledgement.self, from: new).hubTime == Self.hub)
    }
}
