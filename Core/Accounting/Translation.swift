import Foundation

/// A company's balances translated from its functional currency into the group's presentation currency (IAS 21):
/// assets and liabilities at the closing rate, income and expenses at the period's average rate, equity at
/// historical rates (or carried at a translated amount), and the difference as the cumulative translation
/// adjustment (CTA) in other comprehensive income, so the translated balances balance.
///
/// Rounding: each line is rounded half to even to the presentation currency's minor unit; the CTA is what makes
/// the rounded lines sum to zero, so every rounding difference lands in the CTA (`ctaRounding` says how much).
public struct Translation: Sendable, Equatable {
    public var company: String
    public var functionalCurrency: CurrencyCode
    public var presentationCurrency: CurrencyCode
    /// The translated accounts, sorted by account, then the CTA line.
    public var lines: [TranslationLine]
    /// The adjustment, presentation minor units, debit positive (a debit is a translation loss).
    public var cta: Int64
    /// How much of `cta` is rounding: the rounded CTA less the CTA of the unrounded lines, in minor units.
    public var ctaRounding: Decimal

    /// Every line as a balance, the CTA included.
    public var balances: [AccountBalance] { lines.map(\.balance) }

    /// Translates `balances` of `company` (in `functional`) into `presentation` at `rates`. `carriedEquity` gives
    /// equity accounts carried at their translated amount (presentation minor units, debit positive: opening
    /// retained earnings); every other equity account needs a historical rate, or is refused as a missing rate.
    public static func translate(company: String, balances: [AccountBalance], from functional: CurrencyCode,
                                 to presentation: CurrencyCode, rates: TranslationRates, carriedEquity: [String: Int64] = [:],
                                 cta account: StatementAccount) throws(AccountingRefusal) -> Translation {
        let same = functional == presentation
        if !same {
            try check(rates.closing, .closing, functional, presentation, "closing")
            try check(rates.average, .average, functional, presentation, "average")
        }
        var lines: [TranslationLine] = []
        var exact = Decimal(0)
        for balance in FinancialStatements.merged(balances) {
            let (basis, rate) = try choose(balance, company: company, same: same, rates: rates, carried: carriedEquity[balance.account],
                                           functional: functional, presentation: presentation)
            let (amount, unrounded) = try basis == .carried
                ? (carriedEquity[balance.account]!, Decimal(carriedEquity[balance.account]!))
                : convert(balance.amount, from: functional, to: presentation, rate: rate!.rate)
            exact += unrounded
            lines.append(TranslationLine(account: balance.account, type: balance.type, parent: balance.parent, basis: basis,
                                         rate: rate, functionalAmount: balance.amount, amount: amount))
        }
        let cta = -lines.reduce(Int64(0)) { $0 + $1.amount }
        lines.append(TranslationLine(account: account.account, type: account.type, parent: account.parent, basis: .adjustment,
                                     rate: nil, functionalAmount: 0, amount: cta))
        return Translation(company: company, functionalCurrency: functional, presentationCurrency: presentation, lines: lines,
                           cta: cta, ctaRounding: Decimal(cta) + exact)
    }

    /// Results of earlier periods carried as retained earnings (IAS 21's historical rates for them): each period's
    /// result (functional minor units, debit positive) at its own rate, rounded half to even on its own, summed.
    public static func carried(_ results: [(result: Int64, rate: AppliedRate)], from functional: CurrencyCode,
                               to presentation: CurrencyCode) throws(AccountingRefusal) -> Int64 {
        var total: Int64 = 0
        for (result, rate) in results {
            try check(rate, nil, functional, presentation, "earlier result's")
            total += try convert(result, from: functional, to: presentation, rate: functional == presentation ? 1 : rate.rate).0
        }
        return total
    }

    private static func choose(_ balance: AccountBalance, company: String, same: Bool, rates: TranslationRates, carried: Int64?,
                               functional: CurrencyCode, presentation: CurrencyCode) throws(AccountingRefusal) -> (TranslationLine.Basis, AppliedRate?) {
        let identity = AppliedRate(from: functional, to: presentation, kind: .closing, on: "", rate: 1, source: "same currency")
        switch balance.type {
        case .asset, .liability: return (.closing, same ? identity : rates.closing)
        case .revenue, .expense: return (.average, same ? identity : rates.average)
        case .equity:
            if carried != nil { return (.carried, nil) }
            if same { return (.historical, identity) }
            guard let rate = rates.historical[balance.account] else {
                throw AccountingRefusal(.missingRate, "no historical \(functional.code)/\(presentation.code) rate for equity account \(balance.account) of \(company)")
            }
            try check(rate, nil, functional, presentation, "historical rate of \(balance.account)")
            return (.historical, rate)
        }
    }

    private static func check(_ rate: AppliedRate, _ kind: ExchangeRateMaster.RateKind?, _ from: CurrencyCode, _ to: CurrencyCode,
                              _ label: String) throws(AccountingRefusal) {
        guard rate.from == from, rate.to == to, kind == nil || rate.kind == kind else {
            throw AccountingRefusal(.invalid, "the \(label) rate given is a \(rate.kind.rawValue) \(rate.from.code)/\(rate.to.code) rate; translating needs \(from.code)/\(to.code)")
        }
    }

    /// `minor` units of `from` times `rate`, in minor units of `to`: rounded half to even, and the exact product
    /// in minor units of `to`.
    static func convert(_ minor: Int64, from: CurrencyCode, to: CurrencyCode, rate: Decimal) throws(AccountingRefusal) -> (Int64, Decimal) {
        let value = Money(minorUnits: minor, currency: from).amount * rate
        let rounded = Money(amount: value, currency: to).roundedToMinorUnit()
        guard let result = rounded.minorUnits else {
            throw AccountingRefusal(.outOfRange, "\(Money(minorUnits: minor, currency: from)) at \(rate) is beyond the ledger")
        }
        var scale = Decimal(1)
        for _ in 0..<to.minorUnitExponent { scale *= 10 }
        return (result, value * scale)
    }
}
