import Foundation
import GantryCore
import Testing

/// Shift times are wall-clock times in the plant's zone, also on the days its clocks change. Every expected
/// instant below was worked out by hand from the zone's rules for 2031:
/// - Europe/Berlin: CET (UTC+1) → CEST (UTC+2) on Sunday 30 March at 02:00; back on Sunday 26 October at 03:00.
/// - America/New_York: EST (UTC−5) → EDT (UTC−4) on Sunday 9 March at 02:00; back on Sunday 2 November at 02:00.
@Suite struct WorkCalendarTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var timeZone: String
        var days: Set<Int> = Set(1...7)
        var shift: (start: Int, end: Int) = (6 * 60, 14 * 60)
        var from: String
        var hours: Double
        var start: String
        var finish: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // Sat 29 March 13:00 CET = 12:00Z: one hour left until 14:00 CET (13:00Z). Sunday is 23 hours long:
        // 06:00 CEST is 04:00Z (not midnight 23:00Z + 6 h = 05:00Z); the second hour ends at 05:00Z.
        Case(name: "Berlin, into the spring change", timeZone: "Europe/Berlin", from: "2031-03-29T12:00:00Z", hours: 2,
             start: "2031-03-29T12:00:00Z", finish: "2031-03-30T05:00:00Z"),
        // Sat 25 October 14:00 CEST = 12:00Z: the shift has ended. Sunday is 25 hours long: 06:00 CET is 05:00Z
        // (not midnight 22:00Z + 6 h = 04:00Z); two hours end at 07:00Z.
        Case(name: "Berlin, into the autumn change", timeZone: "Europe/Berlin", from: "2031-10-25T12:00:00Z", hours: 2,
             start: "2031-10-26T05:00:00Z", finish: "2031-10-26T07:00:00Z"),
        // Fri 28 March 13:00 CET = 12:00Z, Monday to Friday: 1 h on Friday (to 13:00Z), the weekend skipped,
        // Monday 31 March 06:00–14:00 CEST = 04:00Z–12:00Z (8 h), Tuesday 04:00Z + the last 3 h = 07:00Z.
        Case(name: "Berlin, a weekend with the change in it", timeZone: "Europe/Berlin", days: [1, 2, 3, 4, 5],
             from: "2031-03-28T12:00:00Z", hours: 12, start: "2031-03-28T12:00:00Z", finish: "2031-04-01T07:00:00Z"),
        // Around the clock: Saturday ends at midnight CET (23:00Z) after 1 h; Sunday 30 March runs from 23:00Z to
        // the next midnight CEST (22:00Z on the 30th), so the other 2 h end at 01:00Z, with no second lost between.
        Case(name: "Berlin, around the clock", timeZone: "Europe/Berlin", shift: (0, 24 * 60), from: "2031-03-29T22:00:00Z",
             hours: 3, start: "2031-03-29T22:00:00Z", finish: "2031-03-30T01:00:00Z"),
        // A shift starting at 02:30 on the spring Sunday: the clock skips 02:00–03:00, so it starts at the first
        // instant after the gap, 03:00 CEST = 01:00Z.
        Case(name: "Berlin, a shift start the clock skips", timeZone: "Europe/Berlin", shift: (150, 600),
             from: "2031-03-29T12:00:00Z", hours: 1, start: "2031-03-30T01:00:00Z", finish: "2031-03-30T02:00:00Z"),
        // A shift starting at 02:30 on the autumn Sunday: the clock shows 02:30 twice; the first, 02:30 CEST, is 00:30Z.
        Case(name: "Berlin, a shift start the clock shows twice", timeZone: "Europe/Berlin", shift: (150, 600),
             from: "2031-10-25T12:00:00Z", hours: 1, start: "2031-10-26T00:30:00Z", finish: "2031-10-26T01:30:00Z"),
        // Sat 8 March 13:00 EST = 18:00Z: 1 h until 14:00 EST (19:00Z). Sunday 06:00 EDT = 10:00Z (not midnight
        // 05:00Z + 6 h = 11:00Z); the second hour ends at 11:00Z.
        Case(name: "New York, into the spring change", timeZone: "America/New_York", from: "2031-03-08T18:00:00Z", hours: 2,
             start: "2031-03-08T18:00:00Z", finish: "2031-03-09T11:00:00Z"),
        // Sat 1 November 14:00 EDT = 18:00Z: the shift has ended. Sunday 06:00 EST = 11:00Z (not midnight 04:00Z
        // + 6 h = 10:00Z); two hours end at 13:00Z.
        Case(name: "New York, into the autumn change", timeZone: "America/New_York", from: "2031-11-01T18:00:00Z", hours: 2,
             start: "2031-11-02T11:00:00Z", finish: "2031-11-02T13:00:00Z"),
        // An ordinary day: Monday 10 March 06:00 EDT = 10:00Z, a full 8 h shift ends 14:00 EDT = 18:00Z.
        Case(name: "New York, a day after the change", timeZone: "America/New_York", from: "2031-03-10T09:00:00Z", hours: 8,
             start: "2031-03-10T10:00:00Z", finish: "2031-03-10T18:00:00Z"),
    ]

    @Test(arguments: cases) func shiftsFollowTheWallClock(_ row: Case) throws {
        let calendar = try WorkCalendar(days: row.days, shiftStart: row.shift.start, shiftEnd: row.shift.end, timeZone: row.timeZone)
            .validated()
        let planned = calendar.finish(startingAt: try #require(Timestamp.parse(row.from)), seconds: row.hours * 3600)
        #expect(Timestamp.format(planned.start) == Timestamp.format(try #require(Timestamp.parse(row.start))))
        #expect(Timestamp.format(planned.finish) == Timestamp.format(try #require(Timestamp.parse(row.finish))))
    }

    @Test func theSchedulerPlansTheIssuesExampleOnTheWallClock() {
        // Work centre days 1–7, 06:00–14:00 Europe/Berlin, 60 minutes a unit, 2 units from 2031-03-29T12:00Z:
        // 1 unit on Saturday (12:00Z–13:00Z), 1 on Sunday from 06:00 CEST = 04:00Z, done at 05:00Z.
        let calendars = ["WC": WorkCalendar(days: Set(1...7), shiftStart: 360, shiftEnd: 840, timeZone: "Europe/Berlin")]
        let operation = RoutingOperation(sequence: 10, workCentre: "WC", setupMinutes: .zero, runMinutesPerUnit: Quantity(60))
        var busy: [String: Date] = [:]
        let slots = Scheduler.schedule(
            [operation], quantity: Quantity(2), earliest: Timestamp.parse("2031-03-29T12:00:00Z")!, calendars: calendars, busyUntil: &busy)
        #expect(slots.map { Timestamp.format($0.finish) } == [Timestamp.format(Timestamp.parse("2031-03-30T05:00:00Z")!)])
    }
}
