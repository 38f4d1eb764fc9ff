import Foundation
import GantryCore
import PostgresNIO

/// Traces on PostgreSQL: each direction walks `lot_links` in one `WITH RECURSIVE` (UNION, so a lot reached twice is
/// walked once and a cycle ends), and every part of the answer joins that set of lots. The walk's four values are
/// bound once as $1 to $4 (start, and the scope: every company, or its list), and each query reuses them.
extension PostgresHubStore {
    /// `lots(item, lot)`: every lot made from $1/$2, itself included, through links of plants the scope ($3, $4) sees.
    static let forwardWalk = """
        WITH RECURSIVE lots(item, lot) AS (
            SELECT $1::text, $2::text
            UNION
            SELECT l.output_item, l.output_lot FROM lot_links l JOIN lots ON l.input_item = lots.item AND l.input_lot = lots.lot
            WHERE $3 OR l.plant_id IN (SELECT plant_id FROM plants WHERE company = ANY($4))
        )
        """

    /// `lots(item, lot)`: every lot in plant $1's shipment $2 and every lot that went into them, as far back as the
    /// genealogy goes.
    private static let backwardWalk = """
        WITH RECURSIVE lots(item, lot) AS (
            SELECT c.item, c.lot FROM shipment_contents c WHERE c.plant_id = $1 AND c.shipment = $2 AND c.lot <> ''
            UNION
            SELECT l.input_item, l.input_lot FROM lot_links l JOIN lots ON l.output_item = lots.item AND l.output_lot = lots.lot
            WHERE $3 OR l.plant_id IN (SELECT plant_id FROM plants WHERE company = ANY($4))
        )
        """

    private static func walk(_ walk: String, _ first: String, _ second: String, _ scope: CompanyScope, _ select: String) -> PostgresQuery {
        let scoped = PostgresCompanyFilter(scope)
        var binds = PostgresBindings()
        binds.append(first)
        binds.append(second)
        binds.append(scoped.everyCompany)
        binds.append(scoped.companies)
        return PostgresQuery(unsafeSQL: walk + "\n" + select, binds: binds)
    }

    public func recall(item: String, lot: String, scope: CompanyScope) async throws -> RecallReport {
        try await run { [logger] client in
            let links = try await Self.traced(client.query(Self.walk(Self.forwardWalk, item, lot, scope, """
                SELECT l.plant_id, l.work_order, l.output_item, l.output_lot, l.input_item, l.input_lot, l.quantity
                FROM lot_links l JOIN lots ON l.input_item = lots.item AND l.input_lot = lots.lot
                WHERE $3 OR l.plant_id IN (SELECT plant_id FROM plants WHERE company = ANY($4)) ORDER BY l.plant_id, l.seq
                """), logger: logger))
            // A transfer's unit is either company's to see; a customer's shipment the shipping company's.
            let shipped = try await Self.carried(client.query(Self.walk(Self.forwardWalk, item, lot, scope, """
                \(Self.carried) JOIN lots ON c.item = lots.item AND c.lot = lots.lot
                WHERE $3 OR s.company = ANY($4) OR s.trading_partner = ANY($4) ORDER BY s.dispatched_at, c.sscc, c.content_no
                """), logger: logger))
            var stock: [StockBalance] = []
            for try await (plant, item, lot, quantity) in try await client.query(Self.walk(Self.forwardWalk, item, lot, scope, """
                SELECT b.plant_id, b.item, b.lot, b.quantity FROM stock_balances b JOIN lots ON b.item = lots.item AND b.lot = lots.lot
                JOIN plants p ON p.plant_id = b.plant_id WHERE b.quantity <> 0 AND ($3 OR p.company = ANY($4))
                ORDER BY b.item, b.lot, b.plant_id
                """), logger: logger).decode((String, String, String, Int64).self) {
                stock.append(StockBalance(plant: plant, item: item, lot: lot, quantity: Quantity(micro: quantity)))
            }
            return RecallReport(
                item: item, lot: lot, links: links, shipped: shipped, customers: Array(Set(shipped.compactMap(\.customer))).sorted(),
                stock: stock)
        }
    }

