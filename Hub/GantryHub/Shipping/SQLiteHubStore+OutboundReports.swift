import Foundation
import GantryCore
import GRDB

/// Customer orders, transfers, units in transit and service-level facts on SQLite: each reads `ShippingRows`, which
/// builds the reports the same way for both backends.
extension SQLiteHubStore {
    /// The orders a filter and scope select, as a condition on `customer_orders o` with its arguments.
    private static func orderCondition(_ filter: OutboundFilter, scope: CompanyScope) -> (String, StatementArguments) {
        let scoped = SQLiteCompanyFilter(scope, column: "o.company")
        var arguments: StatementArguments = [filter.company, filter.plant, filter.customer, filter.reference]
        arguments += scoped.arguments
        return ("""
            (?1 IS NULL OR o.company = ?1) AND (?2 IS NULL OR o.plant_id = ?2) AND (?3 IS NULL OR o.customer = ?3)
              AND (?4 IS NULL OR o.order_ref = ?4)\(scoped.and)
            """, arguments)
    }

    /// The transfers a filter and scope select (either company, either plant), as a condition on `transfers t`.
    private static func transferCondition(_ filter: OutboundFilter, scope: CompanyScope) -> (String, StatementArguments) {
        let from = SQLiteCompanyFilter(scope, column: "t.from_company"), to = SQLiteCompanyFilter(scope, column: "t.to_company")
        var arguments: StatementArguments = [filter.company, filter.plant, filter.reference]
        arguments += from.arguments
        arguments += to.arguments
        let scoped = from.condition.map { " AND (\($0) OR \(to.condition!))" } ?? ""
        return ("""
            (?1 IS NULL OR t.from_company = ?1 OR t.to_company = ?1) AND (?2 IS NULL OR t.from_plant = ?2 OR t.to_plant = ?2)
              AND (?3 IS NULL OR t.transfer = ?3)\(scoped)
            """, arguments)
    }

    public func customerOrders(_ filter: OutboundFilter, scope: CompanyScope) async throws -> [CustomerOrderReport] {
        let (condition, arguments) = Self.orderCondition(filter, scope: scope)
        return try await pool.read { db in
            let orders = try OrderRow.fetchAll(db, sql: "SELECT o.* FROM customer_orders o WHERE \(condition) ORDER BY o.ordered_at, o.order_ref LIMIT 1000",
                                               arguments: arguments).map { try $0.row() }
            var rows = ShippingRows()
            rows.lines = try OrderLineRow.fetchAll(db, sql: """
                SELECT l.company || char(31) || l.order_ref AS owner, l.line, l.item, l.quantity, l.price, o.currency, l.promised, l.accepted,
                       l.answered_promised, l.answer_reason
                FROM customer_order_lines l JOIN customer_orders o ON o.company = l.company AND o.order_ref = l.order_ref WHERE \(condition)
                """, arguments: arguments).map(\.row)
            let shipments = """
                shipments s JOIN customer_orders o ON s.kind = 'customer-order' AND s.company = o.company AND s.order_ref = o.order_ref
                    AND s.plant_id = o.plant_id WHERE \(condition)
                """
            try Self.readShipments(shipments, owner: "s.company || char(31) || s.order_ref", arguments: arguments, into: &rows, db)
            return rows.customerOrders(orders)
        }
    }

    public func transfers(_ filter: OutboundFilter, scope: CompanyScope) async throws -> [TransferReport] {
        let (condition, arguments) = Self.transferCondition(filter, scope: scope)
        return try await pool.read { db in
            let transfers = try TransferRow.fetchAll(db, sql: "SELECT t.* FROM transfers t WHERE \(condition) ORDER BY t.created_at, t.transfer LIMIT 1000",
                                                     arguments: arguments).map { try $0.row() }
            var rows = ShippingRows()
            rows.lines = try OrderLineRow.fetchAll(db, sql: """
                SELECT l.transfer AS owner, l.line, l.item, l.quantity, l.price, l.currency, NULL AS promised, l.accepted,
                       l.answered_promised, l.answer_reason
                FROM transfer_lines l JOIN transfers t ON t.transfer = l.transfer WHERE \(condition)
                """, arguments: arguments).map(\.row)
            let shipments = """
                shipments s JOIN transfers t ON s.kind = 'transfer' AND s.order_ref = t.transfer AND s.plant_id = t.from_plant WHERE \(condition)
                """
            try Self.readShipments(shipments, owner: "s.order_ref", arguments: arguments, into: &rows, db)
            let discrepancies = try DiscrepancyRow.fetchAll(db, sql: """
                SELECT d.* FROM transfer_discrepancies d JOIN transfers t ON t.transfer = d.transfer WHERE \(condition)
                """, arguments: arguments).map { try $0.report() }
            return rows.transfers(transfers, discrepancies: discrepancies)
        }
    }

