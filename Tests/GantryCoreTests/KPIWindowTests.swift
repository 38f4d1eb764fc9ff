import Foundation
@testable import GantryCore
import Testing

/// Windows in the plant's zone. Every instant below was worked out by hand from Europe/Berlin's rules for 2026:
/// CET (UTC+1) → CEST (UTC+2) on Sunday 29 March at 02:00; back to CET on Sunday 25 October at 03:00.
/// 1 January 2026 is a Thursday, so ISO week 1 starts Monday 29 December 2025 and 2026 has 53 weeks.
@Suite struct KPIWindowTests {
    static func at(_ text: String) -> Date { Timestamp.parse(text)! }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var kind: KPIWindow.Kind
        var instant: String
        var label: String
        var start: String
        var end: String
        var hours: Double
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // Sunday 29 March: 00:00 CET = 28 March 23:00Z to 24:00 CEST = 22:00Z: 23 hours.
        Case(name: "the spring day", kind: .day, instant: "2026-03-29T12:00:00Z", label: "2026-03-29",
             start: "2026-03-28T23:00:00Z", end: "2026-03-29T22:00:00Z", hours: 23),
        // Sunday 25 October: 00:00 CEST = 24 October 22:00Z to 24:00 CET = 23:00Z: 25 hours.
        Case(name: "the autumn day", kind: .day, instant: "2026-10-25T01:30:00Z", label: "2026-10-25",
             start: "2026-10-24T22:00:00Z", end: "2026-10-25T23:00:00Z", hours: 25),
        // 22:30Z on 29 March is already 00:30 CEST on Monday the 30th.
        Case(name: "a day after the change", kind: .day, instant: "2026-03-29T22:30:00Z", label: "2026-03-30",
             start: "2026-03-29T22:00:00Z", end: "2026-03-30T22:00:00Z", hours: 24),
        // Week 13: Monday 23 March 00:00 CET (22 March 23:00Z) to Monday 30 March 00:00 CEST (29 March 22:00Z):
        // 7 × 24 − 1 = 167 hours. (29 December 2025 + 12 weeks = 23 March.)
        Case(name: "the spring week", kind: .week, instant: "2026-03-29T12:00:00Z", label: "2026-W13",
             start: "2026-03-22T23:00:00Z", end: "2026-03-29T22:00:00Z", hours: 167),
        // Week 43: Monday 19 October 00:00 CEST (18 October 22:00Z) to Monday 26 October 00:00 CET (25 October
        // 23:00Z): 169 hours. (29 December 2025 + 42 weeks = 19 October.)
        Case(name: "the autumn week", kind: .week, instant: "2026-10-19T10:00:00Z", label: "2026-W43",
             start: "2026-10-18T22:00:00Z", end: "2026-10-25T23:00:00Z", hours: 169),
        // Friday 1 January 2027 is in week 53 of 2026: Monday 28 December 2026 to Monday 4 January 2027, all CET.
        Case(name: "new year's day in week 53", kind: .week, instant: "2027-01-01T12:00:00Z", label: "2026-W53",
             start: "2026-12-27T23:00:00Z", end: "2027-01-03T23:00:00Z", hours: 168),
        // Sunday 29 March 23:30 CEST (21:30Z) is still week 13; Monday 00:30 CEST (22:30Z) is week 14.
        Case(name: "a Sunday night", kind: .week, instant: "2026-03-29T21:30:00Z", label: "2026-W13",
             start: "2026-03-22T23:00:00Z", end: "2026-03-29T22:00:00Z", hours: 167),
        // March: 1 March 00:00 CET (28 February 23:00Z) to 1 April 00:00 CEST (31 March 22:00Z): 31 × 24 − 1.
        Case(name: "March", kind: .month, instant: "2026-03-15T12:00:00Z", label: "2026-03",
             start: "2026-02-28T23:00:00Z", end: "2026-03-31T22:00:00Z", hours: 743),
        // October: 1 October 00:00 CEST (30 September 22:00Z) to 1 November 00:00 CET (31 October 23:00Z): 31 × 24 + 1.
        Case(name: "October", kind: .month, instant: "2026-10-31T22:59:59Z", label: "2026-10",
             start: "2026-09-30T22:00:00Z", end: "2026-10-31T23:00:00Z", hours: 745),
        // December into the new year: 23:30Z on 31 December is 00:30 on 1 January 2027 in Berlin.
        Case(name: "January, by the plant's clock", kind: .month, instant: "2026-12-31T23:30:00Z", label: "2027-01",
             start: "2026-12-31T23:00:00Z", end: "2027-01-31T23:00:00Z", hours: 744),
    ]

    @Test(arguments: cases) func windowsFollowTheWallClock(_ row: Case) throws {
        let calendar = try PlantCalendar(timeZone: "Europe/Berlin")
        let instant = Self.at(row.instant)
        let window = switch row.kind {
        case .day: calendar.day(containing: instant)
        case .week: calendar.week(containing: instant)
        default: calendar.month(containing: instant)
        }
        #expect(window == KPIWindow(kind: row.kind, label: row.label, start: Self.at(row.start), end: Self.at(row.end)))
        #expect(window.seconds == row.hours * 3_600)
    }

    @Test func daysAcrossTheSpringChangeTileTheirSpan() throws {
        let calendar = try PlantCalendar(timeZone: "Europe/Berlin")
        // 28 March 12:00Z (13:00 CET, Saturday) to 30 March 12:00Z (14:00 CEST, Monday): three local days.
        let days = calendar.days(from: Self.at("2026-03-28T12:00:00Z"), to: Self.at("2026-03-30T12:00:00Z"))
        #expect(days.map(\.label) == ["2026-03-28", "2026-03-29", "2026-03-30"])
        #expect(days.map(\.seconds) == [24, 23, 24].map { $0 * 3_600.0 })
        #expect(zip(days, days.dropFirst()).allSatisfy { $0.end == $1.start })
    }

    static func period(_ key: String, _ start: String, _ end: String) throws -> FiscalPeriodMaster {
        let record = MasterRecord(
            kind: .fiscalPeriod, company: "ACME", key: key, active: true, plants: [],
            data: try JSONValue.parse(#"{"start":"\#(start)","end":"\#(end)","fiscalYear":"FY2027"}"#), version: 4,
            updatedAt: Date(timeIntervalSince1970: 0), updatedBy: "tests")
        return try #require(FiscalPeriodMaster(record))
    }

    @Test func fiscalPeriodsRunFromMidnightToMidnightInThePlantsZone() throws {
        let calendar = try PlantCalendar(timeZone: "Europe/Berlin")
        // A 4-4-5 period across the autumn change: 27 September 00:00 CEST (26 September 22:00Z) to the end of
        // 31 October, 1 November 00:00 CET (31 October 23:00Z): 35 days of which one has 25 hours.
        let p01 = try Self.period("FY27-P01", "2026-09-27", "2026-10-31")
        let p02 = try Self.period("FY27-P02", "2026-11-01", "2026-11-28")
        let window = try #require(calendar.window(of: p01))
        #expect(window == KPIWindow(kind: .fiscalPeriod, label: "FY27-P01", start: Self.at("2026-09-26T22:00:00Z"), end: Self.at("2026-10-31T23:00:00Z")))
        #expect(window.seconds == (35 * 24 + 1) * 3_600)
        #expect(window.end == PeriodClose.endInstant(of: p01, timeZone: "Europe/Berlin"), "the instant period close uses")
        #expect(calendar.fiscalPeriod(containing: Self.at("2026-10-31T23:00:00Z"), among: [p01, p02])?.label == "FY27-P02")
        #expect(calendar.fiscalPeriod(containing: Self.at("2026-10-31T22:59:59Z"), among: [p01, p02])?.label == "FY27-P01")
        #expect(calendar.fiscalPeriod(containing: Self.at("2026-12-01T12:00:00Z"), among: [p01, p02]) == nil)
        #expect(calendar.window(of: try Self.period("BAD", "2026-02-30", "2026-03-31")) == nil, "30 February is no day")
    }

    @Test func anUnknownZoneIsRefused() {
        #expect(throws: KPIRefusal(.invalid, field: "timeZone", #"unknown time zone "Europe/Berlim" (an IANA name such as Europe/Berlin)"#)) {
            try PlantCalendar(timeZone: "Europe/Berlim")
        }
        #expect(KPIRefusal(.invalid, field: "timeZone", "x").problem.status == 422)
    }

    /// `days(from:to:)` steps 24 hours where the zone's offset stays put; every day of 2011 to 2027 in zones with
    /// summer time, half-hour changes, changes at midnight (Havana, Santiago) and a skipped day (Apia, 30 December
    /// 2011) is the calendar's own day, label and both ends, as `day(containing:)` gives it.
    @Test(arguments: ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "America/Havana",
                      "America/Santiago", "Pacific/Apia"])
    func daysAreTheCalendarsDaysInEveryZone(_ zone: String) throws {
        let calendar = try PlantCalendar(timeZone: zone)
        let from = Date(timeIntervalSince1970: 1_293_840_000), to = Date(timeIntervalSince1970: 1_830_297_600)  // 2011 to 2028
        var expected: [KPIWindow] = []
        var day = calendar.day(containing: from)
        while day.start < to {
            expected.append(day)
            day = calendar.day(containing: day.end)
        }
        let days = calendar.days(from: from, to: to)
        #expect(days.count == expected.count)
        #expect(days == expected, "the first difference: \(String(describing: zip(days, expected).first { $0 != $1 }))")
    }
}
