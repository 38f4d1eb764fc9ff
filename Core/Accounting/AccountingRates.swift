import Foundation

/// Rate lookup. A pair given only the other way round serves by its inverse (the direct pair wins when both are
/// given). A daily rate for a day without one is the latest daily rate of the pair up to `dailyLookback` days
/// before it (weekends and holidays publish none); closing rates are exact to the day and average rates to the
/// range. Inactive rates and rates that are not positive are never used. Anything else is a refusal naming the
/// pair and the day, never a silent 1.0.
enum AccountingRates {
    /// How many days before a day without a daily rate the lookup goes back.
    static let dailyLookback = 7

    static func daily(_ rates: [ExchangeRateMaster], from: CurrencyCode, to: CurrencyCode, on day: String) throws(AccountingRefusal) -> AppliedRate {
        guard let earliest = earliestDay(before: day) else {
            throw AccountingRefusal(.invalid, "\(day) is not a date YYYY-MM-DD")
        }
        return try find(rates, from: from, to: to, kind: .daily,
                        label: "daily rate on \(day) or in the \(dailyLookback) days before") { $0.on <= day && $0.on >= earliest }
    }

    static func closing(_ rates: [ExchangeRateMaster], from: CurrencyCode, to: CurrencyCode, on day: String) throws(AccountingRefusal) -> AppliedRate {
        try find(rates, from: from, to: to, kind: .closing, label: "closing rate on \(day)") { $0.on == day }
    }

    static func average(_ rates: [ExchangeRateMaster], from: CurrencyCode, to: CurrencyCode, start: String, end: String) throws(AccountingRefusal) -> AppliedRate {
        try find(rates, from: from, to: to, kind: .average, label: "average rate for \(start) to \(end)") {
            $0.on == start && $0.through == end
        }
    }

    /// The latest matching rate of the pair given directly, else the latest given the other way round, inverted.
    private static func find(_ rates: [ExchangeRateMaster], from: CurrencyCode, to: CurrencyCode, kind: ExchangeRateMaster.RateKind,
                             label: String, _ matches: (ExchangeRateMaster) -> Bool) throws(AccountingRefusal) -> AppliedRate {
        if from == to { return AppliedRate(from: from, to: to, kind: kind, on: "", rate: 1, source: "same currency") }
        let candidates = rates.filter { $0.active && $0.rateKind == kind && $0.rate > 0 && matches($0) }
        let latest: (ExchangeRateMaster, ExchangeRateMaster) -> Bool = { $0.on < $1.on }
        if let direct = candidates.filter({ $0.from == from && $0.to == to }).max(by: latest) {
            return AppliedRate(from: from, to: to, kind: kind, on: direct.on, rate: direct.rate, source: direct.source)
        }
        if let inverse = candidates.filter({ $0.from == to && $0.to == from }).max(by: latest) {
            return AppliedRate(from: from, to: to, kind: kind, on: inverse.on, rate: 1 / inverse.rate, source: inverse.source + " (inverse)")
        }
        throw AccountingRefusal(.missingRate, "no \(from.code)/\(to.code) \(label)")
    }

    /// `day` minus the lookback, as `YYYY-MM-DD`; nil when `day` is not such a date.
    private static func earliestDay(before day: String) -> String? {
        let parts = day.split(separator: "-", omittingEmptySubsequences: false)
        guard day.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let date = Int(parts[2]) else {
            return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let start = calendar.date(from: DateComponents(year: year, month: month, day: date)),
              calendar.component(.day, from: start) == date, calendar.component(.month, from: start) == month,
              let earliest = calendar.date(byAdding: .day, value: -dailyLookback, to: start) else { return nil }
        let components = calendar.dateComponents([.year, .month, .day], from: earliest)
        guard let y = components.year, let m = components.month, let d = components.day else { return nil }
        return String(format: "%04d-%02d-%02d", y, m, d)
    }
}
