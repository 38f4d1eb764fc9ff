import Foundation

/// The entries a matched (or released) invoice posts, in the invoice's currency and the company's functional
/// one: each debit line converted at the invoice day's rate and rounded half to even on its own, except the GRNI
/// lines, which clear what the receipts put there (`clearing`); the AP credit the negated sum of the debits at the
/// invoice's rate, and what that differs by in functional currency from the debits an `exchange-difference` line,
/// so every entry balances in both currencies.
struct InvoicePostings {
    private struct Debit {
        var account: String
        var amount: Int64
        /// The functional amount when it is not the amount at the invoice's rate (GRNI cleared at the receipts').
        var functional: Int64?
        var item: String?
        var quantity: Int64?
    }

    var invoice: InvoiceMatch.Invoice
    var snapshot: InvoiceMatch.Snapshot
    var note: String?

    func entries() throws(AccountingRefusal) -> [JournalEntry] {
        let lines = invoice.lines.map { ($0, snapshot.orderLines[$0.orderLine]!) }
        let receipt = try mapping(.supplierInvoice)
        let cleared = try clearing()
        let ordered = cleared.map(\.amount)
        let billed = try lines.map { line, _ throws(AccountingRefusal) in try minor(line.unitPrice * line.quantity) }
        var entries: [JournalEntry] = []
        try append(.supplierInvoice, to: &entries, credit: receipt.credit, debits: zip(lines, cleared).map { pair, grni in
            Debit(account: receipt.debit, amount: grni.amount, functional: grni.functional, item: pair.1.item,
                  quantity: Quantity(decimal: pair.0.quantity)?.micro)
        })
        if zip(billed, ordered).contains(where: { $0 != $1 }) {
            let variance = try mapping(.invoicePriceVariance)
            try append(.invoicePriceVariance, to: &entries, credit: variance.credit, debits: zip(lines, zip(billed, ordered)).map { pair, amounts in
                Debit(account: variance.debit, amount: amounts.0 - amounts.1, item: pair.1.item)
            })
        }
        for charge in invoice.charges {
            let landed = try mapping(.landedCost)
            let weights = lines.map { line, order in
                switch charge.rule {
                case .quantity: line.quantity
                case .value: order.price.amount * line.quantity
                case .weight: (order.unitWeight ?? 0) * line.quantity
                }
            }
            let parts = try LandedCost.allocate(try minor(charge.amount), over: weights)
            try append(.landedCost, to: &entries, credit: landed.credit, debits: zip(lines, parts).map { pair, amount in
                Debit(account: landed.debit, amount: amount, item: pair.1.item)
            }, what: charge.kind.rawValue)
        }
        return entries
    }

    private func append(_ kind: PostingKind, to entries: inout [JournalEntry], credit: String, debits: [Debit],
                        what: String? = nil) throws(AccountingRefusal) {
        let debits = debits.filter { $0.amount != 0 || ($0.functional ?? 0) != 0 }
        guard !debits.isEmpty else { return }
        let (period, postingDate, originalDate, periodNote) = try placement()
        var lines: [JournalLine] = [], atRate: Int64 = 0
        for debit in debits {
            let converted = try functional(debit.amount)
            atRate += converted
            lines.append(JournalLine(account: debit.account, amount: debit.amount, functionalAmount: debit.functional ?? converted,
                                     item: debit.item, quantity: debit.quantity))
        }
        let difference = atRate - lines.reduce(0) { $0 + $1.functionalAmount }
        lines.append(JournalLine(account: credit, amount: -lines.reduce(0) { $0 + $1.amount }, functionalAmount: -atRate))
        if difference != 0 {
            let exchange = try mapping(.exchangeDifference)
            lines.append(JournalLine(account: difference > 0 ? exchange.debit : exchange.credit, amount: 0, functionalAmount: difference))
        }
        let notes = [what.map { "\($0) on invoice \(invoice.number)" }, periodNote, note].compactMap { $0 }
        entries.append(JournalEntry(
            company: invoice.company, source: EntrySource(kind: .invoice, reference: invoice.id, part: entries.count), kind: kind,
            postingDate: postingDate, period: period, originalDate: originalDate, note: notes.isEmpty ? nil : notes.joined(separator: "; "),
            transactionCurrency: invoice.currency, functionalCurrency: snapshot.books.functionalCurrency, lines: lines))
    }

    /// `amount` (minor units of the invoice's currency) at the invoice day's rate, rounded half to even.
    func functional(_ amount: Int64) throws(AccountingRefusal) -> Int64 {
        try Translation.convert(amount, from: invoice.currency, to: snapshot.books.functionalCurrency, rate: try functionalRate()).0
    }

    private func mapping(_ kind: PostingKind) throws(AccountingRefusal) -> CompanyBooks.AccountPair {
        guard let pair = snapshot.books.mapping[kind] else {
            throw AccountingRefusal(.missingMapping, "company \(snapshot.books.company) maps no accounts for \(kind.rawValue)")
        }
        return pair
    }

    /// The invoice's period when it is open; else the first open period after it, the invoice date kept.
    private func placement() throws(AccountingRefusal) -> (period: String, date: String, original: String?, note: String?) {
        let books = snapshot.books, day = invoice.date
        if let period = books.periods.first(where: { $0.start <= day && day <= $0.end }), !books.closedPeriods.contains(period.key) {
            return (period.key, day, nil, nil)
        }
        guard let later = books.periods.first(where: { $0.start > day && !books.closedPeriods.contains($0.key) }) else {
            throw AccountingRefusal(.noOpenPeriod, "no open fiscal period of \(books.company) for \(day)")
        }
        return (later.key, later.start, day, "dated \(day) in a closed period; posted to \(later.key)")
    }

    private func functionalRate() throws(AccountingRefusal) -> Decimal {
        let functional = snapshot.books.functionalCurrency
        if invoice.currency == functional { return 1 }
        guard let rate = snapshot.rate, rate.from == invoice.currency, rate.to == functional else {
            throw AccountingRefusal(.missingRate, "no \(invoice.currency.code)/\(functional.code) daily rate on \(invoice.date)")
        }
        return rate.rate
    }

    /// `amount` of the invoice's currency in its minor units, rounded half to even.
    func minor(_ amount: Decimal) throws(AccountingRefusal) -> Int64 {
        guard let minor = Money(amount: amount, currency: invoice.currency).roundedToMinorUnit().minorUnits else {
            throw AccountingRefusal(.outOfRange, "\(amount) \(invoice.currency.code) is beyond the ledger")
        }
        return minor
    }
}
