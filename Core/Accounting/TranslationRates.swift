import Foundation

/// The rates a company's balances are translated at (IAS 21), each from its functional currency into the
/// presentation currency: the closing rate of the period end for assets and liabilities, the period's average
/// for income and expenses, and per equity account the historical rate it was contributed at.
public struct TranslationRates: Sendable, Equatable {
    public var closing: AppliedRate
    public var average: AppliedRate
    /// By equity account.
    public var historical: [String: AppliedRate]

    public init(closing: AppliedRate, average: AppliedRate, historical: [String: AppliedRate] = [:]) {
        self.closing = closing
        self.average = average
        self.historical = historical
    }

    /// The closing rate at `periodEnd` and the average over `periodStart`...`periodEnd` from `table`; a missing
    /// one is the table's refusal naming the pair and the day, never 1.0.
    public static func lookup(_ table: ExchangeRateTable, from functional: CurrencyCode, to presentation: CurrencyCode,
                              periodStart: String, periodEnd: String,
                              historical: [String: AppliedRate] = [:]) throws(AccountingRefusal) -> TranslationRates {
        TranslationRates(
            closing: try table.closing(from: functional, to: presentation, on: periodEnd),
            average: try table.average(from: functional, to: presentation, start: periodStart, end: periodEnd),
            historical: historical)
    }
}
