import Foundation
import GantryCore
import Testing

/// Shift windows by the plant's wall clock, over midnight and over Berlin's 2026 clock changes (CET → CEST on
/// Sunday 29 March at 02:00, back on Sunday 25 October at 03:00).
@Suite struct KPIShiftTests {
    static func at(_ text: String) -> Date { Timestamp.parse(text)! }
    static let every = Set(1...7)

    /// Early 06–14, late 14–22, night 22–06 (into the next day), every day.
    static let threeShifts = ShiftCalendar(shifts: [
        .init(name: "early", start: 6 * 60, end: 14 * 60, days: every),
        .init(name: "late", start: 14 * 60, end: 22 * 60, days: every),
        .init(name: "night", start: 22 * 60, end: 6 * 60, days: every),
    ])

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var instant: String
        var label: String
        var start: String
        var end: String
        var hours: Double
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // Tuesday 3 March 22:00 CET (21:00Z) to Wednesday 06:00 CET (05:00Z); 02:00Z is 03:00 on Wednesday, in the
        // night shift that started on Tuesday.
        Case(name: "a night over midnight", instant: "2026-03-04T02:00:00Z", label: "2026-03-03 night",
             start: "2026-03-03T21:00:00Z", end: "2026-03-04T05:00:00Z", hours: 8),
        // Saturday 28 March 22:00 CET (21:00Z) to Sunday 06:00 CEST (04:00Z): the clock skips 02:00–03:00, 7 hours.
        Case(name: "the spring night", instant: "2026-03-29T01:30:00Z", label: "2026-03-28 night",
             start: "2026-03-28T21:00:00Z", end: "2026-03-29T04:00:00Z", hours: 7),
        // Saturday 24 October 22:00 CEST (20:00Z) to Sunday 06:00 CET (05:00Z): 02:00–03:00 twice, 9 hours.
        Case(name: "the autumn night", instant: "2026-10-25T00:30:00Z", label: "2026-10-24 night",
             start: "2026-10-24T20:00:00Z", end: "2026-10-25T05:00:00Z", hours: 9),
        // Sunday 29 March 06:00 CEST = 04:00Z: the early shift after the short night is a normal 8 hours.
        Case(name: "the spring early shift", instant: "2026-03-29T04:00:00Z", label: "2026-03-29 early",
             start: "2026-03-29T04:00:00Z", end: "2026-03-29T12:00:00Z", hours: 8),
    ]

    @Test(arguments: cases) func shiftWindowsFollowTheWallClock(_ row: Case) throws {
        let calendar = try PlantCalendar(timeZone: "Europe/Berlin")
        let window = try #require(calendar.shift(containing: Self.at(row.instant), in: try Self.threeShifts.validated()))
        #expect(window == KPIWindow(kind: .shift, label: row.label, start: Self.at(row.start), end: Self.at(row.end)))
        #expect(window.seconds == row.hours * 3_600)
    }

    @Test func shiftsOfADayIncludeTheNightThatStartedTheEveningBefore() throws {
        let calendar = try PlantCalendar(timeZone: "Europe/Berlin")
        // Monday 2 March (23:00Z on the 1st to 23:00Z on the 2nd), weekday shifts: Monday's early, late and night.
        // Nights Monday to Friday, so no Sunday night reaches into Monday morning.
        let weekdays = ShiftCalendar(shifts: Self.threeShifts.shifts.map { var shift = $0; shift.days = Set(1...5); return shift })
        let day = calendar.day(containing: Self.at("2026-03-02T12:00:00Z"))
        let shifts = calendar.shifts(from: day.start, to: day.end, in: weekdays)
        #expect(shifts.map(\.label) == ["2026-03-02 early", "2026-03-02 late", "2026-03-02 night"])
        #expect(shifts.map(\.start) == ["2026-03-02T05:00:00Z", "2026-03-02T13:00:00Z", "2026-03-02T21:00:00Z"].map(Self.at))
        // Tuesday starts with Monday's night.
        #expect(calendar.shifts(from: day.end, to: day.end + 1, in: weekdays).map(\.label) == ["2026-03-02 night"])
    }

    @Test func betweenShiftsThereIsNone() throws {
        let calendar = try PlantCalendar(timeZone: "Europe/Berlin")
        let days = ShiftCalendar(shifts: [.init(name: "day", start: 6 * 60, end: 14 * 60)])
        #expect(calendar.shift(containing: Self.at("2026-03-02T14:00:00Z"), in: days) == nil)  // 15:00 CET
        #expect(calendar.shift(containing: Self.at("2026-03-07T08:00:00Z"), in: days) == nil)  // a Saturday
    }

    /// A shift ending at 02:30 and the next starting at 02:30 share one instant, also on the nights the clock
    /// skips 02:30 (both are 03:00 CEST = 01:00Z) or shows it twice (both are the first, 02:30 CEST = 00:30Z).
    @Test(arguments: [("2026-03-28", "2026-03-29T01:00:00Z"), ("2026-10-24", "2026-10-25T00:30:00Z")])
    func adjacentShiftsNeverOverlapOrGap(saturday: String, boundary: String) throws {
        let calendar = try PlantCalendar(timeZone: "Europe/Berlin")
        let split = try ShiftCalendar(shifts: [
            .init(name: "evening", start: 18 * 60, end: 150, days: [6]),
            .init(name: "small-hours", start: 150, end: 10 * 60, days: [7]),
        ]).validated()
        let evening = try #require(calendar.midnight(of: saturday))
        let shifts = calendar.shifts(from: evening, to: evening + 2 * 86_400, in: split)
        #expect(shifts.count == 2)
        #expect(shifts[0].end == Self.at(boundary) && shifts[1].start == Self.at(boundary))
    }

    static let refused: [(String, [ShiftCalendar.Shift], String)] = [
        ("no shift", [], "shifts"),
        ("a name twice", [.init(name: "A", start: 360, end: 480), .init(name: "A", start: 600, end: 700)], "shifts[1].name"),
        ("an empty name", [.init(name: "", start: 360, end: 480)], "shifts[0].name"),
        ("24:00 as a start", [.init(name: "A", start: 1_440, end: 480)], "shifts[0].start"),
        ("a negative end", [.init(name: "A", start: 360, end: -1)], "shifts[0].end"),
        ("no day", [.init(name: "A", start: 360, end: 480, days: [])], "shifts[0].days"),
        ("day 8", [.init(name: "A", start: 360, end: 480, days: [8])], "shifts[0].days"),
        ("two shifts at 13:00", [.init(name: "A", start: 360, end: 840), .init(name: "B", start: 780, end: 900)], "shifts"),
        // Sunday night 22:00–06:00 runs into Monday's early shift from 05:00.
        ("Sunday night into Monday", [.init(name: "N", start: 1_320, end: 360, days: [7]), .init(name: "E", start: 300, end: 780, days: [1])], "shifts"),
    ]

    @Test(arguments: refused)
    func aCalendarThatCannotMakeWindowsIsRefused(_ name: String, _ shifts: [ShiftCalendar.Shift], _ field: String) {
        let error = #expect(throws: KPIRefusal.self, "\(name)") { try ShiftCalendar(shifts: shifts).validated() }
        #expect(error?.field == field && error?.code == .invalid, "\(name)")
    }

    @Test func nightsThatMeetMondayMorningExactlyAreAccepted() throws {
        let calendar = ShiftCalendar(shifts: [.init(name: "N", start: 1_320, end: 360, days: [7]), .init(name: "E", start: 360, end: 840, days: [1])])
        #expect(try calendar.validated() == calendar)
        #expect(try Self.threeShifts.validated() == Self.threeShifts)
    }
}
