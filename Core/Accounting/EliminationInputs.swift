import Foundation

/// An intercompany balance of one company with one trading partner, in the presentation currency (minor units,
/// debit positive), and the entries it comes from.
public struct IntercompanyLine: Sendable, Equatable, Codable {
    /// What the balance is to the group.
    public enum Role: String, Sendable, Codable {
        /// Owed to the company by its trading partner.
        case receivable
        /// Owed by the company to its trading partner.
        case payable
        /// The company's sale to its trading partner.
        case revenue
        /// The cost of the goods the company sold to its trading partner.
        case costOfSales = "cost-of-sales"

        /// The role of a line on an account of `type` in an entry of `kind`; nil for lines that are not eliminated
        /// as such (the goods' own inventory and in-transit lines: their unrealised profit is). Reversals keep
        /// their entry's kind, so they find the same role.
        public init?(kind: PostingKind, type: AccountMaster.AccountType) {
            switch (kind, type) {
            case (.intercompanySale, .asset): self = .receivable
            case (.intercompanySale, .revenue): self = .revenue
            case (.intercompanyCostOfSales, .expense): self = .costOfSales
            case (.intercompanyPurchase, .liability): self = .payable
            default: return nil
            }
        }

        /// A receivable or a payable: a balance, through the end of a range.
        public var isBalance: Bool { self == .receivable || self == .payable }
    }

    public var company: String
    public var tradingPartner: String
    public var role: Role
    public var account: String
    /// The item sold, and the quantity (base units, micro, positive), where the line carries them: the margin of
    /// an item still held is taken from the revenue and cost-of-sales lines of that item.
    public var item: String?
    public var quantity: Int64?
    public var amount: Int64
    /// `EntrySource.key`s of the entries it sums.
    public var sources: [String]

    public init(company: String, tradingPartner: String, role: Role, account: String, item: String? = nil,
                quantity: Int64? = nil, amount: Int64, sources: [String]) {
        self.company = company
        self.tradingPartner = tradingPartner
        self.role = role
        self.account = account
        self.item = item
        self.quantity = quantity
        self.amount = amount
        self.sources = sources
    }
}

/// Stock a buyer still holds at the period end (in transit or in its stores) of an item it bought from another
/// company of the group: the hub computes the quantity from the buyer's intercompany purchases.
public struct IntragroupHolding: Sendable, Equatable, Codable {
    public var seller: String
    public var buyer: String
    public var item: String
    /// The buyer's account the stock is on (inventory, or inventory in transit).
    public var account: String
    /// Base units, micro.
    public var quantity: Int64

    public init(seller: String, buyer: String, item: String, account: String, quantity: Int64) {
        self.seller = seller
        self.buyer = buyer
        self.item = item
        self.account = account
        self.quantity = quantity
    }
}

/// The group accounts eliminations post to besides the eliminated ones.
public struct EliminationAccounts: Sendable, Equatable {
    /// Where a receivable and its payable differ (rates, timing): an exchange-difference account, reported.
    public var difference: StatementAccount
    /// The group's cost of sales: takes the intercompany margin out of the buyer's cost, and the unrealised
    /// profit back in.
    public var costOfSales: StatementAccount
    /// The group's retained earnings (equity): the unrealised profit already eliminated before the range comes out
    /// of it.
    public var retainedEarnings: StatementAccount

    public init(difference: StatementAccount, costOfSales: StatementAccount,
                retainedEarnings: StatementAccount = StatementAccount(account: "RETAINED-EARNINGS", type: .equity)) {
        self.difference = difference
        self.costOfSales = costOfSales
        self.retainedEarnings = retainedEarnings
    }
}
