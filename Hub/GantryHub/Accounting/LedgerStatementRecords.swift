import Foundation
import GantryCore

/// `GET /v1/ledger/balance-sheet`: natural signs (assets debit positive, the rest credit positive), functional
/// minor units. Equity includes the results of earlier fiscal years (`retainedEarnings`, the income and expense
/// balances of periods before the fiscal year) and of this one so far (`statement.currentYearEarnings`).
public struct BalanceSheetReport: Sendable, Equatable, Codable {
    public var company: String
    public var currency: String
    public var at: String
    public var fiscalYear: String
    public var statement: BalanceSheet
    public var retainedEarnings: Int64
    public var totalAssets: Int64
    public var totalLiabilities: Int64
    /// Equity accounts, retained earnings and current-year earnings.
    public var totalEquity: Int64
    /// Whether assets equal liabilities plus equity.
    public var balanced: Bool
}

/// `GET /v1/ledger/income-statement`: natural signs, functional minor units; `result` is profit positive.
public struct IncomeStatementReport: Sendable, Equatable, Codable {
    public var company: String
    public var currency: String
    public var from: String
    public var to: String
    public var statement: IncomeStatement
    public var totalRevenue: Int64
    public var totalExpenses: Int64
    public var result: Int64
}

/// `GET /v1/ledger/reconciliation`: the stock the plants of the company held at the end of `at` (its last day, `through`),
/// valued at the cost the ledger carried then, against the balance of the inventory accounts through `at`; what
/// explains a difference is named: held postings, items without a cost, and entries posted later for facts dated by then.
public struct InventoryReconciliation: Sendable, Equatable, Codable {
    /// One item's stock and its value.
    public struct Item: Sendable, Equatable, Codable {
        public var item: String
        /// The stock of the company's plants on `through`, base units.
        public var quantity: Quantity
        /// `moving-average` (the ledger's positions through `at`, value over quantity) or `standard` (the item's standard cost).
        public var valuation: String
        /// quantity × unit cost, rounded half to even; nil when the ledger carries no cost for the item.
        public var value: Int64?
        /// What the ledger's positions held at the end of `at` (moving average only).
        public var ledgerQuantity: Quantity?
        public var ledgerValue: Int64?
    }

    /// What is in transit on one transfer line, in the company's books.
    public struct Transit: Sendable, Equatable, Codable {
        public var transfer: String
        public var line: Int64
        public var quantity: Quantity
        public var value: Int64
    }

    /// An entry posted to a period after `at` for a fact dated on or before `through` (its own period was closed when
    /// it came): the stock moved by then, the inventory accounts took it later.
    public struct LateEntry: Sendable, Equatable, Codable {
        /// What it posted on the inventory accounts for one item (debit positive; `item` '' for lines without one).
        public struct Item: Sendable, Equatable, Codable {
            public var item: String
            public var quantity: Quantity?
            public var value: Int64
        }

        /// `event:ID:PART`, or the settlement's.
        public var sourceKey: String
        /// The plant and sequence of its event.
        public var plant: String?
        public var sequence: Int64?
        public var kind: String
        /// The period it posted to.
        public var period: String
        /// The fact's own day.
        public var originalDate: String
        public var items: [Item]
        /// Its value on the inventory accounts (debit positive).
        public var value: Int64
        /// The entry's note (which closed period it came from and where it posted).
        public var reason: String
    }

    public var company: String
    public var currency: String
    public var at: String
    /// The period's last day: the stock is the moves of plant-local days up to and including it.
    public var through: String
    /// The accounts the company's mappings debit for receipt, production output, transit receipt and quarantine.
    public var inventoryAccounts: [String]
    public var items: [Item]
    /// The sum of the items' values (items without a cost left out).
    public var stockValue: Int64
    /// The inventory accounts' balance through `at`.
    public var ledgerValue: Int64
    /// stockValue − ledgerValue.
    public var difference: Int64
    /// Events of `through` or before, applied and not posted: each moves stock the ledger has not valued.
    public var held: [HeldPostingRecord]
    /// Items in stock without a cost: their stock is left out of `stockValue`.
    public var unvalued: [String]
    /// Entries posted after `at` for facts of `through` or before.
    public var late: [LateEntry]
    /// Their value on the inventory accounts in total.
    public var lateValue: Int64
    /// What was in transit at the end of `at`, per transfer line.
    public var inTransit: [Transit]
    /// The value in transit in total (not part of `ledgerValue`).
    public var inTransitValue: Int64
    /// No difference, nothing held, nothing unvalued and no late entry.
    public var matches: Bool
}

/// `GET /v1/ledger/margin`: revenue less cost of sales per group, functional minor units.
public struct MarginReport: Sendable, Equatable, Codable {
    /// What the lines are grouped by.
    public enum Dimension: String, Sendable, Codable, CaseIterable {
        case item, customer, plant, company
    }

    /// One group. Intercompany sales (to another company of the group) are rows of their own, marked, and for
    /// `customer` keyed by the buying company.
    public struct Row: Sendable, Equatable, Codable {
        public var key: String
        public var intercompany: Bool
        public var revenue: Int64
        public var costOfSales: Int64
        public var margin: Int64
    }

    public var company: String
    public var currency: String
    public var from: String
    public var to: String
    public var by: Dimension
    public var rows: [Row]
    public var revenue: Int64
    public var costOfSales: Int64
    public var margin: Int64
}

/// `GET /v1/ledger/working-capital`: balances through `at` of the accounts the company's mappings name, natural signs
/// (assets debit positive, liabilities credit positive); each figure with the accounts it sums.
public struct WorkingCapitalReport: Sendable, Equatable, Codable {
    public struct Figure: Sendable, Equatable, Codable {
        public var accounts: [String]
        public var amount: Int64
    }

    public var company: String
    public var currency: String
    public var at: String
    /// Debits of receipt, production output, transit receipt and quarantine.
    public var inventory: Figure
    /// Debits of transit out and intercompany purchase.
    public var inTransit: Figure
    /// Credit of receipt.
    public var goodsReceivedNotInvoiced: Figure
    /// Debits of revenue and intercompany sale.
    public var receivables: Figure
    /// Credits of supplier invoice, invoice price variance, landed cost and intercompany purchase.
    public var payables: Figure
    /// inventory + in transit + receivables − GRNI − payables.
    public var workingCapital: Int64
}

/// A company's journal for the exports, with the chart its accounts come from.
public struct LedgerExport: Sendable, Equatable {
    public var company: String
    public var entries: [JournalEntry]
    public var chart: [StatementAccount]
}
