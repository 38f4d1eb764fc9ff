import Foundation
import GantryCore
import Testing

/// Time after now has not happened: reports of what machines did end at now.
@Suite struct ReportWindowTests {
    let now = Timestamp.parse("2031-03-29T11:00:00Z")!

    func window(_ from: String, _ to: String) throws -> ReportWindow { try ReportWindow(from: from, to: to) }

    @Test func aWindowEndingAfterNowEndsAtNowAndSaysWhatWasAsked() throws {
        let cut = try window("2031-03-29T10:58:00Z", "2031-03-29T21:00:00Z").elapsed(now: now)
        #expect(cut.from == Timestamp.parse("2031-03-29T10:58:00Z") && cut.to == now)
        #expect(cut.requestedTo == Timestamp.parse("2031-03-29T21:00:00Z"))
    }

    @Test func aWindowInThePastIsAsAsked() throws {
        let asked = try window("2031-03-29T09:00:00Z", "2031-03-29T11:00:00Z")
        #expect(try asked.elapsed(now: now) == asked && asked.requestedTo == nil, "ending exactly at now is not cut")
    }

    @Test(arguments: ["2031-03-29T11:00:00Z", "2031-03-29T12:00:00Z"])
    func aWindowStartingAtOrAfterNowIsRefusedNamingFrom(from: String) throws {
        #expect(throws: ReportWindow.Invalid.self) { try window(from, "2031-03-29T13:00:00Z").elapsed(now: now) }
        do {
            _ = try window(from, "2031-03-29T13:00:00Z").elapsed(now: now)
            Issue.record("a window from \(from) was not refused")
        } catch let error as ReportWindow.Invalid {
            #expect(error.field == "from")
        }
    }

    @Test func theIssuesMachineShowsTwoMinutesRunningNotTenHours() throws {
        // Running since 10:58; asked at 11:00 for 10:58 to 21:00: 120 s running, availability 1 over 120 s.
        let cut = try window("2031-03-29T10:58:00Z", "2031-03-29T21:00:00Z").elapsed(now: now)
        let machine = MachineID(line: "L1", machine: "M1")
        let history = MachineHistory(
            timelines: [machine: MachineTimeline(changes: [.init(at: cut.from, state: .running)])], counts: [:])
        let report = try #require(history.timeReports(plant: "ACME-BER", from: cut.from, to: cut.to).first)
        #expect(report.seconds["running"] == 120 && report.availability == 1)
    }

    @Test func reliabilityAndDowntimeStopAtNowWhateverTheWindow() throws {
        // Running 10:00–10:30, down since 10:30 (no reason: a failure); the window runs to 21:00, now is 11:00.
        let t0 = Timestamp.parse("2031-03-29T10:00:00Z")!, to = Timestamp.parse("2031-03-29T21:00:00Z")!
        let machine = MachineID(line: "L1", machine: "M1")
        let history = MachineHistory(
            timelines: [machine: MachineTimeline(changes: [.init(at: t0, state: .running), .init(at: t0 + 1800, state: .down)])],
            counts: [:])
        let reasons = DowntimeReasons()
        let downtime = history.downtime(from: t0, to: to, now: now, reasons: reasons)
        // 1,800 s down so far (10:30–11:00), not 37,800 to 21:00; still down, so no end.
        #expect(downtime.count == 1 && downtime.first?.seconds == 1800 && downtime.first?.end == nil)
        let reliability = try #require(history.reliability(from: t0, to: to, now: now, reasons: reasons).first)
        #expect(reliability.failures == 1 && reliability.mtbfHours == 0.5 && reliability.mttrHours == 0.5)
        #expect(reliability.runningHours == 0.5 && reliability.downHours == 0.5)
        // Asked before it began, nothing.
        #expect(history.downtime(from: now + 60, to: to, now: now, reasons: reasons).isEmpty)
    }
}
