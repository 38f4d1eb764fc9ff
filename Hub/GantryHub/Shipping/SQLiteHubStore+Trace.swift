import Foundation
import GantryCore
import GRDB

/// Traces on SQLite: each direction walks `lot_links` in one `WITH RECURSIVE` (UNION, so a lot reached twice is
/// walked once and a cycle ends), and every part of the answer joins that set of lots in the same read.
extension SQLiteHubStore {
    /// The links a scope may follow: those recorded by plants of its companies.
    private static func linkScope(_ scope: CompanyScope) -> (String, StatementArguments) {
        let scoped = SQLiteCompanyFilter(scope, column: "company")
        guard let condition = scoped.condition else { return ("1", []) }
        return ("l.plant_id IN (SELECT plant_id FROM plants WHERE \(condition))", scoped.arguments)
    }

    /// `lots(item, lot)`: every lot made from `item`/`lot`, itself included.
    static func forwardLots(item: String, lot: String, scope: CompanyScope) -> (String, StatementArguments) {
        let (links, arguments) = linkScope(scope)
        return ("""
            WITH RECURSIVE lots(item, lot) AS (
                SELECT ?, ?
                UNION
                SELECT l.output_item, l.output_lot FROM lot_links l JOIN lots ON l.input_item = lots.item AND l.input_lot = lots.lot
                WHERE \(links)
            )
            """, [item, lot] + arguments)
    }

    public func recall(item: String, lot: String, scope: CompanyScope) async throws -> RecallReport {
        let (lots, lotArguments) = Self.forwardLots(item: item, lot: lot, scope: scope)
        let (links, linkArguments) = Self.linkScope(scope)
        let plants = SQLiteCompanyFilter(scope, column: "p.company")
        // A transfer's unit is either company's to see; a customer's shipment the shipping company's.
        let shippers = SQLiteCompanyFilter(scope, column: "s.company"), partners = SQLiteCompanyFilter(scope, column: "s.trading_partner")
        let shippedScope = shippers.condition.map { " AND (\($0) OR \(partners.condition!))" } ?? ""
        return try await pool.read { db in
            let traced = try TracedLinkRow.fetchAll(db, sql: """
                \(lots) SELECT l.plant_id, l.work_order, l.output_item, l.output_lot, l.input_item, l.input_lot, l.quantity
                FROM lot_links l JOIN lots ON l.input_item = lots.item AND l.input_lot = lots.lot WHERE \(links)
                ORDER BY l.plant_id, l.seq
                """, arguments: lotArguments + linkArguments).map { $0.link }
            let shipped = try CarriedRow.fetchAll(db, sql: """
                \(lots) \(Self.carried) JOIN lots ON c.item = lots.item AND c.lot = lots.lot WHERE 1\(shippedScope)
                ORDER BY s.dispatched_at, c.sscc, c.content_no
                """, arguments: lotArguments + shippers.arguments + partners.arguments).map { try $0.carried() }
            let stock = try TracedStockRow.fetchAll(db, sql: """
                \(lots) SELECT b.plant_id, b.item, b.lot, b.quantity FROM stock_balances b JOIN lots ON b.item = lots.item AND b.lot = lots.lot
                JOIN plants p ON p.plant_id = b.plant_id WHERE b.quantity <> 0\(plants.and) ORDER BY b.item, b.lot, b.plant_id
                """, arguments: lotArguments + plants.arguments).map(\.balance)
            return RecallReport(
                item: item, lot: lot, links: traced, shipped: shipped, customers: Array(Set(shipped.compactMap(\.customer))).sorted(),
                stock: stock)
        }
    }

