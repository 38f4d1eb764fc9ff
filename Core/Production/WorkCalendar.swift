import Foundation

/// When a work centre works: days of the week and one shift a day, in the plant's time zone.
public struct WorkCalendar: Sendable, Equatable, Codable {
    /// ISO weekdays, 1 = Monday … 7 = Sunday.
    public var days: Set<Int>
    /// Wall-clock time of the shift's start and end in the plant's time zone, as minutes after midnight (06:00 is
    /// 360), whatever the length of the day.
    public var shiftStart: Int
    public var shiftEnd: Int
    public var timeZone: String

    public init(days: Set<Int> = [1, 2, 3, 4, 5], shiftStart: Int = 6 * 60, shiftEnd: Int = 22 * 60, timeZone: String = "UTC") {
        self.days = days
        self.shiftStart = shiftStart
        self.shiftEnd = shiftEnd
        self.timeZone = timeZone
    }

    /// Refuses a calendar with no working time.
    public func validated() throws(ProductionRefusal) -> WorkCalendar {
        guard !days.isEmpty, days.allSatisfy({ (1...7).contains($0) }) else {
            throw ProductionRefusal(.invalid, "working days are 1 (Monday) to 7 (Sunday), at least one")
        }
        guard (0..<24 * 60).contains(shiftStart), (1...24 * 60).contains(shiftEnd), shiftStart < shiftEnd else {
            throw ProductionRefusal(.invalid, "the shift must start before it ends, within one day")
        }
        guard TimeZone(identifier: timeZone) != nil else { throw ProductionRefusal(.invalid, "unknown time zone \(timeZone)") }
        return self
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? .gmt
        return calendar
    }

    /// The working window (start, end) that contains `date` or comes next after it.
    ///
    /// Shift times are wall-clock times of the plant's day, not time elapsed since midnight: on the days clocks
    /// change a day has 23 or 25 hours, and 06:00 is then 5 or 7 hours after midnight.
    func window(atOrAfter date: Date) -> (start: Date, end: Date) {
        let calendar = self.calendar
        var day = calendar.startOfDay(for: date)
        for _ in 0..<400 {
            let weekday = (calendar.component(.weekday, from: day) + 5) % 7 + 1  // Sunday = 1 → ISO 7
            if days.contains(weekday), let start = Self.instant(shiftStart, on: day, in: calendar),
               let end = Self.instant(shiftEnd, on: day, in: calendar), date < end {
                return (max(start, date), end)
            }
            guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
            day = next
        }
        return (date, date.addingTimeInterval(Double((shiftEnd - shiftStart) * 60)))
    }

    /// When the plant's clock shows `minutes` after midnight on `day` (24:00 is the next day's midnight). A time
    /// the clock skips when it springs forward is the first instant after the gap; a time it shows twice when it
    /// falls back is the first of the two.
    static func instant(_ minutes: Int, on day: Date, in calendar: Calendar) -> Date? {
        guard minutes < 24 * 60 else {
            return calendar.date(byAdding: .day, value: 1, to: day).map { calendar.startOfDay(for: $0) }
        }
        return calendar.date(
            bySettingHour: minutes / 60, minute: minutes % 60, second: 0, of: day,
            matchingPolicy: .nextTime, repeatedTimePolicy: .first, direction: .forward)
    }

    /// When `seconds` of work starting at `start` (or the next working time) end, spread over shifts.
    public func finish(startingAt start: Date, seconds: Double) -> (start: Date, finish: Date) {
        var (windowStart, windowEnd) = window(atOrAfter: start)
        let begin = windowStart
        var remaining = seconds
        while remaining > windowEnd.timeIntervalSince(windowStart) {
            remaining -= windowEnd.timeIntervalSince(windowStart)
            (windowStart, windowEnd) = window(atOrAfter: windowEnd)  // a window holds instants before its end
        }
        return (begin, windowStart.addingTimeInterval(remaining))
    }
}

/// One operation of a routing: where, and how long to set up and to make one unit (the ideal cycle time, PRI).
public struct RoutingOperation: Sendable, Equatable, Codable {
    public var sequence: Int
    public var workCentre: String
    public var setupMinutes: Quantity
    public var runMinutesPerUnit: Quantity

    public init(sequence: Int, workCentre: String, setupMinutes: Quantity, runMinutesPerUnit: Quantity) {
        self.sequence = sequence
        self.workCentre = workCentre
        self.setupMinutes = setupMinutes
        self.runMinutesPerUnit = runMinutesPerUnit
    }

    /// Setup plus run time for `quantity` units, in seconds.
    public func seconds(for quantity: Quantity) -> Double {
        (NSDecimalNumber(decimal: setupMinutes.decimal + runMinutesPerUnit.decimal * quantity.decimal).doubleValue) * 60
    }
}

/// Finite-capacity forward scheduling: each work centre runs one operation at a time, within its calendar;
/// a work order's operations run in sequence.
public enum Scheduler {
    public struct Slot: Sendable, Equatable, Codable {
        public var sequence: Int
        public var workCentre: String
        public var start: Date
        public var finish: Date
    }

    /// Slots for `operations` of `quantity` units from `earliest`, after what each work centre has booked
    /// (`busyUntil`), which is updated.
    public static func schedule(
        _ operations: [RoutingOperation], quantity: Quantity, earliest: Date, calendars: [String: WorkCalendar],
        busyUntil: inout [String: Date]
    ) -> [Slot] {
        var ready = earliest
        var slots: [Slot] = []
        for operation in operations.sorted(by: { $0.sequence < $1.sequence }) {
            let calendar = calendars[operation.workCentre] ?? WorkCalendar()
            let from = max(ready, busyUntil[operation.workCentre] ?? earliest)
            let (start, finish) = calendar.finish(startingAt: from, seconds: operation.seconds(for: quantity))
            slots.append(Slot(sequence: operation.sequence, workCentre: operation.workCentre, start: start, finish: finish))
            busyUntil[operation.workCentre] = finish
            ready = finish
        }
        return slots
    }
}
