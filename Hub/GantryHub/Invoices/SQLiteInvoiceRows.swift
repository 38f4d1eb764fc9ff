import Foundation
import GantryCore
import GRDB

/// A row of `supplier_invoices`.
struct InvoiceHeaderRow: Decodable, FetchableRecord {
    static let columns = """
        company, supplier, number, invoice_date, currency, amount, status, reasons, document, entered_by, entered_at, released_by,
        released_at
        """
    var company: String
    var supplier: String
    var number: String
    var invoiceDate: String
    var currency: String
    var amount: Int64
    var status: String
    var reasons: String
    var document: String
    var enteredBy: String
    var enteredAt: String
    var releasedBy: String?
    var releasedAt: String?
    enum CodingKeys: String, CodingKey {
        case company, supplier, number, invoiceDate = "invoice_date", currency, amount, status, reasons, document
        case enteredBy = "entered_by", enteredAt = "entered_at", releasedBy = "released_by", releasedAt = "released_at"
    }

    var header: InvoiceFlow.InvoiceHeader {
        InvoiceFlow.InvoiceHeader(
            company: company, supplier: supplier, number: number, date: invoiceDate, currency: currency, amount: amount, status: status,
            reasons: reasons, document: document, enteredBy: enteredBy, enteredAt: Timestamp.parse(enteredAt) ?? .distantPast,
            releasedBy: releasedBy, releasedAt: releasedAt.flatMap(Timestamp.parse))
    }
}

/// A purchase order line with what is received and invoiced of it.
struct InvoiceOrderLineRow: Decodable, FetchableRecord {
    var plantID: String
    var purchaseOrder: String
    var line: Int
    var supplier: String
    var item: String
    var price: String?
    var currency: String?
    var quantity: Int64
    var received: Int64
    var invoiced: Int64
    var grniQuantity: Int64?
    var grniAmount: Int64?
    var grniFunctional: Int64?
    enum CodingKeys: String, CodingKey {
        case plantID = "plant_id", purchaseOrder = "purchase_order", line, supplier, item, price, currency, quantity, received, invoiced
        case grniQuantity = "grni_quantity", grniAmount = "grni_amount", grniFunctional = "grni_functional"
    }

    var row: InvoiceFlow.OrderLineRow {
        InvoiceFlow.OrderLineRow(
            plant: plantID, order: purchaseOrder, line: line, supplier: supplier, item: item, price: price, currency: currency,
            ordered: quantity, received: received, invoiced: invoiced,
            grni: grniQuantity.map { GRNIBalance(quantity: $0, amount: grniAmount ?? 0, functional: grniFunctional ?? 0) })
    }
}

/// A receipt against a purchase order line of a company, with the line's terms and the plant's time zone.
struct InvoiceReceiptRow: Decodable, FetchableRecord {
    var plantID: String
    var purchaseOrder: String
    var line: Int
    var supplier: String
    var item: String
    var price: String?
    var currency: String?
    var quantity: Int64
    var receivedAt: String
    var timeZone: String
    enum CodingKeys: String, CodingKey {
        case plantID = "plant_id", purchaseOrder = "purchase_order", line, supplier, item, price, currency, quantity
        case receivedAt = "received_at", timeZone = "time_zone"
    }

    var row: InvoiceReports.ReceiptRow {
        InvoiceReports.ReceiptRow(
            plant: plantID, order: purchaseOrder, line: line, supplier: supplier, item: item, price: price, currency: currency,
            quantity: quantity, receivedAt: Timestamp.parse(receivedAt) ?? .distantPast, timeZone: timeZone)
    }
}

/// What of a purchase order line posted invoices cover.
struct InvoicedLineRow: Decodable, FetchableRecord {
    var plantID: String
    var purchaseOrder: String
    var line: Int
    var quantity: Int64
    enum CodingKeys: String, CodingKey { case plantID = "plant_id", purchaseOrder = "purchase_order", line, quantity }

    var row: InvoiceReports.InvoicedRow { InvoiceReports.InvoicedRow(plant: plantID, order: purchaseOrder, line: line, quantity: quantity) }
}
