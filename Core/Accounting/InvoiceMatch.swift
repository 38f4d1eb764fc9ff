import Foundation

/// The three-way match of a supplier invoice against its purchase order lines and what was received and not yet
/// invoiced (docs/consolidation.md): a pure decision, returning the entries to post or the reasons to hold.
public enum InvoiceMatch {
    /// Matches `invoice` against `snapshot`. Matched: the `supplierInvoice` entry (Dr GRNI at what the receipts
    /// credited there / Cr AP at the invoice day's rate, the difference an `exchangeDifference` line), the
    /// `invoicePriceVariance` entry for what the invoice differs by, and one `landedCost` entry per charge (Dr
    /// inventory per line / Cr AP). Held: every reason. Malformed input, a missing mapping, rate or
    /// open period is refused.
    public static func decide(_ invoice: Invoice, snapshot: Snapshot) throws(AccountingRefusal) -> Decision {
        try validate(invoice)
        let reasons = holdReasons(invoice, snapshot)
        if !reasons.isEmpty { return .held(reasons) }
        return .matched(try InvoicePostings(invoice: invoice, snapshot: snapshot, note: nil).entries())
    }

    /// Releases an invoice held for price only: who releases it is not who entered it (segregation of duties),
    /// and the entries post as if it had matched, noting the release.
    public static func release(_ invoice: Invoice, snapshot: Snapshot, enteredBy: String,
                               releasedBy: String) throws(InvoiceMatchReleaseError) -> [JournalEntry] {
        do throws(InvoiceMatchRefusal) { try checkSegregation(enteredBy: enteredBy, releasedBy: releasedBy) } catch { throw .refused(error) }
        do throws(AccountingRefusal) { try validate(invoice) } catch { throw .accounting(error) }
        let reasons = holdReasons(invoice, snapshot)
        guard !reasons.isEmpty else {
            throw .refused(InvoiceMatchRefusal(.notHeld, "invoice \(invoice.number) of \(invoice.supplier) is not held"))
        }
        if let blocking = reasons.first(where: { !$0.isReleasable }) {
            throw .refused(InvoiceMatchRefusal(.notReleasable, "invoice \(invoice.number) is held: \(blocking.detail)"))
        }
        let note = "released by \(releasedBy): " + reasons.map(\.detail).joined(separator: "; ")
        do throws(AccountingRefusal) {
            return try InvoicePostings(invoice: invoice, snapshot: snapshot, note: note).entries()
        } catch {
            throw .accounting(error)
        }
    }

    /// Segregation of duties: the user who entered an invoice may not release it.
    public static func checkSegregation(enteredBy: String, releasedBy: String) throws(InvoiceMatchRefusal) {
        guard enteredBy != releasedBy else {
            throw InvoiceMatchRefusal(.sameUser, "\(releasedBy) entered the invoice and may not release it too")
        }
    }

    /// Every reason to hold `invoice`, line by line.
    static func holdReasons(_ invoice: Invoice, _ snapshot: Snapshot) -> [HoldReason] {
        var reasons: [HoldReason] = []
        var invoiced: [String: Decimal] = [:]
        for line in invoice.lines {
            guard let order = snapshot.orderLines[line.orderLine] else {
                reasons.append(HoldReason(.unknownOrderLine, line: line.orderLine, "no purchase order line \(line.orderLine)"))
                continue
            }
            if order.supplier != invoice.supplier {
                reasons.append(HoldReason(.otherSupplier, line: line.orderLine, "\(line.orderLine) was ordered from \(order.supplier), not \(invoice.supplier)"))
            }
            if order.price.currency != invoice.currency {
                reasons.append(HoldReason(.currencyDiffers, line: line.orderLine, "\(line.orderLine) was ordered in \(order.price.currency.code), invoiced in \(invoice.currency.code)"))
                continue
            }
            invoiced[line.orderLine, default: 0] += line.quantity
            let expected = order.price.amount * line.quantity, billed = line.unitPrice * line.quantity
            if billed > expected * (1 + snapshot.tolerancePercent / 100) {
                reasons.append(HoldReason(.priceOverTolerance, line: line.orderLine,
                                          "\(line.orderLine) invoiced at \(line.unitPrice) over the PO price \(order.price.amount) by more than \(snapshot.tolerancePercent) %"))
            }
        }
        for (orderLine, quantity) in invoiced.sorted(by: { $0.key < $1.key }) {
            let order = snapshot.orderLines[orderLine]!
            if quantity > order.receivedNotInvoiced {
                reasons.append(HoldReason(.quantityBeyondReceived, line: orderLine,
                                          "\(orderLine) invoices \(quantity) but \(order.receivedNotInvoiced) is received and not invoiced"))
            }
        }
        if invoice.charges.contains(where: { $0.rule == .weight }) {
            for line in invoice.lines where snapshot.orderLines[line.orderLine].map({ $0.unitWeight == nil }) == true {
                reasons.append(HoldReason(.missingWeight, line: line.orderLine, "a charge is split by weight but \(snapshot.orderLines[line.orderLine]!.item) has no unit weight"))
            }
        }
        return reasons
    }

    private static func validate(_ invoice: Invoice) throws(AccountingRefusal) {
        guard !invoice.lines.isEmpty else { throw AccountingRefusal(.invalid, "invoice \(invoice.number) has no lines") }
        for line in invoice.lines where line.quantity <= 0 || line.unitPrice < 0 || Quantity(decimal: line.quantity) == nil {
            throw AccountingRefusal(.invalid, "\(line.orderLine): a quantity above zero with at most six decimals and a price of zero or more; got \(line.quantity) at \(line.unitPrice)")
        }
        for charge in invoice.charges where charge.amount <= 0 {
            throw AccountingRefusal(.invalid, "a \(charge.kind.rawValue) charge is an amount above zero; got \(charge.amount)")
        }
    }
}

/// Why a release is refused: the release rule, or the books.
public enum InvoiceMatchReleaseError: Error, Sendable, Equatable {
    case refused(InvoiceMatchRefusal)
    case accounting(AccountingRefusal)
}

extension InvoiceMatchReleaseError: ProblemReporting {
    public var problem: ProblemDetails {
        switch self {
        case .refused(let refusal): refusal.problem
        case .accounting(let refusal): refusal.problem
        }
    }
}
