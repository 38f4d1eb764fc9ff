import Foundation
import GantryCore

/// A supplier invoice as sent to `POST /v1/invoices` (or read from one CSV import's rows): lines per purchase order
/// line `ORDER/LINE` at a plant of the company, and landed-cost charges. Quantities and amounts are decimal text in
/// the invoice's currency.
public struct SupplierInvoiceRequest: Sendable, Equatable, Codable {
    /// One invoiced purchase order line.
    public struct Line: Sendable, Equatable, Codable {
        public var plant: String
        /// `ORDER/LINE`, as receipts reference it.
        public var orderLine: String
        public var quantity: String
        public var unitPrice: String
    }

    /// A landed-cost charge: `freight`, `duty` or `insurance`, split by `quantity`, `value` or `weight`.
    public struct Charge: Sendable, Equatable, Codable {
        public var kind: String
        public var amount: String
        public var rule: String
    }

    public var company: String
    public var supplier: String
    public var number: String
    /// `YYYY-MM-DD`.
    public var date: String
    public var currency: String
    public var lines: [Line]
    public var charges: [Charge]?
}

/// A supplier invoice as the hub holds it: `held` with every reason, or `posted` with its entries.
public struct SupplierInvoiceRecord: Sendable, Equatable, Codable {
    public var company: String
    public var supplier: String
    public var number: String
    public var date: String
    public var currency: String
    /// Lines and charges, in major units of `currency`.
    public var amount: String
    /// `held` or `posted`.
    public var status: String
    /// The invoice date: supplier masters carry no payment terms yet.
    public var dueDate: String
    public var lines: [SupplierInvoiceRequest.Line]
    public var charges: [SupplierInvoiceRequest.Charge]
    public var reasons: [InvoiceMatch.HoldReason]
    public var enteredBy: String
    public var enteredAt: Date
    public var releasedBy: String?
    public var releasedAt: Date?
    /// The entries it posted (none while held).
    public var postings: [JournalEntryRecord]
}

/// What became of one invoice sent: stored now (`created`), or the same invoice stored before.
public struct InvoiceSubmission: Sendable, Equatable, Codable {
    public var invoice: SupplierInvoiceRecord
    public var created: Bool
}

/// What a CSV import stored: each invoice of the file, in the order of its first row.
public struct InvoiceImportOutcome: Sendable, Equatable, Codable {
    public var invoices: [InvoiceSubmission]
}

/// Goods received and not invoiced, per purchase order line, at a date, valued at the PO price in the company's
/// functional currency (at the daily rate of each receipt's day), aged by receipt day.
public struct GRNIAgeingReport: Sendable, Equatable, Codable {
    /// The value of one line (or of all) in the four age buckets, in major units.
    public struct Buckets: Sendable, Equatable, Codable {
        public var days0to30: String
        public var days31to60: String
        public var days61to90: String
        public var over90: String
        public var total: String
    }

    public struct Line: Sendable, Equatable, Codable {
        public var plant: String
        public var orderLine: String
        public var supplier: String
        public var item: String
        /// Received and not invoiced, decimal text.
        public var quantity: String
        /// The oldest receipt day still not invoiced.
        public var oldestReceipt: String
        public var value: Buckets
    }

    public var company: String
    public var at: String
    public var currency: String
    public var lines: [Line]
    public var total: Buckets

    /// One row per line, then a total row.
    public func csv() -> String {
        var text = CSV.line(["plant", "order_line", "supplier", "item", "quantity", "oldest_receipt", "days_0_30", "days_31_60",
                             "days_61_90", "over_90", "total", "currency"])
        for line in lines {
            let v = line.value
            text += CSV.line([line.plant, line.orderLine, line.supplier, line.item, line.quantity, line.oldestReceipt, v.days0to30,
                              v.days31to60, v.days61to90, v.over90, v.total, currency])
        }
        text += CSV.line(["total", "", "", "", "", "", total.days0to30, total.days31to60, total.days61to90, total.over90, total.total,
                          currency])
        return text
    }
}

/// Posted supplier invoices, each open: the hub records no payments yet.
public struct OpenInvoicesReport: Sendable, Equatable, Codable {
    public struct Line: Sendable, Equatable, Codable {
        public var supplier: String
        public var number: String
        public var date: String
        public var dueDate: String
        public var amount: String
        public var currency: String
    }

    public var company: String
    public var invoices: [Line]

    public func csv() -> String {
        var text = CSV.line(["supplier", "number", "date", "due_date", "amount", "currency"])
        for line in invoices {
            text += CSV.line([line.supplier, line.number, line.date, line.dueDate, line.amount, line.currency])
        }
        return text
    }
}
