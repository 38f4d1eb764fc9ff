import Foundation
import GantryCore

extension LedgerStatements {
    /// The reconciliation at the end of period `code` (docs/accounting.md, "Reconciliation at a period"): per item, the
    /// stock of the company's plants on the period's last day × the cost the ledger carried then (moving average: the
    /// positions through the period, value over quantity; standard: the item's standard cost), against the inventory
    /// accounts' balance through the period. What explains a difference is named: postings held for events of that
    /// day or before, items without a cost, and entries posted to a later period for facts dated within or before it.
    /// What was in transit then is listed apart.
    func reconciliation(at code: String) throws -> InventoryReconciliation {
        let end = try period(code)
        let accounts = inventoryAccounts
        let through = periods(through: end)
        let positions = positions(through: through)
        var items: [InventoryReconciliation.Item] = [], unvalued: [String] = []
        let names = Set(facts.stock.filter { $0.value != 0 }.keys)
            .union(positions.filter { $0.value.quantity != 0 || $0.value.value != 0 }.keys)
        for item in names.sorted() {
            let row = valued(item, quantity: facts.stock[item] ?? 0, position: positions[item])
            if row.value == nil { unvalued.append(item) }
            items.append(row)
        }
        let stockValue = items.reduce(0) { $0 + ($1.value ?? 0) }
        let ledgerValue = balance(of: accounts, through: end)
        let held = facts.held.filter { held in
            facts.heldDays[LedgerStatementFacts.EventKey(plant: held.plant, sequence: held.sequence)].map { $0 <= end.end } ?? true
        }
        let late = lateEntries(after: through, on: Set(accounts))
        let transit = inTransit(through: through)
        return InventoryReconciliation(
            company: company, currency: currency, at: code, through: end.end, inventoryAccounts: accounts, items: items,
            stockValue: stockValue, ledgerValue: ledgerValue, difference: stockValue - ledgerValue, held: held, unvalued: unvalued,
            late: late, lateValue: late.reduce(0) { $0 + $1.value }, inTransit: transit, inTransitValue: transit.reduce(0) { $0 + $1.value },
            matches: stockValue == ledgerValue && held.isEmpty && unvalued.isEmpty && late.isEmpty)
    }

    /// Per item, the company's positions at the end of the periods `through`: their changes through them.
    private func positions(through: Set<String>) -> [String: (quantity: Int64, value: Int64)] {
        var positions: [String: (quantity: Int64, value: Int64)] = [:]
        for change in facts.positionChanges where through.contains(change.period) {
            positions[change.item, default: (0, 0)].quantity += change.quantity
            positions[change.item, default: (0, 0)].value += change.value
        }
        return positions
    }

    /// What was in transit per transfer line at the end of the periods `through`: its changes through them.
    private func inTransit(through: Set<String>) -> [InventoryReconciliation.Transit] {
        var lines: [InventoryReconciliation.Transit] = []
        for change in facts.transitChanges where through.contains(change.period) {
            if let last = lines.last, last.transfer == change.transfer, last.line == change.line {
                lines[lines.count - 1].quantity = Quantity(micro: last.quantity.micro + change.quantity)
                lines[lines.count - 1].value += change.value
            } else {
                lines.append(InventoryReconciliation.Transit(
                    transfer: change.transfer, line: change.line, quantity: Quantity(micro: change.quantity), value: change.value))
            }
        }
        return lines.filter { $0.quantity.micro != 0 || $0.value != 0 }
    }

    /// The entries posted to a period after `through` for facts dated on or before its end (read so by the store), with
    /// their lines on `accounts` summed per item; entries that do not touch the inventory accounts are left out.
    private func lateEntries(after through: Set<String>, on accounts: Set<String>) -> [InventoryReconciliation.LateEntry] {
        var entries: [String: InventoryReconciliation.LateEntry] = [:], order: [String] = []
        for line in facts.lateLines where !through.contains(line.period) && accounts.contains(line.account) {
            if entries[line.sourceKey] == nil {
                order.append(line.sourceKey)
                entries[line.sourceKey] = InventoryReconciliation.LateEntry(
                    sourceKey: line.sourceKey, plant: line.plant, sequence: line.sequence, kind: line.kind, period: line.period,
                    originalDate: line.originalDate, items: [], value: 0,
                    reason: line.note ?? "dated \(line.originalDate), posted to \(line.period)")
            }
            entries[line.sourceKey]!.add(line)
        }
        return order.compactMap { entries[$0] }.filter { $0.value != 0 || $0.items.contains { $0.quantity?.micro ?? 0 != 0 } }
    }

    /// One item's stock valued the way the company's books value it, `position` the positions through the period.
    private func valued(_ item: String, quantity: Int64, position: (quantity: Int64, value: Int64)?) -> InventoryReconciliation.Item {
        switch books.valuationMethod {
        case .movingAverage:
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

extension InventoryReconciliation.LateEntry {
    /// Adds an inventory line: its value, and its item's quantity and value.
    mutating func add(_ line: LedgerStatementFacts.LateLine) {
        value += line.functionalAmount
        let item = line.item ?? ""
        if let index = items.firstIndex(where: { $0.item == item }) {
            items[index].value += line.functionalAmount
            if let quantity = line.quantity { items[index].quantity = Quantity(micro: (items[index].quantity?.micro ?? 0) + quantity) }
        } else {
            items.append(Item(item: item, quantity: line.quantity.map { Quantity(micro: $0) }, value: line.functionalAmount))
        }
    }
}
