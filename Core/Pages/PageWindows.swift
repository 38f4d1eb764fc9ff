import Foundation
import GantryCore

/// The windows a page can show (shift, day, week, month, fiscal period), chosen by `?window=` and `?at=`, drawn
/// in the plant's zone with `PlantCalendar` and `ShiftCalendar`, and the parts a trend splits a window into.
public struct PageWindows: Sendable {
    public let calendar: PlantCalendar
    public let shifts: ShiftCalendar
    /// The company's fiscal periods (none: the fiscal-period choice falls back to the month).
    public let periods: [FiscalPeriodMaster]

    /// Three eight-hour shifts every day (06–14 early, 14–22 late, 22–06 night): used until a plant's shifts are
    /// governed by a master.
    public static let defaultShifts = ShiftCalendar(shifts: [
        .init(name: "early", start: 360, end: 840, days: Set(1...7)), .init(name: "late", start: 840, end: 1320, days: Set(1...7)),
        .init(name: "night", start: 1320, end: 360, days: Set(1...7)),
    ])

    public init(calendar: PlantCalendar, shifts: ShiftCalendar = Self.defaultShifts, periods: [FiscalPeriodMaster] = []) {
        self.calendar = calendar
        self.shifts = shifts
        self.periods = periods
    }

    /// A window asked for by a page's query, refused (400) with the field named when it is not one of the kinds
    /// or `at` is no instant or local day.
    public struct Refusal: Error, Sendable, Equatable, ProblemReporting {
        public var field: String
        public var reason: String

        /// 400, naming the query parameter.
        public var problem: ProblemDetails {
            ProblemDetails(code: "invalid-query", title: "Invalid window", status: 400, detail: reason, field: field)
        }
    }

    /// The window of `kind` (`shift`, `day`, `week`, `month`, `fiscal-period`; day when nil) holding `at` (an
    /// ISO 8601 instant or a local day `2026-03-10` at its noon; now when nil).
    public func window(kind text: String?, at: String?, now: Date) throws(Refusal) -> KPIWindow {
        let kind: KPIWindow.Kind
        if let text {
            guard let chosen = KPIWindow.Kind(rawValue: text) else {
                throw Refusal(field: "window", reason: "window is one of \(KPIWindow.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kind = chosen
        } else {
            kind = .day
        }
        var instant = now
        if let at {
            if let midnight = calendar.midnight(of: at) {
                instant = midnight.addingTimeInterval(12 * 3600)
            } else if let parsed = Timestamp.parse(at) {
                instant = parsed
            } else {
                throw Refusal(field: "at", reason: "at is a day (2026-03-10) or an instant (2026-03-10T06:00:00Z)")
            }
        }
        switch kind {
        case .shift: return calendar.shift(containing: instant, in: shifts) ?? calendar.day(containing: instant)
        case .day: return calendar.day(containing: instant)
        case .week: return calendar.week(containing: instant)
        case .month: return calendar.month(containing: instant)
        case .fiscalPeriod: return calendar.fiscalPeriod(containing: instant, among: periods) ?? calendar.month(containing: instant)
        }
    }

    /// The window choices of a page at `path`, each for the same instant as `window`, the chosen kind marked.
    public func choices(path: String, window: KPIWindow) -> [DashboardView.WindowChoice] {
        let names: [(KPIWindow.Kind, String)] = [(.shift, "Shift"), (.day, "Day"), (.week, "Week"), (.month, "Month"), (.fiscalPeriod, "Fiscal period")]
        let at = Timestamp.format(window.start)
        return names.map { kind, name in
            DashboardView.WindowChoice(name: name, link: "\(path)?window=\(kind.rawValue)&at=\(at)", selected: kind == window.kind)
        }
    }

    /// The parts of `window` a trend shows: hours of a shift or day, local days of anything longer.
    public func parts(of window: KPIWindow) -> [KPIWindow] {
        switch window.kind {
        case .shift, .day:
            var parts: [KPIWindow] = []
            var start = MachineElements.bucketStart(of: window.start)
            let format = PageFormat(locale: Locale(identifier: "en_US_POSIX"), timeZone: calendar.timeZone)
            while start < window.end {
                let end = start.addingTimeInterval(3600)
                parts.append(KPIWindow(kind: window.kind, label: String(format.time(max(start, window.start)).suffix(5)), start: max(start, window.start), end: min(end, window.end)))
                start = end
            }
            return parts
        case .week, .month, .fiscalPeriod:
            return calendar.days(from: window.start, to: window.end).map {
                KPIWindow(kind: .day, label: String($0.label.suffix(5)), start: $0.start, end: $0.end)
            }
        }
    }

    /// The locale whose number format a plant in `country` (ISO 3166 alpha-2) reads: the country's main language
    /// for the countries listed, else English as written there.
    public static func locale(country: String?) -> Locale {
        guard let country = country?.uppercased(), country.count == 2 else { return Locale(identifier: "en_US") }
        let languages = [
            "DE": "de", "AT": "de", "CH": "de", "FR": "fr", "BE": "fr", "IT": "it", "ES": "es", "PT": "pt", "NL": "nl", "PL": "pl",
            "CZ": "cs", "SE": "sv", "DK": "da", "FI": "fi", "NO": "nb", "BR": "pt", "MX": "es", "JP": "ja", "CN": "zh",
        ]
        return Locale(identifier: "\(languages[country] ?? "en")_\(country)")
    }
}
