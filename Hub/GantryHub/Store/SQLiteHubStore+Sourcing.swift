import Foundation
import GantryCore
import GRDB

extension SQLiteHubStore {
    public func supplierPerformance(company: String?, from: Date, to: Date, scope: CompanyScope) async throws -> SupplierPerformance {
        // Every query joins the plant and keeps to the principal's companies. A line belongs to a scorecard by its
        // due date, so one entered after the window but due in it is read too (?3 to ?4: its possible due days).
        // The bare ? of the company list are numbered after ?4 in the line queries and after ?2 in the other.
        var scoped = "(?2 IS NULL OR p.company = ?2)"
        var arguments: StatementArguments = [Timestamp.format(to), company]
        let due = SupplierRows.dueDays(from: from, to: to)
        var lineArguments: StatementArguments = [Timestamp.format(to), company, due.first, due.last]
        let companies = SQLiteCompanyFilter(scope, column: "p.company")
        scoped += companies.and
        arguments += companies.arguments
        lineArguments += companies.arguments
        let filter = scoped, values = arguments, lineValues = lineArguments
        let lineWindow = "(l.ordered_at < ?1 OR (l.due >= ?3 AND l.due <= ?4))"
        return try await pool.read { db in
            let lines = try LineRow.fetchAll(db, sql: """
                SELECT l.*, p.company, p.time_zone FROM supplier_order_lines l JOIN plants p ON p.plant_id = l.plant_id
                WHERE \(lineWindow) AND \(filter) ORDER BY l.plant_id, l.purchase_order, l.line
                """, arguments: lineValues).map(\.record)
            let receipts = try ReceiptRow.fetchAll(db, sql: """
                SELECT r.plant_id, r.purchase_order, r.line, r.quantity, r.received_at FROM supplier_receipts r
                JOIN supplier_order_lines l ON l.plant_id = r.plant_id AND l.purchase_order = r.purchase_order AND l.line = r.line
                JOIN plants p ON p.plant_id = r.plant_id
                WHERE \(lineWindow) AND \(filter) ORDER BY r.plant_id, r.seq
                """, arguments: lineValues).map(\.record)
            let nonconformances = try NonconformanceRow.fetchAll(db, sql: """
                SELECT n.*, p.company FROM supplier_nonconformances n JOIN plants p ON p.plant_id = n.plant_id
                WHERE n.opened_at < ?1 AND \(filter) ORDER BY n.plant_id, n.seq
                """, arguments: values).map(\.record)
            return SupplierRows.performance(lines: lines, receipts: receipts, nonconformances: nonconformances)
        }
    }

    /// Projects the sourcing events the hub kept before it had this projection: run once, by the migration that
    /// adds its tables, plant by plant in log order as the plants' batches would have been.
    static func projectKeptSourcing(_ db: Database) throws {
        try forEachKeptRun(db, types: EventProjection.SourcingFacts.eventTypes, statuses: ["applied"]) { plant, run in
            try EventApplier(db: db, plant: plant, receivedAt: "").apply(EventProjection(run).sourcing)
        }
    }

    /// Hands the kept events of `types` with one of `statuses` to `body`, plant by plant in log order, in runs of
    /// at most 10 000 (for migrations that project what the hub kept before they existed).
    static func forEachKeptRun(
        _ db: Database, types: [String], statuses: [String], _ body: (_ plant: String, _ run: [EventEnvelope]) throws -> Void
    ) throws {
        let rows = try KeptEventRow.fetchCursor(db, sql: """
            SELECT plant_id, seq, event_id, type, schema_version, occurred_at, recorded_at, payload FROM events
            WHERE status IN (\(Array(repeating: "?", count: statuses.count).joined(separator: ", ")))
              AND type IN (\(Array(repeating: "?", count: types.count).joined(separator: ", ")))
            ORDER BY plant_id, seq
            """, arguments: StatementArguments(statuses + types))
        var plant = "", run: [EventEnvelope] = []
        func flush() throws {
            if !run.isEmpty { try body(plant, run) }
            run.removeAll(keepingCapacity: true)
        }
        while let row = try rows.next() {
            if row.plantID != plant || run.count == 10_000 {
                try flush()
                plant = row.plantID
            }
            run.append(try row.event.envelope())
        }
        try flush()
    }

    /// A kept event with its plant (for `forEachKeptRun`).
    private struct KeptEventRow: Decodable, FetchableRecord {
        var plantID: String
        var event: EventRow

        enum CodingKeys: String, CodingKey { case plantID = "plant_id" }

        init(from decoder: any Decoder) throws {
            plantID = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .plantID)
            event = try EventRow(from: decoder)
        }
    }

    /// A purchase order line with its plant's company and time zone.
    private struct LineRow: Decodable, FetchableRecord {
        var plantID: String
        var company: String
        var timeZone: String
        var purchaseOrder: String
        var line: Int
        var supplier: String
        var item: String
        var quantity: Int64
        var price: String?
        var currency: String?
        var orderedAt: String
        var due: String?
        var confirmedAt: String?
        var confirmedDue: String?
        var confirmedQuantity: Int64?

        enum CodingKeys: String, CodingKey {
            case plantID = "plant_id", company, timeZone = "time_zone", purchaseOrder = "purchase_order", line, supplier, item
            case quantity, price, currency, orderedAt = "ordered_at", due, confirmedAt = "confirmed_at"
            case confirmedDue = "confirmed_due", confirmedQuantity = "confirmed_quantity"
        }

        var record: SupplierLineRecord {
            SupplierLineRecord(
                plant: plantID, company: company, timeZone: timeZone, order: purchaseOrder, line: line, supplier: supplier,
                item: item, quantity: Quantity(micro: quantity), price: price.flatMap(DecimalText.parse), currency: currency,
                orderedAt: Timestamp.parse(orderedAt) ?? .distantPast, due: due, confirmedAt: confirmedAt.flatMap(Timestamp.parse),
                confirmedDue: confirmedDue, confirmedQuantity: confirmedQuantity.map(Quantity.init(micro:)), receipts: [])
        }
    }

    /// A receipt (or return) against a line.
    private struct ReceiptRow: Decodable, FetchableRecord {
        var plantID: String
        var purchaseOrder: String
        var line: Int
        var quantity: Int64
        var receivedAt: String

        enum CodingKeys: String, CodingKey {
            case plantID = "plant_id", purchaseOrder = "purchase_order", line, quantity, receivedAt = "received_at"
        }

        var record: SupplierRows.Receipt {
            SupplierRows.Receipt(
                plant: plantID, order: purchaseOrder, line: line,
                receipt: .init(at: Timestamp.parse(receivedAt) ?? .distantPast, quantity: Quantity(micro: quantity)))
        }
    }

    /// A nonconformance against a supplier with its plant's company.
    private struct NonconformanceRow: Decodable, FetchableRecord {
        var plantID: String
        var company: String
        var supplier: String
        var item: String
        var quantity: Int64
        var openedAt: String

        enum CodingKeys: String, CodingKey { case plantID = "plant_id", company, supplier, item, quantity, openedAt = "opened_at" }

        var record: SupplierNonconformanceRecord {
            SupplierNonconformanceRecord(
                plant: plantID, company: company, supplier: supplier, item: item, quantity: Quantity(micro: quantity),
                openedAt: Timestamp.parse(openedAt) ?? .distantPast)
        }
    }
}
