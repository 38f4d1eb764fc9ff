import Foundation
import GantryCore
import GRDB

/// Supplier invoices on SQLite (the flow is `InvoiceFlow`'s; this is its SQL): read in the write transaction, matched
/// by `InvoiceMatch`, written with their postings through the ledger's writer in the same transaction.
extension SQLiteHubStore {
    public func submitInvoices(_ requests: [SupplierInvoiceRequest], enteredBy: String, at: Date) async throws -> [InvoiceSubmission] {
        try await pool.write { db in
            let masters = try self.ledgerMasters(in: db)
            var submissions: [InvoiceSubmission] = []
            for request in requests {
                let draft: InvoiceFlow.Draft
                do throws(InvoiceFlow.FieldProblem) { draft = try InvoiceFlow.draft(request) } catch { throw error.problem }
                let invoice = draft.invoice
                if let stored = try Self.invoiceHeader(invoice.company, invoice.supplier, invoice.number, in: db) {
                    guard stored.document == draft.document else { throw InvoiceFlow.conflict(draft) }
                    submissions.append(InvoiceSubmission(invoice: try Self.invoiceRecord(stored, in: db), created: false))
                    continue
                }
                let snapshot = try InvoiceFlow.snapshot(
                    draft, rows: try Self.invoiceOrderLines(draft, in: db), masters: masters, closed: try Self.closedPeriods(invoice.company, in: db))
                let status: String, reasons: [InvoiceMatch.HoldReason], entries: [JournalEntry]
                switch try InvoiceMatch.decide(invoice, snapshot: snapshot) {
                case .matched(let posted): (status, reasons, entries) = (InvoiceFlow.posted, [], posted)
                case .held(let why): (status, reasons, entries) = (InvoiceFlow.held, why, [])
                }
                try db.execute(sql: """
                    INSERT INTO supplier_invoices (company, supplier, number, invoice_date, currency, amount, status, reasons, document,
                                                   entered_by, entered_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [
                        invoice.company, invoice.supplier, invoice.number, invoice.date, invoice.currency.code, draft.amount, status,
                        InvoiceFlow.reasonsText(reasons), draft.document, enteredBy, Timestamp.format(at),
                    ])
                let line = try db.cachedStatement(sql: """
                    INSERT INTO supplier_invoice_lines (company, supplier, number, line_no, plant_id, purchase_order, line, quantity)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """)
                for (index, (value, plant)) in zip(invoice.lines, draft.plants).enumerated() {
                    let split = InvoiceFlow.orderLine(value.orderLine)!
                    try line.execute(arguments: [
                        invoice.company, invoice.supplier, invoice.number, index + 1, plant, split.order, split.line,
                        Quantity(decimal: value.quantity)?.micro ?? 0,
                    ])
                }
                try Self.write(InvoiceFlow.ledger(entries, of: draft, snapshot: snapshot), at: at, in: db)
                let stored = try Self.invoiceHeader(invoice.company, invoice.supplier, invoice.number, in: db)!
                submissions.append(InvoiceSubmission(invoice: try Self.invoiceRecord(stored, in: db), created: true))
            }
            return submissions
        }
    }

    public func supplierInvoice(company: String, supplier: String, number: String) async throws -> SupplierInvoiceRecord? {
        try await pool.read { db in
            try Self.invoiceHeader(company, supplier, number, in: db).map { try Self.invoiceRecord($0, in: db) }
        }
    }

    public func supplierInvoices(company: String, status: String?) async throws -> [SupplierInvoiceRecord] {
        try await pool.read { db in
            try InvoiceHeaderRow.fetchAll(db, sql: """
                SELECT \(InvoiceHeaderRow.columns) FROM supplier_invoices WHERE company = ? AND (? IS NULL OR status = ?)
                ORDER BY invoice_date, supplier, number
                """, arguments: [company, status, status]).map { try Self.invoiceRecord($0.header, in: db) }
        }
    }

    public func releaseInvoice(company: String, supplier: String, number: String, at: Date, audit: AuditDraft) async throws -> SupplierInvoiceRecord {
        try await pool.write { db in
            guard let stored = try Self.invoiceHeader(company, supplier, number, in: db) else {
                throw InvoiceFlow.notFound(company, supplier, number)
            }
            guard stored.status == InvoiceFlow.held else {
                throw InvoiceMatchRefusal(.notHeld, "invoice \(number) of \(supplier) is not held")
            }
            let draft = try InvoiceFlow.stored(stored.document)
            let snapshot = try InvoiceFlow.snapshot(
                draft, rows: try Self.invoiceOrderLines(draft, in: db), masters: try self.ledgerMasters(in: db),
                closed: try Self.closedPeriods(company, in: db))
            let entries = try InvoiceMatch.release(draft.invoice, snapshot: snapshot, enteredBy: stored.enteredBy, releasedBy: audit.actor)
            try db.execute(sql: """
                UPDATE supplier_invoices SET status = ?, released_by = ?, released_at = ? WHERE company = ? AND supplier = ? AND number = ?
                """, arguments: [InvoiceFlow.posted, audit.actor, Timestamp.format(at), company, supplier, number])
            try Self.write(InvoiceFlow.ledger(entries, of: draft, snapshot: snapshot), at: at, in: db)
            try Self.appendAudit(audit, at: at, in: db)
            return try Self.invoiceRecord(try Self.invoiceHeader(company, supplier, number, in: db)!, in: db)
        }
    }

    public func grniAgeing(company: String, at: String) async throws -> GRNIAgeingReport {
        try await pool.read { db in
            let receipts = try InvoiceReceiptRow.fetchAll(db, sql: """
                SELECT r.plant_id, r.purchase_order, r.line, l.supplier, l.item, l.price, l.currency, r.quantity, r.received_at, p.time_zone
                FROM supplier_receipts r
                JOIN supplier_order_lines l ON l.plant_id = r.plant_id AND l.purchase_order = r.purchase_order AND l.line = r.line
                JOIN plants p ON p.plant_id = r.plant_id
                WHERE p.company = ? ORDER BY r.plant_id, r.purchase_order, r.line, r.received_at, r.seq
                """, arguments: [company])
            let invoiced = try InvoicedLineRow.fetchAll(db, sql: """
                SELECT i.plant_id, i.purchase_order, i.line, sum(i.quantity) AS quantity FROM supplier_invoice_lines i
                JOIN supplier_invoices v ON v.company = i.company AND v.supplier = i.supplier AND v.number = i.number
                WHERE v.company = ? AND v.status = ? AND v.invoice_date <= ? GROUP BY i.plant_id, i.purchase_order, i.line
                """, arguments: [company, InvoiceFlow.posted, at])
            return try InvoiceReports.grniAgeing(
                company: company, at: at, receipts: receipts.map(\.row), invoiced: invoiced.map(\.row), masters: try self.ledgerMasters(in: db))
        }
    }

    static func invoiceHeader(_ company: String, _ supplier: String, _ number: String, in db: Database) throws -> InvoiceFlow.InvoiceHeader? {
        try InvoiceHeaderRow.fetchOne(db, sql: """
            SELECT \(InvoiceHeaderRow.columns) FROM supplier_invoices WHERE company = ? AND supplier = ? AND number = ?
            """, arguments: [company, supplier, number])?.header
    }

    static func invoiceRecord(_ header: InvoiceFlow.InvoiceHeader, in db: Database) throws -> SupplierInvoiceRecord {
        let reference = "\(header.company)/\(header.supplier)/\(header.number)"
        let entries = try LedgerEntryRow.fetchAll(db, sql: """
            SELECT \(LedgerEntryRow.columns) FROM journal_entries WHERE company = ? AND source_kind = 'invoice' AND reference = ?
            ORDER BY source_key
            """, arguments: [header.company, reference])
        let statement = try db.cachedStatement(sql: """
            SELECT \(LedgerLineRow.columns) FROM journal_lines WHERE company = ? AND source_key = ? ORDER BY line_no
            """)
        let postings = try entries.map { entry in
            entry.record(lines: try LedgerLineRow.fetchAll(statement, arguments: [header.company, entry.sourceKey]).map(\.line))
        }
        return try InvoiceFlow.record(header, postings: postings)
    }

    /// The company's order lines the draft names, with what is received and invoiced (posted invoices) of each.
    static func invoiceOrderLines(_ draft: InvoiceFlow.Draft, in db: Database) throws -> [InvoiceFlow.OrderLineRow] {
        let statement = try db.cachedStatement(sql: """
            SELECT l.plant_id, l.purchase_order, l.line, l.supplier, l.item, l.price, l.currency, l.quantity,
                   coalesce((SELECT sum(r.quantity) FROM supplier_receipts r
                             WHERE r.plant_id = l.plant_id AND r.purchase_order = l.purchase_order AND r.line = l.line), 0) AS received,
                   coalesce((SELECT sum(i.quantity) FROM supplier_invoice_lines i
                             JOIN supplier_invoices v ON v.company = i.company AND v.supplier = i.supplier AND v.number = i.number
                             WHERE i.plant_id = l.plant_id AND i.purchase_order = l.purchase_order AND i.line = l.line
                               AND v.status = 'posted'), 0) AS invoiced,
                   g.quantity AS grni_quantity, g.amount AS grni_amount, g.functional_amount AS grni_functional
            FROM supplier_order_lines l JOIN plants p ON p.plant_id = l.plant_id
            LEFT JOIN ledger_grni g ON g.plant_id = l.plant_id AND g.purchase_order = l.purchase_order AND g.line = l.line
            WHERE l.plant_id = ? AND l.purchase_order = ? AND l.line = ? AND p.company = ?
            """)
        var rows: [InvoiceFlow.OrderLineRow] = []
        for (line, plant) in InvoiceFlow.linePlants(draft) {
            guard let split = InvoiceFlow.orderLine(line) else { continue }
            if let row = try InvoiceOrderLineRow.fetchOne(statement, arguments: [plant, split.order, split.line, draft.invoice.company]) {
                rows.append(row.row)
            }
        }
        return rows
    }

    static func closedPeriods(_ company: String, in db: Database) throws -> Set<String> {
        Set(try String.fetchAll(db, sql: "SELECT period FROM ledger_periods WHERE company = ?", arguments: [company]))
    }
}
