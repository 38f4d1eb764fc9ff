import Foundation

/// Receipts, returns, count adjustments, scrap and quarantine moves.
extension PostingLedger {
    /// A receipt against a purchase order line: Dr inventory / Cr GRNI at the PO price, in the PO's currency. Under
    /// standard cost inventory takes the standard and the difference goes to purchase price variance; under moving
    /// average inventory takes the PO price converted. A receipt against nothing is a count gain.
    mutating func postReceipt(_ move: StockMoved, _ source: PostingSource, _ books: CompanyBooks) throws(AccountingRefusal) {
        guard let price = try orderPrice(move, source) else { return try postAdjustment(move, books, gain: true) }
        let pair = try accounts(.receipt, books)
        let rate = try rate(price.currency, books, on: source.day)
        let quantity = move.quantity.micro
        let paid = move.quantity.decimal * price.amount
        let inventory = books.valuation == .standard
            ? try value(quantity, at: try standardCost(move.item, books), books)
            : try Self.minor(paid * rate, books.functionalCurrency)
        // Under moving average inventory is what was paid, in both currencies; under standard, the standard converted back.
        let inventoryPaid = books.valuation == .standard ? amount(inventory, books) / rate : paid
        var lines = [
            DraftLine(pair.debit, inventoryPaid, functional: amount(inventory, books), fixed: true, item: move.item, quantity: quantity),
            DraftLine(pair.credit, -paid, functional: -paid * rate),
        ]
        try addPriceVariance(&lines, inventory: (inventoryPaid, amount(inventory, books)), paid: paid, rate: rate, price.currency, books)
        let written = outcome.entries.count
        try write(.receipt, books, currency: price.currency, rate: rate, lines)
        keepGRNI(move, source, books, quantity: quantity, line: 1, of: written)
        try putIn(move.item, quantity, worth: inventory, books)
    }

    /// Goods sent back against a purchase order line: the receipt reversed, Dr GRNI at the PO price / Cr inventory
    /// at cost (what the position gives up), the difference to purchase price variance. Against nothing: a count loss.
    mutating func postReturn(_ move: StockMoved, _ source: PostingSource, _ books: CompanyBooks) throws(AccountingRefusal) {
        guard let price = try orderPrice(move, source) else { return try postAdjustment(move, books, gain: false) }
        let pair = try accounts(.returnToSupplier, books)
        let rate = try rate(price.currency, books, on: source.day)
        let quantity = move.quantity.micro
        let paid = move.quantity.decimal * price.amount
        let inventory = amount(try takeOut(move.item, quantity, books), books)
        var lines = [
            DraftLine(pair.debit, paid, functional: paid * rate),
            DraftLine(pair.credit, -inventory / rate, functional: -inventory, fixed: true, item: move.item, quantity: -quantity),
        ]
        try addPriceVariance(&lines, inventory: (-inventory / rate, -inventory), paid: -paid, rate: rate, price.currency, books)
        let written = outcome.entries.count
        try write(.returnToSupplier, books, currency: price.currency, rate: rate, lines)
        keepGRNI(move, source, books, quantity: -quantity, line: 0, of: written)
    }

    /// Keeps what the `entry`-th entry (just written) put into GRNI, its `line`-th line (a credit adds), for the move's
    /// purchase order line; when nothing was written (a price of zero), the quantity alone.
    private mutating func keepGRNI(_ move: StockMoved, _ source: PostingSource, _ books: CompanyBooks, quantity: Int64, line: Int,
                                   of entry: Int) {
        guard let reference = move.reference else { return }
        let grni = entry < outcome.entries.count ? outcome.entries[entry].lines[line] : nil
        let change = GRNIBalance(quantity: quantity, amount: -(grni?.amount ?? 0), functional: -(grni?.functionalAmount ?? 0))
        outcome.grni.append(GRNIChange(company: books.company, line: PlantOrderLine(plant: source.plant, line: reference.id), change: change))
    }

    /// The PO line's price, nil for a move not against a purchase order line, or a refusal when it has none.
    private func orderPrice(_ move: StockMoved, _ source: PostingSource) throws(AccountingRefusal) -> Money? {
        guard let reference = move.reference, reference.kind == .purchaseOrderLine else { return nil }
        guard let price = snapshot.orderLinePrices[PlantOrderLine(plant: source.plant, line: reference.id)] else {
            throw AccountingRefusal(.missingPrice, "no price for purchase order line \(reference.id) at \(source.plant)")
        }
        return price
    }

