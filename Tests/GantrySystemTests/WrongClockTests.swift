import Foundation
import GantryTestSupport
import GantryAgent
import GantryCore
import Synchronization
import Testing

/// An agent whose clock is an hour ahead, an hour behind, or jumps during the run, against a hub on the right time:
/// the events keep their order by sequence and the plant's own times, and both sides raise `clock-skew` beyond
/// the threshold and clear it when the clock is right again. docs/reliability.md, "Wrong clocks".
@Suite(.serialized) struct WrongClockTests {
    /// The agent's clock: the real one plus `offset` seconds, which the test moves.
    final class SkewedClock: Sendable {
        let offset = Atomic<Int64>(0)
        var now: @Sendable () -> Date { { [self] in Date() + Double(self.offset.load(ordering: .relaxed)) } }
    }

    @Test(arguments: [3600, -3600]) func anHourOffIsAnAlarmAtBothEndsAndTheFactsKeepThePlantsTimes(offset: Int64) async throws {
        try await withHub { hub in
            let token = try await hub.enrol("BER")
            let clock = SkewedClock()
            clock.offset.store(offset, ordering: .relaxed)
            try await withTemporaryDirectory { dir in
                try await withAgent(plantID: "ACME-BER", hubURL: hub.url, token: token, dir: dir, now: clock.now) { agent in
                    let before = Date()
                    for index in 0..<3 { try await scanned(agent, "SKEW-\(index)") }
                    try await eventually("the agent raises clock-skew") {
                        let status = try await HTTP.request("GET", "\(agent)/v1/status").json()
                        return (status["alarms"] as? [String])?.contains("clock-skew") == true
                            && status["acknowledgedSequence"] as? Int == status["lastSequence"] as? Int
                    }
                    let status = try await HTTP.request("GET", "\(agent)/v1/status").json()
                    let atAgent = try #require(status["clock"] as? [String: Any])
                    #expect(abs((atAgent["skewSeconds"] as? Double ?? 0) - Double(offset)) < 5, "\(atAgent)")
                    #expect(atAgent["alarm"] as? Bool == true && atAgent["thresholdSeconds"] as? Double == 120)
                    let metrics = try await HTTP.request("GET", "\(agent)/metrics").text
                    #expect(metrics.contains(#"gantry_agent_clock_skew_alarm{plant="ACME-BER"} 1"#))

                    let plant = try await syncReportLine(hub)
                    #expect(abs((plant["clockSkewSeconds"] as? Double ?? 0) - Double(offset)) < 5, "\(plant)")
                    #expect(plant["alarms"] as? [String] == ["clock-skew"])
                    let atHub = try await HTTP.request("GET", "\(hub.url)/metrics", token: hub.adminToken).text
                    #expect(atHub.contains(#"gantry_hub_plant_clock_skew_alarm{plant="ACME-BER",company="ACME"} 1"#), "\(atHub.suffix(800))")

                    // The facts keep the plant's own times (an hour off), in the order of their sequences.
                    let events = try await hubEvents(hub)
                    #expect(events.map(\.sequence) == Array(1...Int64(events.count)))
                    #expect(events.count { $0.type == "ScanRecorded" } == 3)
                    for event in events where event.type == "ScanRecorded" {
                        #expect(abs(event.occurredAt.timeIntervalSince(before) - Double(offset)) < 30, "\(event.occurredAt)")
                    }
                }
            }
        }
    }

    @Test func aClockThatJumpsAheadAndBackRaisesAndClearsTheAlarmAndOrderHolds() async throws {
        try await withHub { hub in
            let token = try await hub.enrol("BER")
            let clock = SkewedClock()
            try await withTemporaryDirectory { dir in
                try await withAgent(plantID: "ACME-BER", hubURL: hub.url, token: token, dir: dir, now: clock.now) { agent in
                    try await scanned(agent, "RIGHT-0")
                    try await eventually("the skew is measured within the threshold") {
                        let status = try await HTTP.request("GET", "\(agent)/v1/status").json()
                        return (status["clock"] as? [String: Any])?["alarm"] as? Bool == false
                    }
                    #expect(try await syncReportLine(hub)["alarms"] as? [String] == [])

                    clock.offset.store(3600, ordering: .relaxed)
                    try await scanned(agent, "AHEAD-0")
                    try await eventually("both ends raise clock-skew") {
                        let status = try await HTTP.request("GET", "\(agent)/v1/status").json()
                        let atHub = try await syncReportLine(hub)["alarms"] as? [String]
                        return (status["alarms"] as? [String])?.contains("clock-skew") == true && atHub == ["clock-skew"]
                    }

                    clock.offset.store(0, ordering: .relaxed)
                    try await scanned(agent, "RIGHT-1")
                    try await eventually("both ends clear it") {
                        let status = try await HTTP.request("GET", "\(agent)/v1/status").json()
                        let atHub = try await syncReportLine(hub)["alarms"] as? [String]
                        return (status["alarms"] as? [String]) == [] && atHub == []
                            && status["acknowledgedSequence"] as? Int == status["lastSequence"] as? Int
                    }
                    // The log's order is its sequence: the scan an hour "later" sits between the two right ones.
                    let scans = try await hubEvents(hub).filter { $0.type == "ScanRecorded" }
                    #expect(scans.count == 3 && scans.map(\.sequence) == scans.map(\.sequence).sorted())
                    #expect(scans[1].occurredAt.timeIntervalSince(scans[0].occurredAt) > 3000, "the jump ahead is kept as the plant said")
                    #expect(scans[2].occurredAt < scans[1].occurredAt, "and so is the jump back")
                }
            }
        }
    }
}

private func scanned(_ agent: String, _ data: String) async throws {
    let answer = try await HTTP.request(
        "POST", "\(agent)/v1/scans", json: #"{"data":"\#(data)","device":"line-1","id":"\#(UUID().uuidString)"}"#)
    try #require(answer.status == 201, "\(answer.text)")
}

/// The plant's line of the hub's sync report.
private func syncReportLine(_ hub: HubFixture) async throws -> [String: Any] {
    let report = try await HTTP.request("GET", "\(hub.url)/v1/reports/sync", token: hub.adminToken).json()
    return try #require((report["plants"] as? [[String: Any]])?.first { $0["plant"] as? String == "ACME-BER" })
}

/// The plant's events at the hub, in the feed's order.
private func hubEvents(_ hub: HubFixture) async throws -> [EventEnvelope] {
    struct Feed: Decodable { var events: [EventEnvelope] }
    return try await HTTP.request("GET", "\(hub.url)/v1/events?plant=ACME-BER", token: hub.adminToken).decode(Feed.self).events
}
