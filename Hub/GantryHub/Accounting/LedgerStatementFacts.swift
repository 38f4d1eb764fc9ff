import Foundation
import GantryCore

/// What a company's reports are made from, read by each database in one transaction: the masters, the kept
/// balances per period and account, and (for the reconciliation at a period) the stock of the company's plants at
/// the period's last day, the ledger's position changes per period, held postings with their event's day, the lines
/// of entries dated on or before that day and posted to a later period, value in transit; (for margin) the sale and
/// cost-of-sales lines of some periods.
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

    /// What one item's moving-average positions changed by in one period, over the company's plants (read by
    /// column name on SQLite).
    struct PositionSum: Sendable, Equatable, Decodable {
        var period: String
        var item: String
        var quantity: Int64
        var value: Int64
    }

    /// A line of an entry posted for a fact of `originalDate` (its period was closed) to the later `period` (read by
    /// column name on SQLite).
    struct LateLine: Sendable, Equatable, Decodable {
        var sourceKey: String
        var plant: String?
        var sequence: Int64?
        var kind: String
        var period: String
        var originalDate: String
        var note: String?
        var account: String
        var item: String?
        var quantity: Int64?
        var functionalAmount: Int64
        enum CodingKeys: String, CodingKey {
            case sourceKey = "source_key", plant = "plant_id", sequence = "seq", kind, period, originalDate = "original_date", note,
                 account, item, quantity, functionalAmount = "functional_amount"
        }
    }

    /// What one transfer line's value in transit changed by in one period (read by column name on SQLite).
    struct TransitSum: Sendable, Equatable, Decodable {
        var transfer: String
        var line: Int64
        var period: String
        var quantity: Int64
        var value: Int64
    }

    /// A plant's event.
    struct EventKey: Sendable, Hashable {
        var plant: String
        var sequence: Int64
    }

    var masters: LedgerMasters
    var balances: [PeriodSum] = []
    /// Item → base-unit millionths over the company's plants, on the reconciliation's day (`stock_days` through it).
    var stock: [String: Int64] = [:]
    /// Per period and item, what the ledger's positions changed by (`ledger_position_periods`).
    var positionChanges: [PositionSum] = []
    var held: [HeldPostingRecord] = []
    /// The plant-local day of each held posting's event.
    var heldDays: [EventKey: String] = [:]
    /// The lines of entries dated on or before the reconciliation's day (`original_date`), whatever period they posted to.
    var lateLines: [LateLine] = []
    /// Per transfer line and period, what the company's value in transit changed by (`ledger_transit_periods`).
    var transitChanges: [TransitSum] = []
    var saleLines: [SaleLine] = []

    /// The kinds whose lines margin reads.
    static let saleKinds: [PostingKind] = [.revenue, .intercompanySale, .costOfSales, .intercompanyCostOfSales]
}
