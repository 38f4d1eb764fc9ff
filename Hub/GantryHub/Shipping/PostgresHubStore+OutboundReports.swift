import Foundation
import GantryCore
import PostgresNIO

/// Customer orders, transfers, units in transit and service-level facts on PostgreSQL: each reads `ShippingRows`,
/// which builds the reports the same way for both backends.
extension PostgresHubStore {
    /// `select` (naming `customer_orders o`) kept to the orders of `filter` within `scope`.
    private static func orders(_ select: String, _ filter: OutboundFilter, _ scope: CompanyScope, then suffix: String = "") -> PostgresQuery {
        let scoped = PostgresCompanyFilter(scope)
        return """
            \(unescaped: select)
            WHERE (\(filter.company)::text IS NULL OR o.company = \(filter.company))
              AND (\(filter.plant)::text IS NULL OR o.plant_id = \(filter.plant))
              AND (\(filter.customer)::text IS NULL OR o.customer = \(filter.customer))
              AND (\(filter.reference)::text IS NULL OR o.order_ref = \(filter.reference))
              AND (\(scoped.everyCompany) OR o.company = ANY(\(scoped.companies)))
            \(unescaped: suffix)
            """
    }

    /// `select` (naming `transfers t`) kept to the transfers of `filter` within `scope`: either company, either plant.
    private static func transfers(_ select: String, _ filter: OutboundFilter, _ scope: CompanyScope, then suffix: String = "") -> PostgresQuery {
        let scoped = PostgresCompanyFilter(scope)
        return """
            \(unescaped: select)
            WHERE (\(filter.company)::text IS NULL OR t.from_company = \(filter.company) OR t.to_company = \(filter.company))
              AND (\(filter.plant)::text IS NULL OR t.from_plant = \(filter.plant) OR t.to_plant = \(filter.plant))
              AND (\(filter.reference)::text IS NULL OR t.transfer = \(filter.reference))
              AND (\(scoped.everyCompany) OR t.from_company = ANY(\(scoped.companies)) OR t.to_company = ANY(\(scoped.companies)))
            \(unescaped: suffix)
            """
    }

    /// Joins `shipments s` to the customer order or the transfer it shipped.
    private static let orderOfShipment = """
        JOIN customer_orders o ON s.kind = 'customer-order' AND s.company = o.company AND s.order_ref = o.order_ref
            AND s.plant_id = o.plant_id
        """
    private static let transferOfShipment = "JOIN transfers t ON s.kind = 'transfer' AND s.order_ref = t.transfer AND s.plant_id = t.from_plant"

    public func customerOrders(_ filter: OutboundFilter, scope: CompanyScope) async throws -> [CustomerOrderReport] {
        try await run { [logger] client in
            var orders: [ShippingRows.Order] = []
            for try await (company, order, plant, customer, currency, requested, at, by) in try await client.query(Self.orders(
                "SELECT o.company, o.order_ref, o.plant_id, o.customer, o.currency, o.requested, o.ordered_at, o.ordered_by FROM customer_orders o",
                filter, scope, then: "ORDER BY o.ordered_at, o.order_ref LIMIT 1000"), logger: logger
            ).decode((String, String, String, String, String, String, Date, String).self) {
                orders.append(.init(company: company, order: order, plant: plant, customer: customer, currency: currency, requested: requested,
                                    orderedAt: at, orderedBy: by))
            }
            var rows = ShippingRows()
            rows.lines = try await Self.lines(client.query(Self.orders("""
                SELECT o.company || chr(31) || o.order_ref, l.line, l.item, l.quantity, l.price, o.currency, l.promised, l.accepted,
                       l.answered_promised, l.answer_reason
                FROM customer_order_lines l JOIN customer_orders o ON o.company = l.company AND o.order_ref = l.order_ref
                """, filter, scope), logger: logger))
            try await Self.readShipments(client, logger: logger, into: &rows, owner: "s.company || chr(31) || s.order_ref") {
                Self.orders("\($0) \(Self.orderOfShipment)", filter, scope)
            }
            return rows.customerOrders(orders)
        }
    }

