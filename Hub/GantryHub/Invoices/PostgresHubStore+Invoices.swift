import Foundation
import GantryCore
import PostgresNIO

/// Supplier invoices on PostgreSQL (the flow is `InvoiceFlow`'s; this is its SQL). Storing or releasing an invoice
/// takes the company's ledger lock, as posting on apply does, so what is received and invoiced of a line cannot
/// change between the read and the write.
extension PostgresHubStore {
    public func submitInvoices(_ requests: [SupplierInvoiceRequest], enteredBy: String, at: Date) async throws -> [InvoiceSubmission] {
        var drafts: [InvoiceFlow.Draft] = []
        for request in requests {
            do throws(InvoiceFlow.FieldProblem) { drafts.append(try InvoiceFlow.draft(request)) } catch { throw error.problem }
        }
        let checked = drafts
        return try await transaction { [logger] connection in
            for company in Set(checked.map(\.invoice.company)).sorted() {
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.ledgerLock), hashtext(\(company)))", logger: logger)
            }
            let masters = try await self.ledgerMasters(in: connection, logger: logger)
            var submissions: [InvoiceSubmission] = []
            for draft in checked {
                let invoice = draft.invoice
                if let stored = try await Self.invoiceHeader(invoice.company, invoice.supplier, invoice.number, in: connection, logger: logger) {
                    guard stored.document == draft.document else { throw InvoiceFlow.conflict(draft) }
                    submissions.append(InvoiceSubmission(
                        invoice: try await Self.invoiceRecord(stored, in: connection, logger: logger), created: false))
                    continue
                }
                let snapshot = try InvoiceFlow.snapshot(
                    draft, rows: try await Self.invoiceOrderLines(draft, in: connection, logger: logger), masters: masters,
                    closed: try await Self.closedPeriods(invoice.company, in: connection, logger: logger))
                let status: String, reasons: [InvoiceMatch.HoldReason], entries: [JournalEntry]
                switch try InvoiceMatch.decide(invoice, snapshot: snapshot) {
                case .matched(let posted): (status, reasons, entries) = (InvoiceFlow.posted, [], posted)
                case .held(let why): (status, reasons, entries) = (InvoiceFlow.held, why, [])
                }
                try await connection.query("""
                    INSERT INTO supplier_invoices (company, supplier, number, invoice_date, currency, amount, status, reasons, document,
                                                   entered_by, entered_at)
                    VALUES (\(invoice.company), \(invoice.supplier), \(invoice.number), \(invoice.date), \(invoice.currency.code),
                            \(draft.amount), \(status), \(InvoiceFlow.reasonsText(reasons)), \(draft.document), \(enteredBy), \(at))
                    """, logger: logger)
                let splits = invoice.lines.map { InvoiceFlow.orderLine($0.orderLine)! }
                try await connection.query("""
                    INSERT INTO supplier_invoice_lines (company, supplier, number, line_no, plant_id, purchase_order, line, quantity)
                    SELECT \(invoice.company), \(invoice.supplier), \(invoice.number), * FROM unnest(
                        \(invoice.lines.indices.map { Int64($0 + 1) }), \(draft.plants), \(splits.map(\.order)), \(splits.map { Int64($0.line) }),
                        \(invoice.lines.map { Quantity(decimal: $0.quantity)?.micro ?? 0 }))
                    """, logger: logger)
                try await Self.write(InvoiceFlow.ledger(entries, of: draft, snapshot: snapshot), at: at, in: connection, logger: logger)
                let stored = try await Self.invoiceHeader(invoice.company, invoice.supplier, invoice.number, in: connection, logger: logger)!
                submissions.append(InvoiceSubmission(invoice: try await Self.invoiceRecord(stored, in: connection, logger: logger), created: true))
            }
            return submissions
        }
    }

    public func supplierInvoice(company: String, supplier: String, number: String) async throws -> SupplierInvoiceRecord? {
        try await run { [logger] connection in
            guard let stored = try await Self.invoiceHeader(company, supplier, number, in: connection, logger: logger) else { return nil }
            return try await Self.invoiceRecord(stored, in: connection, logger: logger)
        }
    }

    public func supplierInvoices(company: String, status: String?) async throws -> [SupplierInvoiceRecord] {
        try await run { [logger] connection in
            let headers = try await Self.invoiceHeaders(
                try await connection.query("""
                    SELECT \(unescaped: Self.invoiceColumns) FROM supplier_invoices
                    WHERE company = \(company) AND (\(status)::text IS NULL OR status = \(status))
                    ORDER BY invoice_date, supplier COLLATE "C", number COLLATE "C"
                    """, logger: logger))
            var records: [SupplierInvoiceRecord] = []
            for header in headers { records.append(try await Self.invoiceRecord(header, in: connection, logger: logger)) }
            return records
        }
    }

    public func releaseInvoice(company: String, supplier: String, number: String, at: Date, audit: AuditDraft) async throws -> SupplierInvoiceRecord {
        try await transaction { [logger] connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.ledgerLock), hashtext(\(company)))", logger: logger)
            guard let stored = try await Self.invoiceHeader(company, supplier, number, in: connection, logger: logger) else {
                throw InvoiceFlow.notFound(company, supplier, number)
            }
            guard stored.status == InvoiceFlow.held else {
                throw InvoiceMatchRefusal(.notHeld, "invoice \(number) of \(supplier) is not held")
            }
            let draft = try InvoiceFlow.stored(stored.document)
            let snapshot = try InvoiceFlow.snapshot(
                draft, rows: try await Self.invoiceOrderLines(draft, in: connection, logger: logger),
                masters: try await self.ledgerMasters(in: connection, logger: logger),
                closed: try await Self.closedPeriods(company, in: connection, logger: logger))
            let entries = try InvoiceMatch.release(draft.invoice, snapshot: snapshot, enteredBy: stored.enteredBy, releasedBy: audit.actor)
            try await connection.query("""
                UPDATE supplier_invoices SET status = \(InvoiceFlow.posted), released_by = \(audit.actor), released_at = \(at)
                WHERE company = \(company) AND supplier = \(supplier) AND number = \(number)
                """, logger: logger)
            try await Self.write(InvoiceFlow.ledger(entries, of: draft, snapshot: snapshot), at: at, in: connection, logger: logger)
            try await Self.appendAudit(audit, at: at, in: connection, logger: logger)
            let released = try await Self.invoiceHeader(company, supplier, number, in: connection, logger: logger)!
            return try await Self.invoiceRecord(released, in: connection, logger: logger)
        }
    }

    public func grniAgeing(company: String, at: String) async throws -> GRNIAgeingReport {
        try await run { [logger] connection in
            var receipts: [InvoiceReports.ReceiptRow] = []
            for try await (plant, order, line, supplier, item, price, currency, quantity, received, zone) in try await connection.query("""
                SELECT r.plant_id, r.purchase_order, r.line::bigint, l.supplier, l.item, l.price, l.currency, r.quantity::bigint, r.received_at,
                       p.time_zone
                FROM supplier_receipts r
                JOIN supplier_order_lines l ON l.plant_id = r.plant_id AND l.purchase_order = r.purchase_order AND l.line = r.line
                JOIN plants p ON p.plant_id = r.plant_id
                WHERE p.company = \(company) ORDER BY r.plant_id, r.purchase_order, r.line, r.received_at, r.seq
                """, logger: logger).decode((String, String, Int64, String, String, String?, String?, Int64, Date, String).self) {
                receipts.append(InvoiceReports.ReceiptRow(
                    plant: plant, order: order, line: Int(line), supplier: supplier, item: item, price: price, currency: currency,
                    quantity: quantity, receivedAt: received, timeZone: zone))
            }
            var invoiced: [InvoiceReports.InvoicedRow] = []
            for try await (plant, order, line, quantity) in try await connection.query("""
                SELECT i.plant_id, i.purchase_order, i.line, sum(i.quantity)::bigint FROM supplier_invoice_lines i
                JOIN supplier_invoices v ON v.company = i.company AND v.supplier = i.supplier AND v.number = i.number
                WHERE v.company = \(company) AND v.status = \(InvoiceFlow.posted) AND v.invoice_date <= \(at)
                GROUP BY i.plant_id, i.purchase_order, i.line
                """, logger: logger).decode((String, String, Int64, Int64).self) {
                invoiced.append(InvoiceReports.InvoicedRow(plant: plant, order: order, line: Int(line), quantity: quantity))
            }
            return try InvoiceReports.grniAgeing(
                company: company, at: at, receipts: receipts, invoiced: invoiced, masters: try await self.ledgerMasters(in: connection, logger: logger))
        }
    }

    static func closedPeriods(_ company: String, in connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
        var closed = Set<String>()
        for try await period in try await connection.query(
            "SELECT period FROM ledger_periods WHERE company = \(company)", logger: logger
        ).decode(String.self) {
            closed.insert(period)
        }
        return closed
    }

    static let invoiceColumns = """
        company, supplier, number, invoice_date, currency, amount, status, reasons, document, entered_by, entered_at, released_by,
        released_at
        """

    static func invoiceHeaders(_ rows: PostgresRowSequence) async throws -> [InvoiceFlow.InvoiceHeader] {
        var headers: [InvoiceFlow.InvoiceHeader] = []
        for try await (company, supplier, number, date, currency, amount, status, reasons, document, enteredBy, enteredAt, releasedBy, releasedAt)
            in rows.decode((String, String, String, String, String, Int64, String, String, String, String, Date, String?, Date?).self) {
            headers.append(InvoiceFlow.InvoiceHeader(
                company: company, supplier: supplier, number: number, date: date, currency: currency, amount: amount, status: status,
                reasons: reasons, document: document, enteredBy: enteredBy, enteredAt: enteredAt, releasedBy: releasedBy, releasedAt: releasedAt))
        }
        return headers
    }

    static func invoiceHeader(
        _ company: String, _ supplier: String, _ number: String, in connection: PostgresConnection, logger: Logger
    ) async throws -> InvoiceFlow.InvoiceHeader? {
        try await invoiceHeaders(try await connection.query("""
            SELECT \(unescaped: invoiceColumns) FROM supplier_invoices WHERE company = \(company) AND supplier = \(supplier) AND number = \(number)
            """, logger: logger)).first
    }

    static func invoiceRecord(_ header: InvoiceFlow.InvoiceHeader, in connection: PostgresConnection, logger: Logger) async throws -> SupplierInvoiceRecord {
        let reference = "\(header.company)/\(header.supplier)/\(header.number)"
        var entries: [JournalEntryRecord] = []
        for try await (key, kind, date, period, original, note, currency, functional, posted) in try await connection.query("""
            SELECT source_key, kind, posting_date, period, original_date, note, transaction_currency, functional_currency, posted_at
            FROM journal_entries WHERE company = \(header.company) AND source_kind = 'invoice' AND reference = \(reference)
            ORDER BY source_key COLLATE "C"
            """, logger: logger).decode((String, String, String, String, String?, String?, String, String, Date).self) {
            entries.append(JournalEntryRecord(
                company: header.company, sourceKey: key, kind: kind, plant: nil, sequence: nil, postingDate: date, period: period,
                originalDate: original, note: note, transactionCurrency: currency, functionalCurrency: functional, postedAt: posted, lines: []))
        }
        if !entries.isEmpty {
            var lines: [String: [JournalLine]] = [:]
            for try await (key, account, amount, functionalAmount, item, quantity, partner, customer) in try await connection.query("""
                SELECT source_key, account, amount, functional_amount, item, quantity, trading_partner, customer FROM journal_lines
                WHERE company = \(header.company) AND source_key = ANY(\(entries.map(\.sourceKey))) ORDER BY source_key, line_no
                """, logger: logger).decode((String, String, Int64, Int64, String?, Int64?, String?, String?).self) {
                lines[key, default: []].append(JournalLine(
                    account: account, amount: amount, functionalAmount: functionalAmount, item: item, quantity: quantity,
                    tradingPartner: partner, customer: customer))
            }
            for index in entries.indices { entries[index].lines = lines[entries[index].sourceKey] ?? [] }
        }
        return try InvoiceFlow.record(header, postings: entries)
    }

    /// The company's order lines the draft names, with what is received and invoiced (posted invoices) of each.
    static func invoiceOrderLines(_ draft: InvoiceFlow.Draft, in connection: PostgresConnection, logger: Logger) async throws -> [InvoiceFlow.OrderLineRow] {
        var rows: [InvoiceFlow.OrderLineRow] = []
        for (orderLine, plant) in InvoiceFlow.linePlants(draft) {
            guard let split = InvoiceFlow.orderLine(orderLine) else { continue }
            for try await (supplier, item, price, currency, ordered, received, invoiced, grni, amount, functional) in try await connection.query("""
                SELECT l.supplier, l.item, l.price, l.currency, l.quantity::bigint,
                       coalesce((SELECT sum(r.quantity) FROM supplier_receipts r
                                 WHERE r.plant_id = l.plant_id AND r.purchase_order = l.purchase_order AND r.line = l.line), 0)::bigint,
                       coalesce((SELECT sum(i.quantity) FROM supplier_invoice_lines i
                                 JOIN supplier_invoices v ON v.company = i.company AND v.supplier = i.supplier AND v.number = i.number
                                 WHERE i.plant_id = l.plant_id AND i.purchase_order = l.purchase_order AND i.line = l.line
                                   AND v.status = 'posted'), 0)::bigint,
                       g.quantity, g.amount, g.functional_amount
                FROM supplier_order_lines l JOIN plants p ON p.plant_id = l.plant_id
                LEFT JOIN ledger_grni g ON g.plant_id = l.plant_id AND g.purchase_order = l.purchase_order AND g.line = l.line
                WHERE l.plant_id = \(plant) AND l.purchase_order = \(split.order) AND l.line = \(Int64(split.line))
                  AND p.company = \(draft.invoice.company)
                """, logger: logger).decode((String, String, String?, String?, Int64, Int64, Int64, Int64?, Int64?, Int64?).self) {
                rows.append(InvoiceFlow.OrderLineRow(
                    plant: plant, order: split.order, line: split.line, supplier: supplier, item: item, price: price, currency: currency,
                    ordered: ordered, received: received, invoiced: invoiced,
                    grni: grni.map { GRNIBalance(quantity: $0, amount: amount ?? 0, functional: functional ?? 0) }))
            }
        }
        return rows
    }
}
