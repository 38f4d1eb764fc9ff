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
        if let companies = scope.companies {
            scoped += " AND p.company IN (\(Array(repeating: "?", count: companies.count).joined(separator: ", ")))"
            arguments += StatementArguments(companies.sorted())
            lineArguments += StatementArguments(companies.sorted())
        }
        let filter = scoped, values = arguments, lineValues = lineArguments
        let lineWindow = "(l.ordered_at < ?1 OR (l.due >= ?3 AND l.due <= ?4))"
        return try await pool.read { db in
            let lines = try Row.fetchAll(db, sql: """
                SELECT l.*, p.company, p.time_zone FROM supplier_order_lines l JOIN plants p ON p.plant_id = l.plant_id
                WHERE \(lineWindow) AND \(filter) ORDER BY l.plant_id, l.purchase_order, l.line
                """, arguments: lineValues).map(Self.supplierLine)
            let receipts = try Row.fetchAll(db, sql: """
                SELECT r.plant_id, r.purchase_order, r.line, r.quantity, r.received_at FROM supplier_receipts r
                JOIN supplier_order_lines l ON l.plant_id = r.plant_id AND l.purchase_order = r.purchase_order AND l.line = r.line
                JOIN plants p ON p.plant_id = r.plant_id
                WHERE \(lineWindow) AND \(filter) ORDER BY r.plant_id, r.seq
                """, arguments: lineValues).map { row in
                SupplierRows.Receipt(
                    plant: row["plant_id"], order: row["purchase_order"], line: row["line"],
                    receipt: .init(at: Timestamp.parse(row["received_at"]) ?? .distantPast, quantity: Quantity(micro: row["quantity"])))
            }
            let nonconformances = try Row.fetchAll(db, sql: """
                SELECT n.*, p.company FROM supplier_nonconformances n JOIN plants p ON p.plant_id = n.plant_id
                WHERE n.opened_at < ?1 AND \(filter) ORDER BY n.plant_id, n.seq
                """, arguments: values).map { row in
                SupplierNonconformanceRecord(
                    plant: row["plant_id"], company: row["company"], supplier: row["supplier"], item: row["item"],
                    quantity: Quantity(micro: row["quantity"]), openedAt: Timestamp.parse(row["opened_at"]) ?? .distantPast)
            }
            return SupplierRows.performance(lines: lines, receipts: receipts, nonconformances: nonconformances)
        }
    }

    /// Projects the sourcing events the hub kept before it had this projection: run once, by the migration that
    /// adds its tables, plant by plant in log order as the plants' batches would have been.
    static func projectKeptSourcing(_ db: Database) throws {
        let types = EventProjection.SourcingFacts.eventTypes
        let rows = try Row.fetchCursor(db, sql: """
            SELECT plant_id, seq, event_id, type, schema_version, occurred_at, recorded_at, payload FROM events
            WHERE status = 'applied' AND type IN (\(Array(repeating: "?", count: types.count).joined(separator: ", ")))
            ORDER BY plant_id, seq
            """, arguments: StatementArguments(types))
        var plant = "", run: [EventEnvelope] = []
        func flush() throws {
            if !run.isEmpty { try EventApplier(db: db, plant: plant, receivedAt: "").apply(EventProjection(run).sourcing) }
            run.removeAll(keepingCapacity: true)
        }
        while let row = try rows.next() {
            let rowPlant: String = row["plant_id"]
            if rowPlant != plant || run.count == 10_000 {
                try flush()
                plant = rowPlant
            }
            run.append(try storedEnvelope(row))
        }
        try flush()
    }

    private static func supplierLine(_ row: Row) -> SupplierLineRecord {
        SupplierLineRecord(
            plant: row["plant_id"], company: row["company"], timeZone: row["time_zone"], order: row["purchase_order"],
            line: row["line"], supplier: row["supplier"], item: row["item"], quantity: Quantity(micro: row["quantity"]),
            price: (row["price"] as String?).flatMap(DecimalText.parse), currency: row["currency"],
            orderedAt: Timestamp.parse(row["ordered_at"]) ?? .distantPast, due: row["due"],
            confirmedAt: (row["confirmed_at"] as String?).flatMap(Timestamp.parse), confirmedDue: row["confirmed_due"],
            confirmedQuantity: (row["confirmed_quantity"] as Int64?).map(Quantity.init(micro:)), receipts: [])
    }
}
