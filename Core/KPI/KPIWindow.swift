import Foundation

/// A window KPIs are reported over: `[start, end)` in UTC, named as the plant names it (`2026-03-29`,
/// `2026-W13`, `2026-03`, `FY27-P04`, `2026-03-29 night`).
public struct KPIWindow: Sendable, Equatable, Hashable, Codable {
    /// What kind of window it is.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case shift, day, week, month, fiscalPeriod = "fiscal-period"
    }

    public var kind: Kind
    /// The plant's name for it, unique among windows of its kind.
    public var label: String
    /// The first instant in it.
    public var start: Date
    /// The first instant after it.
    public var end: Date

    public init(kind: Kind, label: String, start: Date, end: Date) {
        self.kind = kind
        self.label = label
        self.start = start
        self.end = end
    }

    /// Its length in seconds (a Berlin day is 82 800, 86 400 or 90 000).
    public var seconds: Double { end.timeIntervalSince(start) }

    /// Whether `instant` lies in `[start, end)`.
    public func contains(_ instant: Date) -> Bool { start <= instant && instant < end }
}
