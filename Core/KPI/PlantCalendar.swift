import Foundation

/// A plant's windows in its own IANA time zone: days from local midnight to local midnight, ISO weeks (Monday
/// to Monday, numbered as ISO 8601 does), calendar months, fiscal periods and shifts. A window's ends are local
/// wall-clock instants, so it is as long as the clock makes it: the day clocks spring forward has 23 hours, the
/// day they fall back 25, and so have the week and month around them.
public struct PlantCalendar: Sendable {
    public let timeZone: TimeZone
    let calendar: Calendar

    /// The calendar of an IANA zone (`Europe/Berlin`); refused for a name the system does not know.
    public init(timeZone identifier: String) throws(KPIRefusal) {
        guard let zone = TimeZone(identifier: identifier) else {
            throw KPIRefusal(.invalid, field: "timeZone", "unknown time zone \"\(identifier)\" (an IANA name such as Europe/Berlin)")
        }
        timeZone = zone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        calendar.firstWeekday = 2  // ISO 8601: weeks start on Monday…
        calendar.minimumDaysInFirstWeek = 4  // …and week 1 holds the year's first Thursday.
        self.calendar = calendar
    }

    /// The local day holding `instant`.
    public func day(containing instant: Date) -> KPIWindow {
        let start = calendar.startOfDay(for: instant)
        return KPIWindow(kind: .day, label: Self.dayLabel(start, in: calendar), start: start, end: nextDay(after: start))
    }

    /// The ISO week holding `instant`, Monday 00:00 to the next Monday 00:00, labelled `YYYY-Www` with the ISO
    /// week-numbering year (1 January 2027 is in `2026-W53`).
    public func week(containing instant: Date) -> KPIWindow {
        var day = calendar.startOfDay(for: instant)
        while isoWeekday(day) != 1 { day = calendar.startOfDay(for: day.addingTimeInterval(-1)) }
        var end = day
        for _ in 0..<7 { end = nextDay(after: end) }
        let parts = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: day)
        let label = "\(Self.digits(parts.yearForWeekOfYear ?? 0, 4))-W\(Self.digits(parts.weekOfYear ?? 0, 2))"
        return KPIWindow(kind: .week, label: label, start: day, end: end)
    }

    /// The calendar month holding `instant`, labelled `YYYY-MM`.
    public func month(containing instant: Date) -> KPIWindow {
        let parts = calendar.dateComponents([.year, .month], from: instant)
        let year = parts.year ?? 1970, month = parts.month ?? 1
        let start = midnight(year: year, month: month, day: 1) ?? calendar.startOfDay(for: instant)
        let end = midnight(year: month == 12 ? year + 1 : year, month: month == 12 ? 1 : month + 1, day: 1) ?? nextDay(after: start)
        return KPIWindow(kind: .month, label: "\(Self.digits(year, 4))-\(Self.digits(month, 2))", start: start, end: end)
    }

    /// A fiscal period from its first day's midnight to the midnight after its last day, labelled with its code
    /// (the same end instant as `PeriodClose.endInstant`); nil when its days do not read as `YYYY-MM-DD`.
    public func window(of period: FiscalPeriodMaster) -> KPIWindow? {
        guard let start = midnight(of: period.start), let last = midnight(of: period.end) else { return nil }
        let end = nextDay(after: last)
        guard start < end else { return nil }
        return KPIWindow(kind: .fiscalPeriod, label: period.key, start: start, end: end)
    }

    /// The fiscal period of `periods` (a company's, which do not overlap) holding `instant`.
    public func fiscalPeriod(containing instant: Date, among periods: [FiscalPeriodMaster]) -> KPIWindow? {
        periods.lazy.compactMap { window(of: $0) }.first { $0.contains(instant) }
    }

    /// The local days overlapping `[from, to)`, oldest first. A month's trend asks for 31 of them on every page:
    /// a day that begins at local midnight with the same offset from UTC as the midnight 24 hours later ends there,
    /// and its label is counted from the days since 1970 (`CivilTime`); only the days around a clock change (or
    /// one beginning at another hour, where a zone moves its clock at midnight) ask the calendar.
    public func days(from: Date, to: Date) -> [KPIWindow] {
        var result: [KPIWindow] = []
        var start = calendar.startOfDay(for: from)
        while start < to {
            let offset = timeZone.secondsFromGMT(for: start)
            let local = start.timeIntervalSince1970 + Double(offset)
            let next = start.addingTimeInterval(86_400)
            if local.truncatingRemainder(dividingBy: 86_400) == 0, timeZone.secondsFromGMT(for: next) == offset {
                let date = CivilTime(unixSeconds: Int64(local))
                result.append(KPIWindow(
                    kind: .day, label: "\(Self.digits(date.year, 4))-\(Self.digits(date.month, 2))-\(Self.digits(date.day, 2))",
                    start: start, end: next))
            } else {
                result.append(self.day(containing: start))
            }
            start = result[result.count - 1].end
        }
        return result
    }

    /// The plant's day holding `instant`, `YYYY-MM-DD` (its "today" at `instant`).
    public func dayText(of instant: Date) -> String { Self.dayLabel(instant, in: calendar) }

    /// The local day `text` (`YYYY-MM-DD`) starts; nil for text that is no such day.
    public func midnight(of text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        return midnight(year: year, month: month, day: day)
    }

    func midnight(year: Int, month: Int, day: Int) -> Date? {
        let components = DateComponents(year: year, month: month, day: day)
        guard components.isValidDate(in: calendar), let date = calendar.date(from: components) else { return nil }
        return calendar.startOfDay(for: date)
    }

    /// The start of the local day after the one starting at `start`. Noon is a safe step: no zone moves its clock
    /// by 12 hours, so noon of a day is always inside it.
    func nextDay(after start: Date) -> Date {
        let noon = calendar.date(bySettingHour: 12, minute: 0, second: 0, of: start) ?? start.addingTimeInterval(43_200)
        return calendar.startOfDay(for: noon.addingTimeInterval(86_400))
    }

    /// ISO weekday of `instant` in the plant's zone: 1 = Monday … 7 = Sunday.
    func isoWeekday(_ instant: Date) -> Int { (calendar.component(.weekday, from: instant) + 5) % 7 + 1 }

    static func dayLabel(_ instant: Date, in calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        return "\(digits(parts.year ?? 0, 4))-\(digits(parts.month ?? 0, 2))-\(digits(parts.day ?? 0, 2))"
    }

    static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