    public func transfers(_ filter: OutboundFilter, scope: CompanyScope) async throws -> [TransferReport] {
        try await run { [logger] client in
            var transfers: [ShippingRows.Transfer] = []
            for try await (transfer, from, to, fromCompany, toCompany, requested, at, by, closedAt, closedBy, short) in try await client.query(
                Self.transfers("""
                    SELECT t.transfer, t.from_plant, t.to_plant, t.from_company, t.to_company, t.requested, t.created_at, t.created_by,
                           t.closed_at, t.closed_by, t.units_short FROM transfers t
                    """, filter, scope, then: "ORDER BY t.created_at, t.transfer LIMIT 1000"), logger: logger
            ).decode((String, String, String, String, String, String, Date, String, Date?, String?, Int64?).self) {
                transfers.append(.init(
                    transfer: transfer, fromPlant: from, toPlant: to, fromCompany: fromCompany, toCompany: toCompany, requested: requested,
                    createdAt: at, createdBy: by, closedAt: closedAt, closedBy: closedBy, unitsShort: short))
            }
            var rows = ShippingRows()
            rows.lines = try await Self.lines(client.query(Self.transfers("""
                SELECT l.transfer, l.line, l.item, l.quantity, l.price, l.currency, NULL::text, l.accepted, l.answered_promised, l.answer_reason
                FROM transfer_lines l JOIN transfers t ON t.transfer = l.transfer
                """, filter, scope), logger: logger))
            try await Self.readShipments(client, logger: logger, into: &rows, owner: "s.order_ref") {
                Self.transfers("\($0) \(Self.transferOfShipment)", filter, scope)
            }
            let discrepancies = try await Self.discrepancies(client.query(Self.transfers(
                "SELECT \(Self.discrepancyColumns) FROM transfer_discrepancies d JOIN transfers t ON t.transfer = d.transfer", filter, scope),
                logger: logger))
            return rows.transfers(transfers, discrepancies: discrepancies)
        }
    }

    public func inTransit(company: String?, plant: String?, scope: CompanyScope) async throws -> [InTransitUnit] {
        let filter = OutboundFilter(company: company, plant: plant)
        let source = """
            FROM shipment_units u JOIN shipments s ON s.plant_id = u.plant_id AND s.shipment = u.shipment
            JOIN transfers t ON u.kind = 'transfer' AND t.transfer = u.order_ref AND t.from_plant = u.plant_id
            """
        // Not received, and not recorded short by the receiver (a reshipment after a closed receipt is on its way again).
        let open = "AND u.received_at IS NULL AND NOT EXISTS (SELECT 1 FROM transfer_discrepancies d WHERE d.transfer = t.transfer AND d.sscc = u.sscc AND d.kind = 'short')"
        return try await run { [logger] client in
            var contents = ShippingRows()
            contents.contents = try await Self.contents(client.query(Self.transfers("""
                SELECT c.plant_id, c.shipment, c.sscc, c.line, c.item, c.lot, c.serial, c.expiry, c.quantity, c.received, c.damaged
                \(source) JOIN shipment_contents c ON c.plant_id = u.plant_id AND c.shipment = u.shipment AND c.sscc = u.sscc
                """, filter, scope, then: "\(open) ORDER BY c.content_no"), logger: logger))
            let contentsOf = Dictionary(grouping: contents.contents) { "\($0.plant)\u{1F}\($0.shipment)\u{1F}\($0.sscc)" }
            var units: [InTransitUnit] = []
            for try await (transfer, from, to, fromCompany, toCompany, shipment, sscc, at, carrier, tracking) in try await client.query(
                Self.transfers("""
                    SELECT t.transfer, t.from_plant, t.to_plant, t.from_company, t.to_company, s.shipment, u.sscc, s.dispatched_at, s.carrier,
                           s.tracking \(source)
                    """, filter, scope, then: "\(open) ORDER BY s.dispatched_at, u.sscc"), logger: logger
            ).decode((String, String, String, String, String, String, String, Date, String, String).self) {
                units.append(InTransitUnit(
                    transfer: transfer, fromPlant: from, toPlant: to, fromCompany: fromCompany, toCompany: toCompany, shipment: shipment,
                    sscc: sscc, dispatchedAt: at, carrier: carrier, trackingReference: tracking,
                    contents: (contentsOf["\(from)\u{1F}\(shipment)\u{1F}\(sscc)"] ?? []).map(ShippingRows.report)))
            }
            return units
        }
    }

