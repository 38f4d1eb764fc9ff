import Foundation
import GantryCore

/// The CSV import of supplier invoices (docs/http-api.md, "Supplier invoices"): one row per invoice line, a charge
/// on a row of its own or beside a line; rows of the same company, supplier and number make one invoice. Any bad
/// row refuses the whole file, naming the row (its line in the file, the header being line 1) and the column.
enum InvoiceCSV {
    static let columns = [
        "company", "supplier", "number", "date", "currency", "plant", "order_line", "quantity", "unit_price", "charge_kind",
        "charge_amount", "charge_rule",
    ]

    /// The invoices of `text`, each checked as `InvoiceFlow.draft` checks a JSON one.
    static func read(_ text: String) throws(ProblemDetails) -> [SupplierInvoiceRequest] {
        let rows: [CSV.Row]
        do throws(CSV.Malformed) { rows = try CSV.rows(text) } catch { throw problem(error.line, "body", error.detail) }
        guard let header = rows.first else { throw problem(1, "body", "the file is empty: a header and one row per invoice line") }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        if let unknown = names.first(where: { !columns.contains($0) }) {
            throw problem(header.line, unknown, "unknown column \"\(unknown)\"; the columns are \(columns.joined(separator: ","))")
        }
        for required in columns.prefix(9) where !names.contains(required) {
            throw problem(header.line, required, "the column \(required) is missing")
        }
        guard rows.count > 1 else { throw problem(header.line, "body", "the file has no invoice lines") }
        var requests: [SupplierInvoiceRequest] = [], index: [String: Int] = [:]
        var lineRows: [[Int]] = [], chargeRows: [[Int]] = [], firstRows: [Int] = []
        for row in rows.dropFirst() {
            guard row.fields.count == names.count else {
                throw problem(row.line, "body", "\(row.fields.count) fields, the header has \(names.count)")
            }
            var cell: [String: String] = [:]
            for (name, value) in zip(names, row.fields) { cell[name] = value.trimmingCharacters(in: .whitespaces) }
            let value = { (name: String) in cell[name] ?? "" }
            let key = [value("company"), value("supplier"), value("number")].joined(separator: "\u{0}")
            let at: Int
            if let known = index[key] {
                at = known
                for field in ["date", "currency"] where value(field) != (field == "date" ? requests[at].date : requests[at].currency) {
                    throw problem(row.line, field, "\(field) differs from the invoice's first row (line \(firstRows[at]))")
                }
            } else {
                at = requests.count
                index[key] = at
                requests.append(SupplierInvoiceRequest(
                    company: value("company"), supplier: value("supplier"), number: value("number"), date: value("date"),
                    currency: value("currency"), lines: [], charges: []))
                lineRows.append([])
                chargeRows.append([])
                firstRows.append(row.line)
            }
            let hasLine = !value("order_line").isEmpty, hasCharge = !value("charge_kind").isEmpty
            guard hasLine || hasCharge else { throw problem(row.line, "order_line", "a row is an invoice line (order_line) or a charge (charge_kind)") }
            if hasLine {
                requests[at].lines.append(SupplierInvoiceRequest.Line(
                    plant: value("plant"), orderLine: value("order_line"), quantity: value("quantity"), unitPrice: value("unit_price")))
                lineRows[at].append(row.line)
            }
            if hasCharge {
                requests[at].charges?.append(SupplierInvoiceRequest.Charge(
                    kind: value("charge_kind"), amount: value("charge_amount"), rule: value("charge_rule")))
                chargeRows[at].append(row.line)
            }
        }
        for (at, request) in requests.enumerated() {
            do throws(InvoiceFlow.FieldProblem) {
                _ = try InvoiceFlow.draft(request)
            } catch {
                let line = error.line.map { lineRows[at][$0] } ?? error.charge.map { chargeRows[at][$0] } ?? firstRows[at]
                throw problem(line, column(error.field), error.detail)
            }
        }
        return requests
    }

    private static func column(_ field: String) -> String {
        switch field {
        case "orderLine", "lines": "order_line"
        case "unitPrice": "unit_price"
        case "kind": "charge_kind"
        case "amount": "charge_amount"
        case "rule": "charge_rule"
        default: field
        }
    }

    private static func problem(_ line: Int, _ field: String, _ detail: String) -> ProblemDetails {
        ProblemDetails(
            code: "invalid-import", title: "Invalid import", status: 422, detail: "row \(line): \(field): \(detail)", field: field,
            errors: [ProblemDetails.Item(line: line, field: field, detail: detail)])
    }
}