    public func shipmentTrace(plant: String, shipment: String, scope: CompanyScope) async throws -> ShipmentTrace? {
        try await run { [logger] client in
            let scoped = PostgresCompanyFilter(scope)
            let contents = try await Self.carried(client.query("""
                \(unescaped: Self.carried) WHERE s.plant_id = \(plant) AND s.shipment = \(shipment)
                  AND (\(scoped.everyCompany) OR s.company = ANY(\(scoped.companies)))
                ORDER BY c.sscc, c.content_no
                """, logger: logger))
            guard let first = contents.first else { return nil }
            let links = try await Self.traced(client.query(Self.walk(Self.backwardWalk, plant, shipment, scope, """
                SELECT l.plant_id, l.work_order, l.output_item, l.output_lot, l.input_item, l.input_lot, l.quantity
                FROM lot_links l JOIN lots ON l.output_item = lots.item AND l.output_lot = lots.lot
                WHERE $3 OR l.plant_id IN (SELECT plant_id FROM plants WHERE company = ANY($4)) ORDER BY l.plant_id, l.seq
                """), logger: logger))
            var suppliers: [SupplierLot] = []
            for try await (plant, item, lot, supplier, order, line, quantity, at) in try await client.query(Self.walk(
                Self.backwardWalk, plant, shipment, scope, """
                SELECT r.plant_id, r.item, r.lot, o.supplier, r.purchase_order, r.line, r.quantity, r.received_at
                FROM received_lots r JOIN lots ON r.item = lots.item AND r.lot = lots.lot JOIN plants p ON p.plant_id = r.plant_id
                LEFT JOIN supplier_order_lines o ON o.plant_id = r.plant_id AND o.purchase_order = r.purchase_order AND o.line = r.line
                WHERE $3 OR p.company = ANY($4) ORDER BY r.item, r.lot, r.plant_id, r.seq
                """), logger: logger).decode((String, String, String, String?, String, Int32, Int64, Date).self) {
                suppliers.append(SupplierLot(plant: plant, item: item, lot: lot, supplier: supplier, purchaseOrder: order, line: Int(line),
                                             quantity: Quantity(micro: quantity), receivedAt: at))
            }
            return ShipmentTrace(
                plant: plant, shipment: shipment, kind: first.kind, order: first.order, customer: first.customer,
                dispatchedAt: first.dispatchedAt, contents: contents, links: links, supplierLots: suppliers)
        }
    }

    /// What units carried (`shipment_contents c` with their shipment `s` and unit `u`), as `carried` reads them.
    private static let carried = """
        SELECT s.plant_id, s.shipment, s.kind, s.order_ref, s.customer, s.to_plant, u.sscc, c.item, c.lot, c.quantity, s.dispatched_at,
               u.received_at
        FROM shipment_contents c JOIN shipments s ON s.plant_id = c.plant_id AND s.shipment = c.shipment
        JOIN shipment_units u ON u.plant_id = c.plant_id AND u.shipment = c.shipment AND u.sscc = c.sscc
        """

    private static func carried(_ rows: PostgresRowSequence) async throws -> [CarriedLot] {
        var carried: [CarriedLot] = []
        for try await (plant, shipment, kind, order, customer, toPlant, sscc, item, lot, quantity, at, receivedAt) in rows.decode(
            (String, String, String, String, String?, String?, String, String, String, Int64, Date, Date?).self) {
            let kind = try OutboundKind(rawValue: kind).orThrow("unknown shipment kind \(kind)")
            carried.append(CarriedLot(
                plant: plant, shipment: shipment, kind: kind, order: order, customer: customer, toPlant: toPlant, sscc: sscc, item: item,
                lot: lot, quantity: Quantity(micro: quantity), dispatchedAt: at, received: kind == .transfer ? receivedAt != nil : nil))
        }
        return carried
    }

    private static func traced(_ rows: PostgresRowSequence) async throws -> [TracedLink] {
        var links: [TracedLink] = []
        for try await (plant, order, item, lot, fromItem, fromLot, quantity) in rows.decode(
            (String, String, String, String, String, String, Int64).self) {
            links.append(TracedLink(plant: plant, workOrder: order, item: item, lot: lot, fromItem: fromItem, fromLot: fromLot,
                                    quantity: Quantity(micro: quantity)))
        }
        return links
    }
}
