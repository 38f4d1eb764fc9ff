import Foundation

/// Rate lookup: a pair given either way round (the inverse of `to`→`from` serves `from`→`to`).
enum AccountingRates {
    static func daily(_ rates: [ExchangeRateMaster], from: CurrencyCode, to: CurrencyCode, on day: String) throws(AccountingRefusal) -> AppliedRate {
        try find(rates, from: from, to: to, kind: .daily, label: "daily rate on \(day)") { $0.on == day }
    }

    static func closing(_ rates: [ExchangeRateMaster], from: CurrencyCode, to: CurrencyCode, on day: String) throws(AccountingRefusal) -> AppliedRate {
        try find(rates, from: from, to: to, kind: .closing, label: "closing rate on \(day)") { $0.on == day }
    }

    static func average(_ rates: [ExchangeRateMaster], from: CurrencyCode, to: CurrencyCode, start: String, end: String) throws(AccountingRefusal) -> AppliedRate {
        try find(rates, from: from, to: to, kind: .average, label: "average rate for \(start) to \(end)") {
            $0.on == start && $0.through == end
        }
    }

    private static func find(_ rates: [ExchangeRateMaster], from: CurrencyCode, to: CurrencyCode, kind: ExchangeRateMaster.RateKind,
                             label: String, _ matches: (ExchangeRateMaster) -> Bool) throws(AccountingRefusal) -> AppliedRate {
        if from == to { return AppliedRate(from: from, to: to, kind: kind, on: "", rate: 1, source: "same currency") }
        let candidates = rates.filter { $0.active && $0.rateKind == kind && matches($0) }
        if let direct = candidates.first(where: { $0.from == from && $0.to == to }) {
            return AppliedRate(from: from, to: to, kind: kind, on: direct.on, rate: direct.rate, source: direct.source)
        }
        if let inverse = candidates.first(where: { $0.from == to && $0.to == from }) {
            return AppliedRate(from: from, to: to, kind: kind, on: inverse.on, rate: 1 / inverse.rate, source: inverse.source + " (inverse)")
        }
        throw AccountingRefusal(.missingRate, "no \(from.code)/\(to.code) \(label)")
    }
}