    public func inTransit(company: String?, plant: String?, scope: CompanyScope) async throws -> [InTransitUnit] {
        let (condition, arguments) = Self.transferCondition(OutboundFilter(company: company, plant: plant), scope: scope)
        return try await pool.read { db in
            let units = try InTransitRow.fetchAll(db, sql: """
                SELECT t.transfer, t.from_plant, t.to_plant, t.from_company, t.to_company, s.shipment, u.sscc, s.dispatched_at, s.carrier,
                       s.tracking
                FROM shipment_units u JOIN shipments s ON s.plant_id = u.plant_id AND s.shipment = u.shipment
                JOIN transfers t ON u.kind = 'transfer' AND t.transfer = u.order_ref AND t.from_plant = u.plant_id
                WHERE u.received_at IS NULL AND NOT EXISTS (SELECT 1 FROM transfer_discrepancies d WHERE d.transfer = t.transfer AND d.sscc = u.sscc AND d.kind = 'short')
                  AND \(condition)
                ORDER BY s.dispatched_at, u.sscc
                """, arguments: arguments)
            let contents = try ContentRow.fetchAll(db, sql: """
                SELECT c.* FROM shipment_contents c JOIN shipment_units u ON u.plant_id = c.plant_id AND u.shipment = c.shipment AND u.sscc = c.sscc
                JOIN transfers t ON u.kind = 'transfer' AND t.transfer = u.order_ref AND t.from_plant = u.plant_id
                WHERE u.received_at IS NULL AND NOT EXISTS (SELECT 1 FROM transfer_discrepancies d WHERE d.transfer = t.transfer AND d.sscc = u.sscc AND d.kind = 'short')
                  AND \(condition)
                ORDER BY c.content_no
                """, arguments: arguments).map(\.row)
            let contentsOf = Dictionary(grouping: contents) { "\($0.plant)\u{1F}\($0.shipment)\u{1F}\($0.sscc)" }
            return try units.map { unit in
                InTransitUnit(
                    transfer: unit.transfer, fromPlant: unit.fromPlant, toPlant: unit.toPlant, fromCompany: unit.fromCompany,
                    toCompany: unit.toCompany, shipment: unit.shipment, sscc: unit.sscc,
                    dispatchedAt: try Timestamp.parse(unit.dispatchedAt).orThrow("unreadable dispatched_at"), carrier: unit.carrier,
                    trackingReference: unit.tracking,
                    contents: (contentsOf["\(unit.fromPlant)\u{1F}\(unit.shipment)\u{1F}\(unit.sscc)"] ?? []).map(ShippingRows.report))
            }
        }
    }

    public func serviceLevelFacts(_ filter: OutboundFilter, scope: CompanyScope) async throws -> [ServiceLevelFacts] {
        let (condition, arguments) = Self.orderCondition(filter, scope: scope)
        return try await pool.read { db in
            let lines = try ServiceLineRow.fetchAll(db, sql: """
                SELECT o.company, o.plant_id, p.time_zone, o.customer, o.order_ref, o.requested, o.ordered_at, l.line, l.item, l.quantity,
                       coalesce(l.answered_promised, l.promised) AS promised
                FROM customer_order_lines l JOIN customer_orders o ON o.company = l.company AND o.order_ref = l.order_ref
                JOIN plants p ON p.plant_id = o.plant_id
                WHERE (l.accepted IS NULL OR l.accepted = 1) AND \(condition)
                ORDER BY o.company, o.order_ref, l.line
                """, arguments: arguments)
            let shipped = try ShippedRow.fetchAll(db, sql: """
                SELECT s.company, s.order_ref, sl.line, s.dispatched_at, sl.quantity
                FROM shipment_lines sl JOIN shipments s ON s.plant_id = sl.plant_id AND s.shipment = sl.shipment
                JOIN customer_orders o ON s.kind = 'customer-order' AND s.company = o.company AND s.order_ref = o.order_ref
                    AND s.plant_id = o.plant_id
                WHERE \(condition)
                """, arguments: arguments)
            let shipmentsOf = try Dictionary(grouping: shipped.map { row in
                ("\(row.company)\u{1F}\(row.orderRef)\u{1F}\(row.line)",
                 (at: try Timestamp.parse(row.dispatchedAt).orThrow("unreadable dispatched_at"), quantity: Quantity(micro: row.quantity)))
            }, by: \.0)
            return try lines.map { line in
                ServiceLevelFacts(
                    company: line.company, plant: line.plantID, timeZone: line.timeZone, customer: line.customer, order: line.orderRef,
                    line: line.line, item: line.item, ordered: Quantity(micro: line.quantity), requested: line.requested,
                    promised: line.promised, orderedAt: try Timestamp.parse(line.orderedAt).orThrow("unreadable ordered_at"),
                    shipments: (shipmentsOf["\(line.company)\u{1F}\(line.orderRef)\u{1F}\(line.line)"] ?? []).map(\.1))
            }
        }
    }

    /// The shipments `source` (a FROM … WHERE naming `shipments s`) selects, their lines, units and contents.
    private static func readShipments(
        _ source: String, owner: String, arguments: StatementArguments, into rows: inout ShippingRows, _ db: Database
    ) throws {
        rows.shipments = try ShipmentRow.fetchAll(db, sql: """
            SELECT \(owner) AS owner, s.plant_id, s.shipment, s.company, s.trading_partner, s.carrier, s.tracking, s.dispatched_at FROM \(source)
            """, arguments: arguments).map { try $0.row() }
        rows.shipmentLines = try ShipmentLineRow.fetchAll(db, sql: """
            SELECT sl.* FROM shipment_lines sl JOIN \(source) AND sl.plant_id = s.plant_id AND sl.shipment = s.shipment
            """, arguments: arguments).map(\.row)
        rows.units = try UnitRow.fetchAll(db, sql: """
            SELECT u.* FROM shipment_units u JOIN \(source) AND u.plant_id = s.plant_id AND u.shipment = s.shipment
            """, arguments: arguments).map(\.row)
        rows.contents = try ContentRow.fetchAll(db, sql: """
            SELECT c.* FROM shipment_contents c JOIN \(source) AND c.plant_id = s.plant_id AND c.shipment = s.shipment ORDER BY c.content_no
            """, arguments: arguments).map(\.row)
    }
}
