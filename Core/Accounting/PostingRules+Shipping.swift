import Foundation

/// Shipments to customers, transfers within a company and between companies, and transferred units received.
extension PostingLedger {
    /// A shipment posts when it is dispatched (its `shipment` moves post nothing): to a customer, cost of sales and,
    /// for priced lines, revenue; a transfer within the company goes into transit; an intercompany transfer posts
    /// the seller's sale and the buyer's purchase.
    mutating func postDispatch(_ shipment: ShipmentDispatched, _ source: PostingSource, _ books: CompanyBooks) throws(AccountingRefusal) {
        guard shipment.kind == .transfer else { return try postCustomerShipment(shipment, source, books) }
        if let buyer = shipment.tradingPartner, buyer != books.company {
            try postIntercompanyTransfer(shipment, buyer: try self.books(of: buyer), source, books)
        } else {
            try postTransitOut(shipment, books)
        }
    }

    /// Dr cost of goods sold / Cr inventory at cost per line; Dr receivable / Cr revenue for the priced lines, in
    /// the price's currency at the daily rate. Lines carry the customer.
    private mutating func postCustomerShipment(_ shipment: ShipmentDispatched, _ source: PostingSource,
                                               _ books: CompanyBooks) throws(AccountingRefusal) {
        try writeCostOfSales(.costOfSales, shipment, books, tradingPartner: nil, customer: shipment.customer)
        let priced = shipment.lines.compactMap { line in line.price.map { (line, $0) } }
        try writeSale(.revenue, priced, source, books, tradingPartner: nil, customer: shipment.customer)
    }

    /// A transfer between plants of one company: Dr inventory in transit / Cr inventory at cost per line; what is in
    /// transit on each transfer line grows by its quantity and value.
    private mutating func postTransitOut(_ shipment: ShipmentDispatched, _ books: CompanyBooks) throws(AccountingRefusal) {
        let pair = try accounts(.transitOut, books)
        var lines: [DraftLine] = []
        for line in shipment.lines {
            let value = try takeOut(line.item, line.quantity.micro, books)
            lines.append(DraftLine(pair.debit, amount(value, books), fixed: true, item: line.item, quantity: line.quantity.micro))
            lines.append(DraftLine(pair.credit, -amount(value, books), fixed: true, item: line.item, quantity: -line.quantity.micro))
            try addInTransit(TransitLine(transfer: shipment.order, line: line.line), books.company, line.quantity.micro, value)
        }
        try write(.transitOut, books, currency: books.functionalCurrency, rate: 1, lines)
    }

    /// The seller: intercompany cost of sales at cost and the sale at the transfer price (the line's price, else the
    /// price list's); the buyer: Dr in transit / Cr intercompany payable at the transfer price in its functional
    /// currency at the daily rate, its in-transit value growing by that. Each side's lines name the other company.
    private mutating func postIntercompanyTransfer(_ shipment: ShipmentDispatched, buyer: CompanyBooks, _ source: PostingSource,
                                                   _ books: CompanyBooks) throws(AccountingRefusal) {
        var priced: [(ShipmentDispatched.Line, Money)] = []
        for line in shipment.lines {
            let key = IntercompanyPriceKey(seller: books.company, buyer: buyer.company, item: line.item)
            guard let price = line.price ?? snapshot.intercompanyPrices[key] else {
                throw AccountingRefusal(.missingPrice, "no transfer price for \(line.item) from \(books.company) to \(buyer.company)")
            }
            priced.append((line, price))
        }
        try writeCostOfSales(.intercompanyCostOfSales, shipment, books, tradingPartner: buyer.company, customer: nil)
        try writeSale(.intercompanySale, priced, source, books, tradingPartner: buyer.company, customer: nil)
        let pair = try accounts(.intercompanyPurchase, buyer)
        for (currency, group) in Self.byCurrency(priced) {
            let rate = try rate(currency, buyer, on: source.day)
            var lines: [DraftLine] = [], total = Decimal(0), totalValue: Int64 = 0
            for (line, price) in group {
                let paid = line.quantity.decimal * price.amount
                let value = try Self.minor(paid * rate, buyer.functionalCurrency)
                lines.append(DraftLine(pair.debit, paid, functional: amount(value, buyer), fixed: true, item: line.item,
                                       quantity: line.quantity.micro, tradingPartner: books.company))
                try addInTransit(TransitLine(transfer: shipment.order, line: line.line), buyer.company, line.quantity.micro, value)
                total += paid
                totalValue += value
            }
            lines.append(DraftLine(pair.credit, -total, functional: -amount(totalValue, buyer), tradingPartner: books.company))
            try write(.intercompanyPurchase, buyer, currency: currency, rate: rate, lines)
        }
    }

    /// Per line at cost out of the position: Dr `kind`'s debit (the expense) / Cr its credit (inventory).
    private mutating func writeCostOfSales(_ kind: PostingKind, _ shipment: ShipmentDispatched, _ books: CompanyBooks,
                                           tradingPartner: String?, customer: String?) throws(AccountingRefusal) {
        let pair = try accounts(kind, books)
        var lines: [DraftLine] = []
        for line in shipment.lines {
            let value = amount(try takeOut(line.item, line.quantity.micro, books), books)
            lines.append(DraftLine(pair.debit, value, fixed: true, item: line.item, tradingPartner: tradingPartner, customer: customer))
            lines.append(DraftLine(pair.credit, -value, fixed: true, item: line.item, quantity: -line.quantity.micro,
                                   tradingPartner: tradingPartner, customer: customer))
        }
        try write(kind, books, currency: books.functionalCurrency, rate: 1, lines)
    }

