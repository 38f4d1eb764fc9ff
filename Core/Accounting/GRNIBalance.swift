import Foundation

/// What goods received not invoiced (GRNI) holds for one purchase order line: the quantity received and not yet
/// invoiced (base units, micro) and its credit in the PO's currency and in the company's functional one (minor
/// units, a credit positive). Receipts add what their GRNI line credited, returns and matched invoices take out, so
/// an invoice clears in functional currency what the receipts put there (docs/consolidation.md).
public struct GRNIBalance: Sendable, Equatable, Codable {
    public var quantity: Int64
    public var amount: Int64
    public var functional: Int64

    public init(quantity: Int64 = 0, amount: Int64 = 0, functional: Int64 = 0) {
        self.quantity = quantity
        self.amount = amount
        self.functional = functional
    }

    /// The part of the balance `quantity` (micro) takes: all of it when it takes the whole quantity, else its share
    /// of each amount rounded half to even to the currency's minor unit (so the last invoice leaves exactly 0).
    public func share(_ quantity: Int64, currency: CurrencyCode, functionalCurrency: CurrencyCode) throws(AccountingRefusal) -> GRNIBalance {
        guard quantity < self.quantity else { return self }
        let fraction = Decimal(quantity) / Decimal(self.quantity)
        return GRNIBalance(
            quantity: quantity,
            amount: try PostingLedger.minor(PostingLedger.major(amount, currency) * fraction, currency),
            functional: try PostingLedger.minor(PostingLedger.major(functional, functionalCurrency) * fraction, functionalCurrency))
    }

    /// Each figure of `lhs` less `rhs`'s.
    public static func - (lhs: GRNIBalance, rhs: GRNIBalance) -> GRNIBalance {
        GRNIBalance(quantity: lhs.quantity - rhs.quantity, amount: lhs.amount - rhs.amount, functional: lhs.functional - rhs.functional)
    }

    /// Each figure summed.
    public static func + (lhs: GRNIBalance, rhs: GRNIBalance) -> GRNIBalance { lhs - (GRNIBalance() - rhs) }
}

/// A change of a purchase order line's GRNI balance a posting makes (`PostingOutcome.grni`): the hub adds it to
/// the balance it keeps per line.
public struct GRNIChange: Sendable, Equatable {
    public var company: String
    public var line: PlantOrderLine
    public var change: GRNIBalance

    public init(company: String, line: PlantOrderLine, change: GRNIBalance) {
        self.company = company
        self.line = line
        self.change = change
    }
}
