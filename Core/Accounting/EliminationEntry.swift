import Foundation

/// A consolidation entry that takes an intercompany balance out of the group's figures, in the presentation
/// currency (minor units, debit positive). It is never posted to a company's books, and names the entries whose
/// amounts it removes.
public struct EliminationEntry: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        /// Receivables netted against payables between two companies.
        case receivablesPayables = "receivables-payables"
        /// Intercompany revenue and cost of sales removed.
        case salesCostOfSales = "sales-cost-of-sales"
        /// The seller's margin on stock the buyer still holds, taken out of inventory.
        case unrealisedProfit = "unrealised-profit"
        /// The margin on stock already held at the start of the range, eliminated then: out of the retained earnings
        /// and back into the group's cost of sales, where it is realised when the stock is sold (or taken out again by
        /// the range's own `unrealisedProfit` while it is still held).
        case openingUnrealisedProfit = "opening-unrealised-profit"
        /// The difference of receivables and payables at the start of the range, in the earlier periods' results: out
        /// of the retained earnings and back out of the difference account, which so carries the range's change.
        case openingDifference = "opening-difference"
    }

    /// One line: an account of a company (nil for the group's own accounts, such as the difference account).
    public struct Line: Sendable, Equatable, Codable {
        public var company: String?
        public var account: String
        public var amount: Int64

        public init(company: String?, account: String, amount: Int64) {
            self.company = company
            self.account = account
            self.amount = amount
        }
    }

    public var kind: Kind
    /// The two companies (for unrealised profit: seller, buyer).
    public var companies: [String]
    public var item: String?
    public var lines: [Line]
    /// `EntrySource.key`s of the eliminated entries, sorted.
    public var sources: [String]
    /// How the amounts were found, for the report.
    public var note: String

    /// Whether the lines sum to zero.
    public var isBalanced: Bool { lines.reduce(0) { $0 + $1.amount } == 0 }
}

/// A receivable and payable between two companies that did not net to zero: the amount went to the difference
/// account (debit positive: the receivables exceeded the payables).
public struct IntercompanyDifference: Sendable, Equatable, Codable {
    public var companies: [String]
    public var account: String
    public var amount: Int64
}
