import Foundation
import GantryCore

/// The supplier-invoice flow, written once for both databases: a request read into a draft (every field checked,
/// 422 naming it), the match's snapshot from what the store read inside its write transaction, and the rows the
/// decision writes. The store reads, asks `InvoiceMatch`, and writes the invoice and its postings in one transaction.
enum InvoiceFlow {
    /// A checked invoice, ready for the match: the Core invoice, the plant of each line and the request as
    /// stored (canonical JSON: a resent invoice is the same when this is).
    struct Draft: Sendable {
        var request: SupplierInvoiceRequest
        var invoice: InvoiceMatch.Invoice
        var plants: [String]
        var document: String
        /// Lines and charges in minor units of the currency.
        var amount: Int64
    }

    /// A field of a request at fault: of its `line`-th line or `charge`-th charge (from 0), or of the invoice.
    struct FieldProblem: Error, Sendable {
        var line: Int?
        var charge: Int?
        var field: String
        var detail: String

        /// The problem of a JSON request, naming the member's path.
        var problem: ProblemDetails {
            let path = line.map { "lines[\($0)].\(field)" } ?? charge.map { "charges[\($0)].\(field)" } ?? field
            return ProblemDetails(code: "invalid-invoice", title: "Invalid invoice", status: 422, detail: "\(path): \(detail)", field: path)
        }
    }

    /// A purchase order line of the company as the store read it: what was ordered at which price, received (net of
    /// returns) and invoiced on posted invoices, in millionths.
    struct OrderLineRow: Sendable {
        var plant: String
        var order: String
        var line: Int
        var supplier: String
        var item: String
        var price: String?
        var currency: String?
        var ordered: Int64
        var received: Int64
        var invoiced: Int64
        /// What `ledger_grni` keeps for the line (nil: nothing kept).
        var grni: GRNIBalance?
    }

    static let held = "held", posted = "posted"

