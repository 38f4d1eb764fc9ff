import Foundation

/// The exchange rates the hub holds, looked up by pair, kind and date. A missing rate is a refusal naming the pair
/// and the date, never a silent 1.0. The lookup rules (which daily rate serves a day without one, inverse pairs)
/// are in docs/accounting.md.
public struct ExchangeRateTable: Sendable {
    public private(set) var rates: [ExchangeRateMaster]

    public init(_ rates: [ExchangeRateMaster]) {
        self.rates = rates
    }

    /// The rate that turns one `from` into `to` for a transaction on `day`, and where it comes from.
    public func daily(from: CurrencyCode, to: CurrencyCode, on day: String) throws(AccountingRefusal) -> AppliedRate {
        try AccountingRates.daily(rates, from: from, to: to, on: day)
    }

    /// The closing rate at the end of `day`.
    public func closing(from: CurrencyCode, to: CurrencyCode, on day: String) throws(AccountingRefusal) -> AppliedRate {
        try AccountingRates.closing(rates, from: from, to: to, on: day)
    }

    /// The average rate over `start`...`end`.
    public func average(from: CurrencyCode, to: CurrencyCode, start: String, end: String) throws(AccountingRefusal) -> AppliedRate {
        try AccountingRates.average(rates, from: from, to: to, start: start, end: end)
    }
}

/// A rate as applied: the factor and what it is (pair, kind, day, source), for the figures it makes.
public struct AppliedRate: Sendable, Equatable, Codable {
    public var from: CurrencyCode
    public var to: CurrencyCode
    public var kind: ExchangeRateMaster.RateKind
    /// The day of the rate used: a daily rate may be of a day up to 7 days before the day asked for, the latest the
    /// pair has (weekends and holidays publish none; docs/accounting.md, "Rates").
    public var on: String
    public var rate: Decimal
    public var source: String
    public init(from: CurrencyCode, to: CurrencyCode, kind: ExchangeRateMaster.RateKind, on: String, rate: Decimal, source: String) {
        self.from = from
        self.to = to
        self.kind = kind
        self.on = on
        self.rate = rate
        self.source = source
    }
}
