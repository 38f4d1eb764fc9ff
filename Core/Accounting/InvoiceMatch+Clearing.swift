import Foundation

extension InvoiceMatch {
    /// What a matched (or released) invoice takes out of GRNI per `ORDER/LINE`, as the hub subtracts it from the
    /// balance it keeps per line: the same figures `decide` and `release` post.
    public static func grniCleared(_ invoice: Invoice, snapshot: Snapshot) throws(AccountingRefusal) -> [String: GRNIBalance] {
        let cleared = try InvoicePostings(invoice: invoice, snapshot: snapshot, note: nil).clearing()
        var byLine: [String: GRNIBalance] = [:]
        for (line, part) in zip(invoice.lines, cleared) {
            byLine[line.orderLine] = (byLine[line.orderLine] ?? GRNIBalance()) + part.taken
        }
        return byLine
    }
}

extension InvoicePostings {
    /// What one invoice line clears from GRNI: its GRNI line in the invoice's currency, in the functional one when that
    /// is not the amount at the invoice day's rate, and what it takes from the order line's balance.
    struct Cleared {
        var amount: Int64
        var functional: Int64?
        var taken: GRNIBalance
    }

    /// Per invoice line, in order (two lines of one order line take from its balance one after the other): the part of
    /// the quantity GRNI holds clears its share of what GRNI holds, in both currencies (`GRNIBalance.share`: all of it
    /// for the whole quantity, so a fully invoiced line leaves exactly 0); a part it does not hold (receipts not posted
    /// yet, or posted before GRNI was kept per line) clears at PO price × quantity, at the invoice day's rate.
    func clearing() throws(AccountingRefusal) -> [Cleared] {
        let functionalCurrency = snapshot.books.functionalCurrency
        var open: [String: GRNIBalance] = [:], result: [Cleared] = []
        for line in invoice.lines {
            let order = snapshot.orderLines[line.orderLine]!
            let quantity = Quantity(decimal: line.quantity)?.micro ?? 0
            let held = open[line.orderLine] ?? order.grni ?? GRNIBalance()
            let taken = held.quantity > 0
                ? try held.share(min(quantity, held.quantity), currency: invoice.currency, functionalCurrency: functionalCurrency)
                : GRNIBalance()
            open[line.orderLine] = held - taken
            let rest = try minor(order.price.amount * Quantity(micro: quantity - taken.quantity).decimal)
            let functional = invoice.currency == functionalCurrency ? nil : taken.functional + (try self.functional(rest))
            result.append(Cleared(amount: taken.amount + rest, functional: functional, taken: taken))
        }
        return result
    }
}
