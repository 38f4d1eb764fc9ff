import Foundation

/// A plant's (or a work centre's) shifts: each named, from a wall-clock start to a wall-clock end in the plant's
/// time zone, on the ISO weekdays it starts on. A shift whose end is not after its start crosses midnight and ends
/// on the next day (`22:00–06:00`); one whose end equals its start lasts a whole day by the wall clock.
///
/// A shift window is wall-clock time, like `WorkCalendar`'s shifts: from the start on the day it starts to the
/// end on the day it ends, however many hours the clock puts between them. A night shift 22:00–06:00 over the
/// spring change is 7 hours long, over the autumn change 9. A start or end the clock skips is the first instant
/// after the gap; one the clock shows twice is the first of the two. Both ends follow the same rule, so a shift
/// ending when the next begins shares that instant with it: shifts never overlap or leave a gap, even then.
public struct ShiftCalendar: Sendable, Equatable, Codable {
    public struct Shift: Sendable, Equatable, Codable {
        public var name: String
        /// Minutes after local midnight (06:00 is 360).
        public var start: Int
        /// Minutes after local midnight; not after `start`: on the next day.
        public var end: Int
        /// ISO weekdays the shift starts on, 1 = Monday … 7 = Sunday.
        public var days: Set<Int>

        public init(name: String, start: Int, end: Int, days: Set<Int> = Set(1...5)) {
            self.name = name
            self.start = start
            self.end = end
            self.days = days
        }

        /// Whether it ends on the day after it starts.
        public var crossesMidnight: Bool { end <= start }

        /// Its length in minutes by the wall clock.
        var minutes: Int { crossesMidnight ? end - start + 24 * 60 : end - start }
    }

    public var shifts: [Shift]

    public init(shifts: [Shift]) {
        self.shifts = shifts
    }

    /// Refuses a calendar a window cannot be drawn from, naming the field: no shift, a name empty or repeated,
    /// a time outside 00:00–23:59, no day or a day outside 1–7, or two shifts covering the same wall-clock time.
    public func validated() throws(KPIRefusal) -> ShiftCalendar {
        guard !shifts.isEmpty else { throw KPIRefusal(.invalid, field: "shifts", "a calendar has at least one shift") }
        var names = Set<String>()
        for (index, shift) in shifts.enumerated() {
            let field = "shifts[\(index)]"
            guard (1...64).contains(shift.name.count), names.insert(shift.name).inserted else {
                throw KPIRefusal(.invalid, field: "\(field).name", "a shift name is 1 to 64 characters, each name once")
            }
            for (key, minutes) in [("start", shift.start), ("end", shift.end)] where !(0..<24 * 60).contains(minutes) {
                throw KPIRefusal(.invalid, field: "\(field).\(key)", "a time is 0 to 1439 minutes after midnight, got \(minutes)")
            }
            guard !shift.days.isEmpty, shift.days.allSatisfy({ (1...7).contains($0) }) else {
                throw KPIRefusal(.invalid, field: "\(field).days", "days are 1 (Monday) to 7 (Sunday), at least one")
            }
        }
        if let (first, second) = overlap() {
            throw KPIRefusal(.invalid, field: "shifts", "shifts \(first) and \(second) cover the same time")
        }
        return self
    }

    /// Two shifts covering the same minute of the week (by the wall clock), if any.
    func overlap() -> (String, String)? {
        let week = 7 * 24 * 60
        var stretches: [(start: Int, end: Int, name: String)] = []
        for shift in shifts {
            for day in shift.days {
                let start = (day - 1) * 24 * 60 + shift.start, end = start + shift.minutes
                if end <= week {
                    stretches.append((start, end, shift.name))
                } else {  // Sunday night into Monday morning
                    stretches.append((start, week, shift.name))
                    stretches.append((0, end - week, shift.name))
                }
            }
        }
        stretches.sort { $0.start < $1.start }
        for (earlier, later) in zip(stretches, stretches.dropFirst()) where later.start < earlier.end {
            return (earlier.name, later.name)
        }
        return nil
    }
}
