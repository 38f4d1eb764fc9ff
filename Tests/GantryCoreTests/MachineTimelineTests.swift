import Foundation
import GantryCore
import Testing

@Suite struct MachineTimelineTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func change(_ offset: Double, _ state: MachineState, _ reason: String? = nil) -> MachineTimeline.Change {
        MachineTimeline.Change(at: t0 + offset, state: state, reason: reason)
    }

    @Test func secondsPerStateFollowTimestampsNotArrivalOrder() {
        let changes = [change(0, .running), change(100, .down, "JAM"), change(160, .running), change(300, .idle)]
        let inOrder = MachineTimeline(changes: changes).summary(from: t0, to: t0 + 400)
        let shuffled = MachineTimeline(changes: changes.reversed() + [changes[1]]).summary(from: t0, to: t0 + 400)
        #expect(inOrder == shuffled)
        #expect(inOrder.seconds[.running] == 240 && inOrder.seconds[.down] == 60 && inOrder.seconds[.idle] == 100)
        #expect(inOrder.downtimeByReason == ["JAM": 60])
    }

    @Test func theStateBeforeTheWindowCarriesIn() {
        let summary = MachineTimeline(changes: [change(-1000, .setup), change(50, .running)]).summary(from: t0, to: t0 + 100)
        #expect(summary.seconds[.setup] == 50 && summary.seconds[.running] == 50 && summary.seconds[.unknown] == 0)
    }

    @Test func noSignalIsUnknownAndNotHeldAgainstAvailability() {
        // Nothing before the window; a lost signal at 200 until the next message at 300.
        let timeline = MachineTimeline(changes: [change(100, .running), change(200, .unknown), change(300, .running)])
        let summary = timeline.summary(from: t0, to: t0 + 400)
        #expect(summary.seconds[.unknown] == 200 && summary.seconds[.running] == 200 && summary.seconds[.down] == 0)
        #expect(summary.availability == 1)
    }

    @Test func aLostSignalAndAStateAtTheSameInstantLeaveTheState() {
        let summary = MachineTimeline(changes: [change(0, .running), change(0, .unknown)]).summary(from: t0, to: t0 + 10)
        #expect(summary.seconds[.running] == 10)
    }

    @Test func availabilityLeavesOutPlannedStops() {
        let summary = MachineTimeline(changes: [change(0, .running), change(600, .plannedStop), change(900, .down)])
            .summary(from: t0, to: t0 + 1000)
        #expect(summary.availability == 600.0 / 700.0)
        #expect(MachineTimeline(changes: [change(0, .plannedStop)]).summary(from: t0, to: t0 + 10).availability == nil)
    }

    @Test func downtimeIsClassifiedAndUnknownCodesFlagged() throws {
        let reasons = try DowntimeReasons(csv: """
            code,class,failure,description
            JAM,availability,yes,Material jam
            SLOW,performance,no,Reduced speed
            """, source: "reasons.csv")
        let timeline = MachineTimeline(changes: [
            change(0, .running), change(100, .down, "JAM"), change(130, .running), change(200, .down, "SLOW"),
            change(260, .running), change(300, .down, "XYZ"), change(310, .running), change(400, .down),
        ])
        let machine = MachineID(line: "L1", machine: "M1")
        let downtime = Reliability.downtime(timeline, machine: machine, from: t0, to: t0 + 500, now: t0 + 500, reasons: reasons)
        #expect(downtime.map(\.reason) == ["JAM", "SLOW", "XYZ", nil])
        #expect(downtime.map(\.knownReason) == [true, true, false, false])
        #expect(downtime.map(\.failure) == [true, false, true, true], "unclassified stops count as failures")
        #expect(downtime.map(\.lossClass) == [.availability, .performance, nil, nil])
        #expect(downtime.last?.end == nil, "still down at the report's end")
        let summary = timeline.summary(from: t0, to: t0 + 500)
        let figures = Reliability.figures(summary: summary, downtime: downtime)
        #expect(figures.failures == 3)
        let running: Double = summary.seconds[.running] ?? 0
        let repair: Double = 30 + 10 + 100
        #expect(figures.mtbfHours == running / 3 / 3600)
        #expect(figures.mttrHours == repair / 3 / 3600)
    }

    @Test(arguments: ["JAM,availability", "JAM,speed,yes", "JAM,availability,maybe", "JAM,quality,no\nJAM,quality,no", ",quality,no"])
    func badTaxonomyLinesAreRefusedWithTheirLine(csv: String) {
        #expect(throws: ConfigurationError.self) { try DowntimeReasons(csv: csv, source: "reasons.csv") }
    }
}