    public func serviceLevelFacts(_ filter: OutboundFilter, scope: CompanyScope) async throws -> [ServiceLevelFacts] {
        try await run { [logger] client in
            var shipmentsOf: [String: [(at: Date, quantity: Quantity)]] = [:]
            for try await (company, order, line, at, quantity) in try await client.query(Self.orders("""
                SELECT s.company, s.order_ref, sl.line, s.dispatched_at, sl.quantity
                FROM shipment_lines sl JOIN shipments s ON s.plant_id = sl.plant_id AND s.shipment = sl.shipment \(Self.orderOfShipment)
                """, filter, scope), logger: logger).decode((String, String, Int32, Date, Int64).self) {
                shipmentsOf["\(company)\u{1F}\(order)\u{1F}\(line)", default: []].append((at, Quantity(micro: quantity)))
            }
            var facts: [ServiceLevelFacts] = []
            for try await (company, plant, zone, customer, order, requested, orderedAt, line, item, quantity, promised) in try await client.query(
                Self.orders("""
                    SELECT o.company, o.plant_id, p.time_zone, o.customer, o.order_ref, o.requested, o.ordered_at, l.line, l.item, l.quantity,
                           coalesce(l.answered_promised, l.promised)
                    FROM customer_order_lines l JOIN customer_orders o ON o.company = l.company AND o.order_ref = l.order_ref
                    JOIN plants p ON p.plant_id = o.plant_id
                    """, filter, scope, then: "AND (l.accepted IS NULL OR l.accepted) ORDER BY o.company, o.order_ref, l.line"), logger: logger
            ).decode((String, String, String, String, String, String, Date, Int32, String, Int64, String?).self) {
                facts.append(ServiceLevelFacts(
                    company: company, plant: plant, timeZone: zone, customer: customer, order: order, line: Int(line), item: item,
                    ordered: Quantity(micro: quantity), requested: requested, promised: promised, orderedAt: orderedAt,
                    shipments: shipmentsOf["\(company)\u{1F}\(order)\u{1F}\(line)"] ?? []))
            }
            return facts
        }
    }

    private static func lines(_ rows: PostgresRowSequence) async throws -> [ShippingRows.Line] {
        var lines: [ShippingRows.Line] = []
        for try await (owner, line, item, quantity, price, currency, promised, accepted, answered, reason) in rows.decode(
            (String, Int32, String, Int64, String?, String?, String?, Bool?, String?, String?).self) {
            lines.append(.init(owner: owner, line: Int(line), item: item, quantity: quantity, price: price, currency: currency,
                               promised: promised, accepted: accepted, answeredPromised: answered, reason: reason))
        }
        return lines
    }

    private static func contents(_ rows: PostgresRowSequence) async throws -> [ShippingRows.Content] {
        var contents: [ShippingRows.Content] = []
        for try await (plant, shipment, sscc, line, item, lot, serial, expiry, quantity, received, damaged) in rows.decode(
            (String, String, String, Int32, String, String, String, String?, Int64, Int64?, Int64?).self) {
            contents.append(.init(plant: plant, shipment: shipment, sscc: sscc, line: Int(line), item: item, lot: lot, serial: serial,
                                  expiry: expiry, quantity: quantity, received: received, damaged: damaged))
        }
        return contents
    }

    /// The shipments `query` keeps (it appends the join to their order or transfer, and the filter, to a statement naming
    /// `shipments s`), their lines, units and contents.
    private static func readShipments(
        _ client: PostgresConnection, logger: Logger, into rows: inout ShippingRows, owner: String, query: (String) -> PostgresQuery
    ) async throws {
        for try await (owner, plant, shipment, company, partner, carrier, tracking, at) in try await client.query(
            query("SELECT \(owner), s.plant_id, s.shipment, s.company, s.trading_partner, s.carrier, s.tracking, s.dispatched_at FROM shipments s"),
            logger: logger
        ).decode((String, String, String, String, String?, String, String, Date).self) {
            rows.shipments.append(.init(owner: owner, plant: plant, shipment: shipment, company: company, tradingPartner: partner,
                                        carrier: carrier, tracking: tracking, dispatchedAt: at))
        }
        for try await (plant, shipment, line, item, quantity, price, currency) in try await client.query(query("""
            SELECT sl.plant_id, sl.shipment, sl.line, sl.item, sl.quantity, sl.price, sl.currency
            FROM shipment_lines sl JOIN shipments s ON s.plant_id = sl.plant_id AND s.shipment = sl.shipment
            """), logger: logger).decode((String, String, Int32, String, Int64, String?, String?).self) {
            rows.shipmentLines.append(.init(plant: plant, shipment: shipment, line: Int(line), item: item, quantity: quantity, price: price,
                                            currency: currency))
        }
        for try await (plant, shipment, sscc, receivedAt, receivedBy) in try await client.query(query("""
            SELECT u.plant_id, u.shipment, u.sscc, u.received_at, u.received_by
            FROM shipment_units u JOIN shipments s ON s.plant_id = u.plant_id AND s.shipment = u.shipment
            """), logger: logger).decode((String, String, String, Date?, String?).self) {
            rows.units.append(.init(plant: plant, shipment: shipment, sscc: sscc, receivedAt: receivedAt, receivedBy: receivedBy))
        }
        rows.contents = try await contents(client.query(query("""
            SELECT c.plant_id, c.shipment, c.sscc, c.line, c.item, c.lot, c.serial, c.expiry, c.quantity, c.received, c.damaged
            FROM shipment_contents c JOIN shipments s ON s.plant_id = c.plant_id AND s.shipment = c.shipment
            """), logger: logger))
    }
}