    /// Dr purchase price variance for what was paid (signed, transaction currency) over the inventory value (signed,
    /// in both currencies): no line when both differences round to nothing.
    private func addPriceVariance(_ lines: inout [DraftLine], inventory: (paid: Decimal, functional: Decimal), paid: Decimal,
                                  rate: Decimal, _ currency: CurrencyCode, _ books: CompanyBooks) throws(AccountingRefusal) {
        let functional = paid * rate - inventory.functional, transaction = paid - inventory.paid
        let roundedFunctional = try Self.minor(functional, books.functionalCurrency), roundedPaid = try Self.minor(transaction, currency)
        guard roundedFunctional != 0 || roundedPaid != 0 else { return }
        lines.append(DraftLine(try accounts(.purchasePriceVariance, books).debit, transaction, functional: functional))
    }

    /// A count difference (or a receipt, issue or return against nothing): a gain (`to` only) enters at cost,
    /// Dr inventory / Cr inventory adjustment; a loss (`from` only) leaves at cost, the same kind negative.
    mutating func postAdjustment(_ move: StockMoved, _ books: CompanyBooks, gain: Bool) throws(AccountingRefusal) {
        let quantity = move.quantity.micro
        let value: Int64
        if gain {
            value = try inflowValue(move.item, quantity, books)
            try putIn(move.item, quantity, worth: value, books)
        } else {
            value = -(try takeOut(move.item, quantity, books))
        }
        try writeAtCost(.inventoryAdjustment, books, value: value, debitItem: move.item, quantity: gain ? quantity : -quantity)
    }

    /// A count adjustment: `to` only a gain, `from` only a loss; with both or neither nothing.
    mutating func postCount(_ move: StockMoved, _ books: CompanyBooks) throws(AccountingRefusal) {
        switch (move.from, move.to) {
        case (nil, .some): try postAdjustment(move, books, gain: true)
        case (.some, nil): try postAdjustment(move, books, gain: false)
        default: return
        }
    }

    /// Scrapped stock leaves at cost: Dr scrap expense / Cr inventory.
    mutating func postScrap(_ move: StockMoved, _ source: PostingSource, _ books: CompanyBooks) throws(AccountingRefusal) {
        let value = try takeOut(move.item, move.quantity.micro, books)
        try writeAtCost(.scrap, books, value: value, creditItem: move.item, quantity: move.quantity.micro)
    }

    /// A move into quarantine from a location that is not: Dr quarantined stock / Cr inventory at cost; out of it,
    /// the same negative. Only when the company maps `quarantine`; other moves post nothing. The stock stays in the
    /// plant's position.
    mutating func postQuarantine(_ move: StockMoved, _ source: PostingSource, _ books: CompanyBooks) throws(AccountingRefusal) {
        guard let from = move.from, let to = move.to, books.mapping[.quarantine] != nil else { return }
        let types = snapshot.locationTypes[source.plant] ?? [:]
        let into = types[to] == .quarantine, outOf = types[from] == .quarantine
        guard into != outOf else { return }
        let quantity = into ? move.quantity.micro : -move.quantity.micro
        let value = try inflowValue(move.item, quantity, books)
        try writeAtCost(.quarantine, books, value: value, debitItem: move.item, creditItem: move.item, quantity: quantity)
    }

    /// `kind`'s debit account `value` (functional minor units, either sign) / its credit account the same, in the
    /// functional currency (nothing, and no mapping needed, for 0); a stock line carries its item and `quantity` (the debit side's, negated on the credit side).
    mutating func writeAtCost(_ kind: PostingKind, _ books: CompanyBooks, value: Int64, debitItem: String? = nil,
                              creditItem: String? = nil, quantity: Int64? = nil, tradingPartner: String? = nil,
                              customer: String? = nil) throws(AccountingRefusal) {
        guard value != 0 else { return }
        let pair = try accounts(kind, books)
        try write(kind, books, currency: books.functionalCurrency, rate: 1, [
            DraftLine(pair.debit, amount(value, books), fixed: true, item: debitItem, quantity: debitItem == nil ? nil : quantity,
                      tradingPartner: tradingPartner, customer: customer),
            DraftLine(pair.credit, -amount(value, books), fixed: true, item: creditItem,
                      quantity: creditItem == nil ? nil : quantity.map { -$0 }, tradingPartner: tradingPartner, customer: customer),
        ])
    }
}
