import Foundation

/// Valuation: what a unit costs and how stock moves a position (quantity micro, value minor units). A position is the
/// company's stock of the item at the plant of the source posting (the valuation area is the plant).
extension PostingLedger {
    func position(_ key: ValuationKey) -> StockPosition {
        snapshot.positions[key] ?? StockPosition()
    }

    /// The position of `item` at the plant being posted for, in `books`' company.
    func valuationKey(_ item: String, _ books: CompanyBooks) -> ValuationKey {
        ValuationKey(company: books.company, plant: origin?.plant ?? "", item: item)
    }

    /// The company's standard cost of one base unit of `item`, in its functional currency.
    func standardCost(_ item: String, _ books: CompanyBooks) throws(AccountingRefusal) -> Decimal {
        guard let cost = snapshot.itemCosts[CompanyItem(company: books.company, item: item)], cost.active else {
            throw AccountingRefusal(.missingCost, "company \(books.company) has no item-cost for \(item)")
        }
        guard cost.standardCost.currency == books.functionalCurrency else {
            throw AccountingRefusal(.missingCost, "the item-cost of \(item) at \(books.company) is in \(cost.standardCost.currency.code), "
                + "not its functional currency \(books.functionalCurrency.code)")
        }
        return cost.standardCost.amount
    }

    /// What one base unit of `item` costs now: the standard cost, or under moving average the position's value over
    /// its quantity (an empty or negative position costs at the standard).
    func unitCost(_ item: String, _ books: CompanyBooks) throws(AccountingRefusal) -> Decimal {
        let held = position(valuationKey(item, books))
        if books.valuation == .movingAverage, held.quantity > 0 {
            return Self.major(held.value, books.functionalCurrency) / Quantity(micro: held.quantity).decimal
        }
        return try standardCost(item, books)
    }

    /// `quantity` (micro) × `unit` (major units) rounded half to even, in minor units.
    func value(_ quantity: Int64, at unit: Decimal, _ books: CompanyBooks) throws(AccountingRefusal) -> Int64 {
        guard let minor = Money.minorUnits(of: Quantity(micro: quantity), at: unit, in: books.functionalCurrency) else {
            throw AccountingRefusal(.outOfRange, "\(Quantity(micro: quantity)) at \(unit) \(books.functionalCurrency.code) is beyond what the ledger holds")
        }
        return minor
    }

    /// Takes `quantity` (micro) of `item` out of the plant's position and returns its value (minor units): the
    /// whole value when it takes the whole position (no rounding residue stays behind); a part at the unit cost;
    /// what goes beyond a positive position at the standard cost.
    mutating func takeOut(_ item: String, _ quantity: Int64, _ books: CompanyBooks) throws(AccountingRefusal) -> Int64 {
        let key = valuationKey(item, books)
        var held = position(key)
        let taken: Int64
        if held.quantity > 0, quantity >= held.quantity {
            let beyond = quantity - held.quantity
            taken = held.value + (beyond > 0 ? try value(beyond, at: try standardCost(item, books), books) : 0)
        } else {
            taken = try value(quantity, at: try unitCost(item, books), books)
        }
        held.quantity -= quantity
        held.value -= taken
        try setPosition(key, held)
        return taken
    }

    /// Puts `quantity` (micro) of `item` worth `value` (minor units) into the plant's position.
    mutating func putIn(_ item: String, _ quantity: Int64, worth value: Int64, _ books: CompanyBooks) throws(AccountingRefusal) {
        let key = valuationKey(item, books)
        var held = position(key)
        held.quantity += quantity
        held.value += value
        try setPosition(key, held)
    }

    /// The value (minor units) at which `quantity` of `item` enters at cost: the standard, or the moving average.
    func inflowValue(_ item: String, _ quantity: Int64, _ books: CompanyBooks) throws(AccountingRefusal) -> Int64 {
        try value(quantity, at: try unitCost(item, books), books)
    }

    /// A stock value in minor units as an exact amount for a line.
    func amount(_ minor: Int64, _ books: CompanyBooks) -> Decimal {
        Self.major(minor, books.functionalCurrency)
    }
}
