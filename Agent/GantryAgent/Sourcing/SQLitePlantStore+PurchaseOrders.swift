import Foundation
import GantryCore
import GRDB

/// Purchase orders: placing one (by hand or from a reorder run) and reading its lines.
extension SQLitePlantStore {
    public func placePurchaseOrder(_ order: PurchaseOrderPlaced) async throws {
        let at = now()
        try await writer.write { db in try Self.place(order, at: at, in: db) }
    }

    /// Checks and records a purchase order with its event, inside the caller's transaction: reads what
    /// `PurchaseOrderPlacement` decides on, asks it, writes the lines and the event.
    static func place(_ order: PurchaseOrderPlaced, at: Date, in db: Database) throws {
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM purchase_order_lines WHERE purchase_order = ?", arguments: [order.order]) == true {
            throw StoreError(.idempotencyConflict, "purchase order \(order.order) exists already")
        }
        let supplier = try Self.master(.supplier, order.supplier, in: db)
        var knownItems: Set<String> = [], prices: [String: Money] = [:]
        for item in Set(order.lines.map(\.item)) {
            if try Self.item(item, in: db) != nil { knownItems.insert(item) }
            // The price the hub's supplier information gives for this supplier and item, when it has one.
            if let terms = try Self.master(.supplierItem, "\(order.supplier):\(item)", in: db).flatMap(SupplierItemMaster.init) {
                prices[item] = terms.price
            }
        }
        let placed = try PurchaseOrderPlacement.decide(order, snapshot: .init(
            supplierHeld: supplier != nil, supplier: supplier.flatMap(SupplierMaster.init), knownItems: knownItems, prices: prices))
        for line in placed.lines {
            try db.execute(sql: """
                INSERT INTO purchase_order_lines
                    (purchase_order, line, supplier, item, ordered, tolerance_percent, due, placed_at, price_amount, price_currency)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [placed.order, line.line, placed.supplier, line.item, line.quantity.micro,
                                 line.tolerancePercent.description, line.due, Timestamp.format(at), line.price, line.currency])
        }
        _ = try Self.append(placed, occurredAt: at, recordedAt: at, in: db)
    }

    /// Columns are named, not `p.*`: a reader connection that loaded the schema before a migration would expand `*`
    /// to the columns of the older table.
    public func purchaseOrderLines(order: String?) async throws -> [PurchaseOrderLineRecord] {
        try await pool.read { db in
            try PurchaseOrderLineRow.fetchAll(db, sql: """
                SELECT p.purchase_order, p.line, p.supplier, p.item, p.ordered, p.received, p.tolerance_percent, p.due, p.price_amount,
                       p.price_currency, p.confirmed_due, p.confirmed_quantity, (SELECT coalesce(sum(m.quantity), 0) FROM stock_moves m
                  WHERE m.kind = 'return' AND m.reference_kind = 'purchase-order-line' AND m.reference_id = p.purchase_order || '/' || p.line) AS returned
                FROM purchase_order_lines p WHERE (?1 IS NULL OR p.purchase_order = ?1) ORDER BY p.purchase_order, p.line
                """, arguments: [order]).map(\.record)
        }
    }
}

/// A row of `purchase_order_lines` with the quantity returned against it.
struct PurchaseOrderLineRow: Decodable, FetchableRecord {
    var purchaseOrder: String
    var line: Int
    var supplier: String
    var item: String
    var ordered: Int64
    var received: Int64
    var returned: Int64
    var tolerancePercent: String
    var due: String?
    var priceAmount: String?
    var priceCurrency: String?
    var confirmedDue: String?
    var confirmedQuantity: Int64?

    enum CodingKeys: String, CodingKey {
        case purchaseOrder = "purchase_order", line, supplier, item, ordered, received, returned
        case tolerancePercent = "tolerance_percent", due, priceAmount = "price_amount", priceCurrency = "price_currency"
        case confirmedDue = "confirmed_due", confirmedQuantity = "confirmed_quantity"
    }

    /// The line as `GET /v1/purchase-orders` answers it.
    var record: PurchaseOrderLineRecord {
        PurchaseOrderLineRecord(
            order: purchaseOrder, line: String(line), supplier: supplier, item: item, ordered: Quantity(micro: ordered).description,
            received: Quantity(micro: received).description, returned: Quantity(micro: returned).description,
            tolerancePercent: tolerancePercent, due: due ?? "",
            price: priceAmount.map { amount in priceCurrency.map { "\(amount) \($0)" } ?? amount } ?? "",
            confirmedDue: confirmedDue ?? "", confirmedQuantity: confirmedQuantity.map { Quantity(micro: $0).description } ?? "")
    }
}

/// A purchase order line as `GET /v1/purchase-orders` answers it: every member text, `""` for what is not
/// set; `price` is the unit price and its currency, `"100 EUR"`.
public struct PurchaseOrderLineRecord: Sendable, Equatable, Codable {
    public var order: String
    public var line: String
    public var supplier: String
    public var item: String
    public var ordered: String
    public var received: String
    public var returned: String
    public var tolerancePercent: String
    public var due: String
    public var price: String
    public var confirmedDue: String
    public var confirmedQuantity: String
}