    public func shipmentTrace(plant: String, shipment: String, scope: CompanyScope) async throws -> ShipmentTrace? {
        let (links, linkArguments) = Self.linkScope(scope)
        let plants = SQLiteCompanyFilter(scope, column: "s.company")
        let lots = """
            WITH RECURSIVE lots(item, lot) AS (
                SELECT c.item, c.lot FROM shipment_contents c WHERE c.plant_id = ? AND c.shipment = ? AND c.lot <> ''
                UNION
                SELECT l.input_item, l.input_lot FROM lot_links l JOIN lots ON l.output_item = lots.item AND l.output_lot = lots.lot
                WHERE \(links)
            )
            """
        let lotArguments: StatementArguments = [plant, shipment] + linkArguments
        return try await pool.read { db -> ShipmentTrace? in
            let contents = try CarriedRow.fetchAll(db, sql: """
                \(Self.carried) WHERE s.plant_id = ? AND s.shipment = ?\(plants.and) ORDER BY c.sscc, c.content_no
                """, arguments: [plant, shipment] + plants.arguments).map { try $0.carried() }
            guard let first = contents.first else { return nil }
            let traced = try TracedLinkRow.fetchAll(db, sql: """
                \(lots) SELECT l.plant_id, l.work_order, l.output_item, l.output_lot, l.input_item, l.input_lot, l.quantity
                FROM lot_links l JOIN lots ON l.output_item = lots.item AND l.output_lot = lots.lot WHERE \(links)
                ORDER BY l.plant_id, l.seq
                """, arguments: lotArguments + linkArguments).map(\.link)
            let received = SQLiteCompanyFilter(scope, column: "p.company")
            let suppliers = try SupplierLotRow.fetchAll(db, sql: """
                \(lots) SELECT r.plant_id, r.item, r.lot, o.supplier, r.purchase_order, r.line, r.quantity, r.received_at
                FROM received_lots r JOIN lots ON r.item = lots.item AND r.lot = lots.lot JOIN plants p ON p.plant_id = r.plant_id
                LEFT JOIN supplier_order_lines o ON o.plant_id = r.plant_id AND o.purchase_order = r.purchase_order AND o.line = r.line
                WHERE 1\(received.and) ORDER BY r.item, r.lot, r.plant_id, r.seq
                """, arguments: lotArguments + received.arguments).map { try $0.supplierLot() }
            return ShipmentTrace(
                plant: plant, shipment: shipment, kind: first.kind, order: first.order, customer: first.customer,
                dispatchedAt: first.dispatchedAt, contents: contents, links: traced, supplierLots: suppliers)
        }
    }

    /// What units carried (`shipment_contents c` with their shipment `s` and unit `u`), as `CarriedRow`s.
    private static let carried = """
        SELECT s.plant_id, s.shipment, s.kind, s.order_ref, s.customer, s.to_plant, u.sscc, c.item, c.lot, c.quantity, s.dispatched_at,
               u.received_at
        FROM shipment_contents c JOIN shipments s ON s.plant_id = c.plant_id AND s.shipment = c.shipment
        JOIN shipment_units u ON u.plant_id = c.plant_id AND u.shipment = c.shipment AND u.sscc = c.sscc
        """

    private struct TracedLinkRow: Decodable, FetchableRecord {
        var plantID, workOrder, outputItem, outputLot, inputItem, inputLot: String
        var quantity: Int64
        enum CodingKeys: String, CodingKey {
            case plantID = "plant_id", workOrder = "work_order", outputItem = "output_item", outputLot = "output_lot"
            case inputItem = "input_item", inputLot = "input_lot", quantity
        }
        var link: TracedLink {
            TracedLink(plant: plantID, workOrder: workOrder, item: outputItem, lot: outputLot, fromItem: inputItem, fromLot: inputLot,
                       quantity: Quantity(micro: quantity))
        }
    }

    private struct CarriedRow: Decodable, FetchableRecord {
        var plantID, shipment, kind, orderRef: String, customer, toPlant: String?, sscc, item, lot: String, quantity: Int64
        var dispatchedAt: String, receivedAt: String?
        enum CodingKeys: String, CodingKey {
            case plantID = "plant_id", shipment, kind, orderRef = "order_ref", customer, toPlant = "to_plant", sscc, item, lot, quantity
            case dispatchedAt = "dispatched_at", receivedAt = "received_at"
        }
        func carried() throws -> CarriedLot {
            let kind = try OutboundKind(rawValue: kind).orThrow("unknown shipment kind \(kind)")
            return CarriedLot(
                plant: plantID, shipment: shipment, kind: kind, order: orderRef, customer: customer, toPlant: toPlant, sscc: sscc, item: item,
                lot: lot, quantity: Quantity(micro: quantity),
                dispatchedAt: try Timestamp.parse(dispatchedAt).orThrow("unreadable dispatched_at"),
                received: kind == .transfer ? receivedAt != nil : nil)
        }
    }

    private struct TracedStockRow: Decodable, FetchableRecord {
        var plantID, item, lot: String, quantity: Int64
        enum CodingKeys: String, CodingKey { case plantID = "plant_id", item, lot, quantity }
        var balance: StockBalance { StockBalance(plant: plantID, item: item, lot: lot, quantity: Quantity(micro: quantity)) }
    }

    private struct SupplierLotRow: Decodable, FetchableRecord {
        var plantID, item, lot: String, supplier: String?, purchaseOrder: String, line: Int, quantity: Int64, receivedAt: String
        enum CodingKeys: String, CodingKey {
            case plantID = "plant_id", item, lot, supplier, purchaseOrder = "purchase_order", line, quantity, receivedAt = "received_at"
        }
        func supplierLot() throws -> SupplierLot {
            SupplierLot(plant: plantID, item: item, lot: lot, supplier: supplier, purchaseOrder: purchaseOrder, line: line,
                        quantity: Quantity(micro: quantity), receivedAt: try Timestamp.parse(receivedAt).orThrow("unreadable received_at"))
        }
    }
}
