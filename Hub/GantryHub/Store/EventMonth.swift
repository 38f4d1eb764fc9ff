import Foundation
import GantryCore

/// A calendar month (UTC) of raw events as the hub received them: the unit PostgreSQL partitions `events` by and
/// `gantry-hub events detach` archives (docs/postgresql.md, "Events by month").
public struct EventMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int

    /// `yyyy-MM`, e.g. `2026-11`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month), year >= 1970
        else { return nil }
        self.year = year
        self.month = month
    }

    /// The month holding `date` (UTC).
    public init(containing date: Date) {
        let parts = Self.calendar.dateComponents([.year, .month], from: date)
        year = parts.year!
        month = parts.month!
    }

    /// `yyyy-MM`.
    public var description: String { String(format: "%04d-%02d", year, month) }

    /// The name of the month's partition of `events`.
    public var partition: String { String(format: "events_%04d_%02d", year, month) }

    /// The month's first instant and the next month's.
    public var start: Date { Self.calendar.date(from: DateComponents(year: year, month: month, day: 1))! }
    public var end: Date { Self.calendar.date(byAdding: .month, value: 1, to: start)! }

    public static func < (a: EventMonth, b: EventMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }

    /// Refuses a month the hub may still receive events in: only months before the one holding `now` are closed.
    public func checkClosed(now: Date) throws(CommandLineError) {
        let current = EventMonth(containing: now)
        guard self < current else {
            throw CommandLineError(
                "\(self) is not closed: the hub receives events in \(current) now, so only months up to "
                    + "\(EventMonth(containing: current.start.addingTimeInterval(-1))) can be detached")
        }
    }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