    /// Reads `request` into a draft, or names the first field at fault.
    static func draft(_ request: SupplierInvoiceRequest) throws(FieldProblem) -> Draft {
        func fail(_ field: String, _ detail: String, line: Int? = nil, charge: Int? = nil) -> FieldProblem {
            FieldProblem(line: line, charge: charge, field: field, detail: detail)
        }
        guard let company = try? PlantIdentity(company: request.company, code: "0").company, company == request.company else {
            throw fail("company", "a company code of 1 to 16 letters or digits, got \"\(request.company)\"")
        }
        if let problem = MasterKey.problem(request.supplier) { throw fail("supplier", problem) }
        let number = request.number
        guard !number.trimmingCharacters(in: .whitespaces).isEmpty, number.count <= 64,
              !number.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw fail("number", "an invoice number of 1 to 64 printable characters")
        }
        guard DemandInstruction.day(request.date) != nil else { throw fail("date", "a date YYYY-MM-DD, got \"\(request.date)\"") }
        guard let currency = CurrencyCode(code: request.currency) else {
            throw fail("currency", "an ISO 4217 currency code, got \"\(request.currency)\"")
        }
        guard !request.lines.isEmpty, request.lines.count <= 1000 else { throw fail("lines", "an invoice has 1 to 1000 lines") }
        var lines: [InvoiceMatch.Invoice.Line] = [], plants: [String] = [], normal = request
        var plantOf: [String: String] = [:]
        var amount: Decimal = 0
        for (index, line) in request.lines.enumerated() {
            guard line.plant.hasPrefix(company + "-"), line.plant.count <= 40 else {
                throw fail("plant", "a plant of company \(company), got \"\(line.plant)\"", line: index)
            }
            guard orderLine(line.orderLine) != nil else {
                throw fail("orderLine", "a purchase order line ORDER/LINE, got \"\(line.orderLine)\"", line: index)
            }
            if let other = plantOf[line.orderLine], other != line.plant {
                throw fail("orderLine", "\(line.orderLine) is invoiced at \(other) already: one invoice names a line at one plant", line: index)
            }
            plantOf[line.orderLine] = line.plant
            guard let quantity = DecimalText.parse(line.quantity), quantity > 0, Quantity(decimal: quantity) != nil else {
                throw fail("quantity", "a quantity above zero with at most six decimals, got \"\(line.quantity)\"", line: index)
            }
            guard let price = DecimalText.parse(line.unitPrice), price >= 0 else {
                throw fail("unitPrice", "a price of zero or more, got \"\(line.unitPrice)\"", line: index)
            }
            lines.append(InvoiceMatch.Invoice.Line(orderLine: line.orderLine, quantity: quantity, unitPrice: price))
            plants.append(line.plant)
            normal.lines[index].quantity = "\(quantity)"
            normal.lines[index].unitPrice = "\(price)"
            amount += rounded(price * quantity, currency)
        }
        var charges: [LandedCost.Charge] = []
        for (index, charge) in (request.charges ?? []).enumerated() {
            guard let kind = LandedCost.Kind(rawValue: charge.kind) else {
                throw fail("kind", "freight, duty or insurance, got \"\(charge.kind)\"", charge: index)
            }
            guard let rule = LandedCost.Rule(rawValue: charge.rule) else {
                throw fail("rule", "quantity, value or weight, got \"\(charge.rule)\"", charge: index)
            }
            guard let value = DecimalText.parse(charge.amount), value > 0 else {
                throw fail("amount", "an amount above zero, got \"\(charge.amount)\"", charge: index)
            }
            charges.append(LandedCost.Charge(kind: kind, amount: value, rule: rule))
            normal.charges?[index].amount = "\(value)"
            amount += rounded(value, currency)
        }
        normal.charges = normal.charges ?? []
        guard let minor = Money(amount: amount, currency: currency).minorUnits else {
            throw fail("lines", "the invoice's amount \(amount) is beyond the ledger")
        }
        let invoice = InvoiceMatch.Invoice(
            id: "\(company)/\(request.supplier)/\(number)", company: company, supplier: request.supplier, number: number, date: request.date,
            currency: currency, lines: lines, charges: charges)
        return Draft(request: normal, invoice: invoice, plants: plants, document: canonical(normal), amount: minor)
    }

    /// A stored invoice's document read back into its draft.
    static func stored(_ document: String) throws -> Draft {
        let request = try JSONDecoder().decode(SupplierInvoiceRequest.self, from: Data(document.utf8))
        do throws(FieldProblem) { return try draft(request) } catch { throw error.problem }
    }

    /// Each `ORDER/LINE` the draft names once, with its plant, in order.
    static func linePlants(_ draft: Draft) -> [(line: String, plant: String)] {
        var plants: [String: String] = [:]
        for (line, plant) in zip(draft.invoice.lines.map(\.orderLine), draft.plants) { plants[line] = plant }
        return plants.sorted { $0.key < $1.key }.map { (line: $0.key, plant: $0.value) }
    }

    /// `ORDER/LINE` split, or nil when it is not one.
    static func orderLine(_ text: String) -> (order: String, line: Int)? {
        guard let slash = text.lastIndex(of: "/"), let line = Int(text[text.index(after: slash)...]), line > 0, line <= Int(Int32.max)
        else { return nil }
        let order = String(text[..<slash])
        guard !order.isEmpty, order.count <= 64 else { return nil }
        return (order, line)
    }

    /// What the match reads: the company's books and tolerance, its order lines the invoice names (a line of
    /// another company's plant, or without a price, is not there: the match holds it as unknown), and the daily rate.
    static func snapshot(_ draft: Draft, rows: [OrderLineRow], masters: LedgerMasters, closed: Set<String>) throws -> InvoiceMatch.Snapshot {
        let invoice = draft.invoice
        guard let books = masters.books(invoice.company, closed: closed) else {
            throw AccountingRefusal(.unknownCompany, "company \(invoice.company) keeps no books at the hub (no company master or no fiscal period)")
        }
        var lines: [String: InvoiceMatch.OrderLine] = [:]
        for row in rows {
            guard let price = LedgerPosting.price(row.price, currency: row.currency) else { continue }
            let key = "\(row.order)/\(row.line)"
            lines[key] = InvoiceMatch.OrderLine(
                line: key, supplier: row.supplier, item: row.item, ordered: Quantity(micro: row.ordered).decimal, price: price,
                receivedNotInvoiced: Quantity(micro: max(0, row.received - row.invoiced)).decimal,
                unitWeight: masters.unitWeight(CompanyItem(company: invoice.company, item: row.item)), grni: row.grni)
        }
        let rate = invoice.currency == books.functionalCurrency
            ? nil : try? masters.rates.daily(from: invoice.currency, to: books.functionalCurrency, on: invoice.date)
        return InvoiceMatch.Snapshot(
            books: books, tolerancePercent: masters.companies[invoice.company]?.matchTolerancePercent ?? 0, orderLines: lines, rate: rate)
    }

    /// The ledger rows of posted entries (balances kept as on apply), with what they take out of GRNI per order line
    /// (nothing for a held invoice: no entries).
    static func ledger(_ entries: [JournalEntry], of draft: Draft, snapshot: InvoiceMatch.Snapshot) throws -> LedgerWrite {
        var outcome = PostingOutcome()
        outcome.entries = entries
        if !entries.isEmpty {
            let plants = Dictionary(linePlants(draft).map { ($0.line, $0.plant) }, uniquingKeysWith: { first, _ in first })
            outcome.grni = try InvoiceMatch.grniCleared(draft.invoice, snapshot: snapshot).sorted { $0.key < $1.key }.compactMap { line, taken in
                plants[line].map { GRNIChange(company: draft.invoice.company, line: PlantOrderLine(plant: $0, line: line), change: GRNIBalance() - taken) }
            }
        }
        return LedgerWrite(outcome)
    }

    /// Hold reasons as stored.
    static func reasonsText(_ reasons: [InvoiceMatch.HoldReason]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(reasons)).flatMap { String(data: $0, encoding: .utf8) } ?? "[]"
    }

    static func reasons(_ text: String) -> [InvoiceMatch.HoldReason] {
        (try? JSONDecoder().decode([InvoiceMatch.HoldReason].self, from: Data(text.utf8))) ?? []
    }

    /// 409: another invoice under the same company, supplier and number.
    static func conflict(_ draft: Draft) -> ProblemDetails {
        let invoice = draft.invoice
        return ProblemDetails(code: "invoice-conflict", title: "Conflict", status: 409,
                              detail: "invoice \(invoice.number) of \(invoice.supplier) is stored already with other content")
    }

    static func notFound(_ company: String, _ supplier: String, _ number: String) -> ProblemDetails {
        ProblemDetails(code: "not-found", title: "Not found", status: 404, detail: "no invoice \(number) of \(supplier) at company \(company)")
    }

    /// The record of a stored invoice.
    static func record(_ header: InvoiceHeader, postings: [JournalEntryRecord]) throws -> SupplierInvoiceRecord {
        let request = try JSONDecoder().decode(SupplierInvoiceRequest.self, from: Data(header.document.utf8))
        let exponent = CurrencyCode(code: header.currency)?.minorUnitExponent ?? 2
        return SupplierInvoiceRecord(
            company: header.company, supplier: header.supplier, number: header.number, date: header.date, currency: header.currency,
            amount: MinorUnits.major(header.amount, exponent), status: header.status, dueDate: header.date, lines: request.lines,
            charges: request.charges ?? [], reasons: reasons(header.reasons), enteredBy: header.enteredBy, enteredAt: header.enteredAt,
            releasedBy: header.releasedBy, releasedAt: header.releasedAt, postings: postings)
    }

    /// A stored invoice's row, read alike on both databases.
    struct InvoiceHeader: Sendable {
        var company, supplier, number, date, currency: String
        var amount: Int64
        var status, reasons, document, enteredBy: String
        var enteredAt: Date
        var releasedBy: String?
        var releasedAt: Date?
    }

    private static func rounded(_ amount: Decimal, _ currency: CurrencyCode) -> Decimal {
        Money(amount: amount, currency: currency).roundedToMinorUnit().amount
    }

    private static func canonical(_ request: SupplierInvoiceRequest) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(request)).flatMap { String(data: $0, encoding: .utf8) } ?? ""
    }
}
