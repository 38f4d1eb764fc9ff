import Foundation

/// A company of the group as consolidation needs it: its balances for the period in its functional currency,
/// the rates they translate at, the equity carried at translated amounts, and its intercompany entries.
public struct ConsolidationMember: Sendable {
    public var company: String
    public var functionalCurrency: CurrencyCode
    /// Percent held by the group. Only 100 is consolidated in this release (docs/consolidation.md says how a
    /// minority interest would add a non-controlling-interest line).
    public var ownershipPercent: Decimal
    public var balances: [AccountBalance]
    public var rates: TranslationRates
    /// Equity accounts carried at their translated amount (opening retained earnings), presentation minor units.
    public var carriedEquity: [String: Int64]
    /// The entries whose lines carry a trading partner (intercompany sales, cost of sales and purchases, and their
    /// reversals), in the functional currency; other lines in them are ignored.
    public var intercompanyEntries: [JournalEntry]
    /// Intercompany lines already summed (what the hub keeps on apply), counted with those of `intercompanyEntries`.
    public var intercompanySums: [IntercompanySum]
    /// The intercompany sums of the periods before the range, and the types of their accounts (which may have no
    /// balance in the range): their revenue and cost of sales give the margin on stock bought then, translated at the
    /// range's average rate; their receivables and payables are those at the range's start, translated at
    /// `openingRate`, the closing rate at the end of the period before the range (nil when none is needed).
    public var earlierSums: [IntercompanySum]
    public var earlierTypes: [String: AccountMaster.AccountType]
    public var openingRate: AppliedRate?

    public init(company: String, functionalCurrency: CurrencyCode, ownershipPercent: Decimal = 100, balances: [AccountBalance],
                rates: TranslationRates, carriedEquity: [String: Int64] = [:], intercompanyEntries: [JournalEntry] = [],
                intercompanySums: [IntercompanySum] = [], earlierSums: [IntercompanySum] = [],
                earlierTypes: [String: AccountMaster.AccountType] = [:], openingRate: AppliedRate? = nil) {
        self.company = company
        self.functionalCurrency = functionalCurrency
        self.ownershipPercent = ownershipPercent
        self.balances = balances
        self.rates = rates
        self.carriedEquity = carriedEquity
        self.intercompanyEntries = intercompanyEntries
        self.intercompanySums = intercompanySums
        self.earlierSums = earlierSums
        self.earlierTypes = earlierTypes
        self.openingRate = openingRate
    }
}

/// The group's own accounts consolidation posts to: the CTA (equity, OCI) and the eliminations' accounts.
public struct ConsolidationAccounts: Sendable, Equatable {
    public var cta: StatementAccount
    public var eliminations: EliminationAccounts

    public init(cta: StatementAccount, eliminations: EliminationAccounts) {
        self.cta = cta
        self.eliminations = eliminations
    }
}