    /// One entry per price currency: Dr `kind`'s debit (the receivable) for the total / Cr its credit (revenue) per
    /// line at quantity × price, converted at the daily rate; a rounding residue goes to the largest line.
    private mutating func writeSale(_ kind: PostingKind, _ priced: [(ShipmentDispatched.Line, Money)], _ source: PostingSource,
                                    _ books: CompanyBooks, tradingPartner: String?, customer: String?) throws(AccountingRefusal) {
        guard !priced.isEmpty else { return }
        let pair = try accounts(kind, books)
        for (currency, group) in Self.byCurrency(priced) {
            let rate = try rate(currency, books, on: source.day)
            var lines: [DraftLine] = [], total = Decimal(0)
            for (line, price) in group {
                let sold = line.quantity.decimal * price.amount
                lines.append(DraftLine(pair.credit, -sold, item: line.item, tradingPartner: tradingPartner, customer: customer))
                total += sold
            }
            lines.insert(DraftLine(pair.debit, total, tradingPartner: tradingPartner, customer: customer), at: 0)
            try write(kind, books, currency: currency, rate: rate, lines)
        }
    }

    /// A transferred unit received by the company carrying its lines in transit: per line, the good quantity at the
    /// in-transit unit value, Dr inventory / Cr in transit (under standard inventory at the receiver's standard, the
    /// difference to purchase price variance); the damaged quantity to transit loss. What stays short stays in
    /// transit; the last unit of a line takes what value remains.
    mutating func postTransferReceipt(_ receipt: TransferUnitReceived, _ source: PostingSource, _ books: CompanyBooks) throws(AccountingRefusal) {
        var received: [DraftLine] = [], lost: [DraftLine] = []
        for content in receipt.contents {
            let key = TransitLine(transfer: receipt.transfer, line: content.line)
            guard var transit = snapshot.inTransit[key] else {
                throw AccountingRefusal(.missingCost, "nothing of transfer \(receipt.transfer) line \(content.line) is in transit")
            }
            guard transit.company == books.company else {
                throw AccountingRefusal(.invalid, "transfer \(receipt.transfer) line \(content.line) is in transit at \(transit.company), "
                    + "received by \(books.company)")
            }
            let good = content.received.micro, damaged = content.damaged.micro
            let goodValue = try take(good, from: &transit, books), damagedValue = try take(damaged, from: &transit, books)
            try setInTransit(key, transit)
            if good != 0 {
                let pair = try accounts(.transitReceipt, books)
                let inventory = books.valuation == .standard ? try value(good, at: try standardCost(content.item, books), books) : goodValue
                received.append(DraftLine(pair.debit, amount(inventory, books), fixed: true, item: content.item, quantity: good))
                received.append(DraftLine(pair.credit, -amount(goodValue, books), fixed: true, item: content.item, quantity: -good))
                if inventory != goodValue {
                    received.append(DraftLine(try accounts(.purchasePriceVariance, books).debit, amount(goodValue - inventory, books),
                                              fixed: true, item: content.item))
                }
                try putIn(content.item, good, worth: inventory, books)
            }
            if damaged != 0 {
                let pair = try accounts(.transitLoss, books)
                lost.append(DraftLine(pair.debit, amount(damagedValue, books), fixed: true, item: content.item))
                lost.append(DraftLine(pair.credit, -amount(damagedValue, books), fixed: true, item: content.item, quantity: -damaged))
            }
        }
        if !received.isEmpty { try write(.transitReceipt, books, currency: books.functionalCurrency, rate: 1, received) }
        if !lost.isEmpty { try write(.transitLoss, books, currency: books.functionalCurrency, rate: 1, lost) }
    }

    /// Takes `quantity` (micro) out of a transfer line in transit at its unit value; taking all that is left takes
    /// all its value.
    func take(_ quantity: Int64, from transit: inout TransitValue, _ books: CompanyBooks) throws(AccountingRefusal) -> Int64 {
        guard quantity > 0 else { return 0 }
        let value = quantity >= transit.quantity
            ? transit.value
            : try Self.minor(amount(transit.value, books) * Quantity(micro: quantity).decimal / Quantity(micro: transit.quantity).decimal,
                             books.functionalCurrency)
        transit.quantity -= quantity
        transit.value -= value
        return value
    }

    /// Priced lines grouped by currency, in the order the currencies first appear.
    private static func byCurrency(_ priced: [(ShipmentDispatched.Line, Money)]) -> [(CurrencyCode, [(ShipmentDispatched.Line, Money)])] {
        var groups: [(CurrencyCode, [(ShipmentDispatched.Line, Money)])] = []
        for entry in priced {
            if let index = groups.firstIndex(where: { $0.0 == entry.1.currency }) {
                groups[index].1.append(entry)
            } else {
                groups.append((entry.1.currency, [entry]))
            }
        }
        return groups
    }

    private mutating func addInTransit(_ key: TransitLine, _ company: String, _ quantity: Int64, _ value: Int64) throws(AccountingRefusal) {
        var transit = snapshot.inTransit[key] ?? TransitValue(company: company)
        transit.quantity += quantity
        transit.value += value
        try setInTransit(key, transit)
    }
}
