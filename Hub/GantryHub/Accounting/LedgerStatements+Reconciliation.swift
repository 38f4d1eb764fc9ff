import Foundation
import GantryCore

extension LedgerStatements {
    /// Per item in the company's plants' stock now: quantity × the cost the ledger carries (moving average: the
    /// position's value over its quantity; standard: the item's standard cost), against the inventory accounts'
    /// balance through `code`. Held postings and items without a cost are named; value in transit is listed apart.
    func reconciliation(at code: String) throws -> InventoryReconciliation {
        let end = try period(code)
        let accounts = inventoryAccounts
        var items: [InventoryReconciliation.Item] = [], unvalued: [String] = []
        let names = Set(facts.stock.filter { $0.value != 0 }.keys).union(facts.positions.filter { $0.value.quantity != 0 || $0.value.value != 0 }.keys)
        for item in names.sorted() {
            let row = valued(item, quantity: facts.stock[item] ?? 0)
            if row.value == nil { unvalued.append(item) }
            items.append(row)
        }
        let stockValue = items.reduce(0) { $0 + ($1.value ?? 0) }
        let ledgerValue = balance(of: accounts, through: end)
        let transit = facts.inTransit.filter { $0.quantity.micro != 0 || $0.value != 0 }
        return InventoryReconciliation(
            company: company, currency: currency, at: code, inventoryAccounts: accounts, items: items, stockValue: stockValue,
            ledgerValue: ledgerValue, difference: stockValue - ledgerValue, held: facts.held, unvalued: unvalued, inTransit: transit,
            inTransitValue: transit.reduce(0) { $0 + $1.value },
            matches: stockValue == ledgerValue && facts.held.isEmpty && unvalued.isEmpty)
    }

    /// One item's stock valued the way the company's books value it.
    private func valued(_ item: String, quantity: Int64) -> InventoryReconciliation.Item {
        switch books.valuationMethod {
        case .movingAverage:
            let position = facts.positions[item]
            var value: Int64?
            if let position, position.quantity != 0 {
                value = Self.rounded(Decimal(position.value) * Decimal(quantity) / Decimal(position.quantity))
            } else if quantity == 0 {
                value = 0
            }
            return InventoryReconciliation.Item(
                item: item, quantity: Quantity(micro: quantity), valuation: InventoryValuation.movingAverage.rawValue, value: value,
                ledgerQuantity: Quantity(micro: position?.quantity ?? 0), ledgerValue: position?.value ?? 0)
        case .standard:
            var value: Int64?
            if let cost = facts.masters.itemCost(CompanyItem(company: company, item: item))?.standardCost, cost.currency == books.currency {
                value = Money(amount: Quantity(micro: quantity).decimal * cost.amount, currency: cost.currency).roundedToMinorUnit().minorUnits
            }
            return InventoryReconciliation.Item(
                item: item, quantity: Quantity(micro: quantity), valuation: InventoryValuation.standard.rawValue, value: value,
                ledgerQuantity: nil, ledgerValue: nil)
        }
    }

    /// A whole number of minor units, half to even.
    static func rounded(_ value: Decimal) -> Int64 {
        var input = value, output = Decimal()
        NSDecimalRound(&output, &input, 0, .bankers)
        return NSDecimalNumber(decimal: output).int64Value
    }
}
