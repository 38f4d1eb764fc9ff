import Foundation
import GantryCore
import GRDB

/// Purchase orders: placing one (by hand or from a reorder run) and reading its lines.
extension SQLitePlantStore {
    public func placePurchaseOrder(_ order: PurchaseOrderPlaced) async throws {
        let at = now()
        try await writer.write { db in try Self.place(order, at: at, in: db) }
    }

    /// Checks and records a purchase order with its event, inside the caller's transaction.
    static func place(_ order: PurchaseOrderPlaced, at: Date, in db: Database) throws {
        guard Self.isCode(order.order) else { throw InventoryRefusal(.invalid, "an order number is 1 to 64 letters, digits, '-', '_' or '.'", field: "order") }
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM purchase_order_lines WHERE purchase_order = ?", arguments: [order.order]) == true {
            throw StoreError(.idempotencyConflict, "purchase order \(order.order) exists already")
        }
        guard let supplier = try Self.master(.supplier, order.supplier, in: db) else {
            throw InventoryRefusal(.invalid, "no supplier \(order.supplier) in this plant's masters", field: "supplier")
        }
        guard supplier.active, case .object(let data) = supplier.data, case .string(let status)? = data["status"],
              status == "approved" || status == "conditional" else {
            throw InventoryRefusal(.invalid, "supplier \(order.supplier) is not on the approved list (approved or conditional)", field: "supplier")
        }
        guard !order.lines.isEmpty, Set(order.lines.map(\.line)).count == order.lines.count,
              order.lines.allSatisfy({ (1...99_999).contains($0.line) }) else {
            throw InventoryRefusal(.invalid, "an order needs lines with distinct line numbers from 1 to 99,999", field: "lines")
        }
        var placed = order
        for (index, line) in order.lines.enumerated() {
            guard try Self.item(line.item, in: db) != nil else {
                throw InventoryRefusal(.unknownItem, "line \(line.line): no item \(line.item) in this plant's masters", field: "lines")
            }
            guard line.quantity.isPositive, line.tolerancePercent >= .zero, line.tolerancePercent <= Quantity(1000) else {
                throw InventoryRefusal(.invalid, "line \(line.line): the quantity must be positive and the tolerance 0 to 1000 %", field: "lines")
            }
            // The price the hub's supplier information gives for this supplier and item, when it has one.
            var price: String?
            if let offer = try Self.master(.supplierItem, "\(order.supplier):\(line.item)", in: db), case .object(let terms) = offer.data,
               case .object(let money)? = terms["price"], case .string(let amount)? = money["amount"], case .string(let currency)? = money["currency"] {
                price = "\(amount) \(currency)"
                // The event carries it too, so the hub can compare prices across plants.
                placed.lines[index].price = amount
                placed.lines[index].currency = currency
            }
            try db.execute(sql: """
                INSERT INTO purchase_order_lines (purchase_order, line, supplier, item, ordered, tolerance_percent, due, placed_at, price)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [order.order, line.line, order.supplier, line.item, line.quantity.micro,
                                 line.tolerancePercent.description, line.due, Timestamp.format(at), price])
        }
        _ = try Self.append(placed, occurredAt: at, recordedAt: at, in: db)
    }

    public func purchaseOrderLines(order: String?) async throws -> [[String: String]] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT p.*, (SELECT coalesce(sum(m.quantity), 0) FROM stock_moves m
                  WHERE m.kind = 'return' AND m.reference_kind = 'purchase-order-line' AND m.reference_id = p.purchase_order || '/' || p.line) AS returned
                FROM purchase_order_lines p WHERE (?1 IS NULL OR p.purchase_order = ?1) ORDER BY p.purchase_order, p.line
                """, arguments: [order]).map { row in
                [
                    "order": row["purchase_order"], "line": String(row["line"] as Int), "supplier": row["supplier"], "item": row["item"],
                    "ordered": Quantity(micro: row["ordered"]).description, "received": Quantity(micro: row["received"]).description,
                    "returned": Quantity(micro: row["returned"]).description,
                    "tolerancePercent": row["tolerance_percent"], "due": row["due"] ?? "", "price": row["price"] ?? "",
                    "confirmedDue": row["confirmed_due"] ?? "",
                    "confirmedQuantity": (row["confirmed_quantity"] as Int64?).map { Quantity(micro: $0).description } ?? "",
                ]
            }
        }
    }
}
