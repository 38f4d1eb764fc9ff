import Foundation
import GantryCore

/// What a company's reports are made from, read by each database in one transaction: the masters, the kept
/// balances per period and account, the stock of the company's plants, the ledger's positions, held postings,
/// value in transit and (for margin) the sale and cost-of-sales lines of some periods.
struct LedgerStatementFacts: Sendable {
    /// Functional debits and credits of one account in one period.
    struct PeriodSum: Sendable, Equatable {
        var period: String
        var account: String
        var debit: Int64
        var credit: Int64
    }

    /// A line of a revenue, intercompany-sale, cost-of-sales or intercompany-cost-of-sales entry carrying an item.
    struct SaleLine: Sendable, Equatable {
        var kind: String
        var plant: String?
        var item: String
        var customer: String?
        var tradingPartner: String?
        var functionalAmount: Int64
        /// Whether the line carries a quantity (the inventory side of cost of sales does, the expense side not).
        var hasQuantity: Bool
    }

    var masters: LedgerMasters
    var balances: [PeriodSum] = []
    /// Item → base-unit millionths over the company's plants.
    var stock: [String: Int64] = [:]
    /// Item → the ledger's moving-average position.
    var positions: [String: (quantity: Int64, value: Int64)] = [:]
    var held: [HeldPostingRecord] = []
    var inTransit: [InventoryReconciliation.Transit] = []
    var saleLines: [SaleLine] = []

    /// The kinds whose lines margin reads.
    static let saleKinds: [PostingKind] = [.revenue, .intercompanySale, .costOfSales, .intercompanyCostOfSales]
}
