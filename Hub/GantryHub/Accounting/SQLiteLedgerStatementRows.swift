import Foundation
import GantryCore
import GRDB

/// One account's functional sums in one period.
struct LedgerPeriodSumRow: Decodable, FetchableRecord {
    var period: String
    var account: String
    var debit: Int64
    var credit: Int64

    var sum: LedgerStatementFacts.PeriodSum { LedgerStatementFacts.PeriodSum(period: period, account: account, debit: debit, credit: credit) }
}

/// An item's quantity and (for positions) value.
struct LedgerItemAmountRow: Decodable, FetchableRecord {
    var item: String
    var quantity: Int64
    var value: Int64
}

/// A sale or cost-of-sales line with its entry's kind and plant.
struct LedgerSaleLineRow: Decodable, FetchableRecord {
    var kind: String
    var plantID: String?
    var item: String
    var customer: String?
    var tradingPartner: String?
    var functionalAmount: Int64
    var hasQuantity: Bool
    enum CodingKeys: String, CodingKey {
        case kind, plantID = "plant_id", item, customer, tradingPartner = "trading_partner", functionalAmount = "functional_amount",
             hasQuantity = "has_quantity"
    }

    var line: LedgerStatementFacts.SaleLine {
        LedgerStatementFacts.SaleLine(
            kind: kind, plant: plantID, item: item, customer: customer, tradingPartner: tradingPartner, functionalAmount: functionalAmount,
            hasQuantity: hasQuantity)
    }
}
