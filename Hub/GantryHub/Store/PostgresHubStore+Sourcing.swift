import Foundation
import GantryCore
import PostgresNIO

extension PostgresHubStore {
    /// Purchase order lines, then what changed them, receipts and nonconformances: one statement per table.
    static func write(_ sourcing: EventProjection.SourcingFacts, plant: String, into connection: PostgresConnection, logger: Logger) async throws {
        let lines = sourcing.lines
        if !lines.isEmpty {
            try await connection.query("""
                INSERT INTO supplier_order_lines (plant_id, purchase_order, line, seq, supplier, item, quantity, price, currency,
                                                  ordered_at, due)
                SELECT \(plant), purchase_order, line, seq, supplier, item, quantity, NULLIF(price, ''), NULLIF(currency, ''),
                       ordered_at, NULLIF(due, '')
                FROM unnest(\(lines.map(\.order)), \(lines.map { Int32($0.line) }), \(lines.map(\.sequence)), \(lines.map(\.supplier)),
                            \(lines.map(\.item)), \(lines.map(\.quantity)), \(lines.map { $0.price ?? "" }),
                            \(lines.map { $0.currency ?? "" }), \(lines.map(\.orderedAt)), \(lines.map { $0.due ?? "" }))
                    AS u(purchase_order, line, seq, supplier, item, quantity, price, currency, ordered_at, due)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        // One row per line each (the last reschedule, the first confirmation), so no row is updated twice.
        let reschedules = sourcing.latestReschedules
        if !reschedules.isEmpty {
            try await connection.query("""
                UPDATE supplier_order_lines l SET due = NULLIF(u.due, '')
                FROM unnest(\(reschedules.map(\.order)), \(reschedules.map { Int32($0.line) }), \(reschedules.map { $0.due ?? "" }))
                    AS u(purchase_order, line, due)
                WHERE l.plant_id = \(plant) AND l.purchase_order = u.purchase_order AND l.line = u.line
                """, logger: logger)
        }
        let confirmations = sourcing.firstConfirmations
        if !confirmations.isEmpty {
            try await connection.query("""
                UPDATE supplier_order_lines l SET confirmed_at = u.at, confirmed_due = u.due, confirmed_quantity = u.quantity
                FROM unnest(\(confirmations.map(\.order)), \(confirmations.map { Int32($0.line) }), \(confirmations.map(\.at)),
                            \(confirmations.map(\.due)), \(confirmations.map(\.quantity)))
                    AS u(purchase_order, line, at, due, quantity)
                WHERE l.plant_id = \(plant) AND l.purchase_order = u.purchase_order AND l.line = u.line AND l.confirmed_at IS NULL
                """, logger: logger)
        }
        let receipts = sourcing.receipts
        if !receipts.isEmpty {
            try await connection.query("""
                INSERT INTO supplier_receipts (plant_id, seq, purchase_order, line, quantity, received_at)
                SELECT \(plant), * FROM unnest(\(receipts.map(\.sequence)), \(receipts.map(\.order)), \(receipts.map { Int32($0.line) }),
                                               \(receipts.map(\.quantity)), \(receipts.map(\.at)))
                """, logger: logger)
        }
        let nonconformances = sourcing.nonconformances
        if !nonconformances.isEmpty {
            try await connection.query("""
                INSERT INTO supplier_nonconformances (plant_id, seq, supplier, item, quantity, opened_at)
                SELECT \(plant), * FROM unnest(\(nonconformances.map(\.sequence)), \(nonconformances.map(\.supplier)),
                                               \(nonconformances.map(\.item)), \(nonconformances.map(\.quantity)),
                                               \(nonconformances.map(\.at)))
                """, logger: logger)
        }
    }

    /// Projects the sourcing events the hub kept before it had this projection (see the SQLite store's): run once,
    /// inside the migration that adds its tables.
    static func projectKeptSourcing(_ connection: PostgresConnection, logger: Logger) async throws {
        var plants: [String] = []
        for try await plant in try await connection.query("SELECT plant_id FROM plants ORDER BY plant_id", logger: logger).decode(String.self) {
            plants.append(plant)
        }
        let types = EventProjection.SourcingFacts.eventTypes
        for plant in plants {
            var after: Int64 = 0
            while true {
                let run = try await envelopes(connection.query("""
                    SELECT seq, event_id::text, type, schema_version, occurred_at, recorded_at, payload::text FROM events
                    WHERE plant_id = \(plant) AND seq > \(after) AND status = 'applied' AND type = ANY(\(types))
                    ORDER BY seq LIMIT 10000
                    """, logger: logger))
                guard let last = run.last else { break }
                try await write(EventProjection(run).sourcing, plant: plant, into: connection, logger: logger)
                after = last.sequence
            }
        }
    }

    public func supplierPerformance(company: String?, from: Date, to before: Date, scope: CompanyScope) async throws -> SupplierPerformance {
        let scoped = PostgresCompanyFilter(scope)
        // A line belongs to a scorecard by its due date: one entered after the window but due in it is read too.
        let due = SupplierRows.dueDays(from: from, to: before)
        return try await run { [logger] client in
            var lines: [SupplierLineRecord] = []
            let lineRows = try await client.query("""
                SELECT l.plant_id, p.company, p.time_zone, l.purchase_order, l.line, l.supplier, l.item, l.quantity, l.price,
                       l.currency, l.ordered_at, l.due, l.confirmed_at, l.confirmed_due, l.confirmed_quantity
                FROM supplier_order_lines l JOIN plants p ON p.plant_id = l.plant_id
                WHERE (l.ordered_at < \(before) OR (l.due >= \(due.first) AND l.due <= \(due.last)))
                  AND (\(company)::text IS NULL OR p.company = \(company))
                  AND (\(scoped.everyCompany) OR p.company = ANY(\(scoped.companies)))
                ORDER BY l.plant_id, l.purchase_order, l.line
                """, logger: logger)
            for try await (plant, company, zone, order, line, supplier, item, quantity, price, currency, ordered, due, confirmedAt,
                           confirmedDue, confirmedQuantity) in lineRows.decode(
                (String, String, String, String, Int32, String, String, Int64, String?, String?, Date, String?, Date?, String?, Int64?).self) {
                lines.append(SupplierLineRecord(
                    plant: plant, company: company, timeZone: zone, order: order, line: Int(line), supplier: supplier, item: item,
                    quantity: Quantity(micro: quantity), price: price.flatMap(DecimalText.parse), currency: currency, orderedAt: ordered,
                    due: due, confirmedAt: confirmedAt, confirmedDue: confirmedDue,
                    confirmedQuantity: confirmedQuantity.map(Quantity.init(micro:)), receipts: []))
            }
            var receipts: [SupplierRows.Receipt] = []
            for try await (plant, order, line, quantity, at) in try await client.query("""
                SELECT r.plant_id, r.purchase_order, r.line, r.quantity, r.received_at FROM supplier_receipts r
                JOIN supplier_order_lines l ON l.plant_id = r.plant_id AND l.purchase_order = r.purchase_order AND l.line = r.line
                JOIN plants p ON p.plant_id = r.plant_id
                WHERE (l.ordered_at < \(before) OR (l.due >= \(due.first) AND l.due <= \(due.last)))
                  AND (\(company)::text IS NULL OR p.company = \(company))
                  AND (\(scoped.everyCompany) OR p.company = ANY(\(scoped.companies)))
                ORDER BY r.plant_id, r.seq
                """, logger: logger).decode((String, String, Int32, Int64, Date).self) {
                receipts.append(.init(plant: plant, order: order, line: Int(line), receipt: .init(at: at, quantity: Quantity(micro: quantity))))
            }
            var nonconformances: [SupplierNonconformanceRecord] = []
            for try await (plant, company, supplier, item, quantity, opened) in try await client.query("""
                SELECT n.plant_id, p.company, n.supplier, n.item, n.quantity, n.opened_at
                FROM supplier_nonconformances n JOIN plants p ON p.plant_id = n.plant_id
                WHERE n.opened_at < \(before) AND (\(company)::text IS NULL OR p.company = \(company))
                  AND (\(scoped.everyCompany) OR p.company = ANY(\(scoped.companies)))
                ORDER BY n.plant_id, n.seq
                """, logger: logger).decode((String, String, String, String, Int64, Date).self) {
                nonconformances.append(SupplierNonconformanceRecord(
                    plant: plant, company: company, supplier: supplier, item: item, quantity: Quantity(micro: quantity), openedAt: opened))
            }
            return SupplierRows.performance(lines: lines, receipts: receipts, nonconformances: nonconformances)
        }
    }
}
