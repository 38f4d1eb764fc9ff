import Foundation

/// The rule for placing a purchase order: a plant-local order number, an approved supplier, distinct line numbers,
/// known items, positive quantities and sane tolerances; each line priced from the supplier's terms for its item.
/// Pure: the store reads the snapshot in its write transaction and writes what this returns.
public enum PurchaseOrderPlacement {
    /// What the store knows when an order arrives.
    public struct Snapshot: Sendable, Equatable {
        /// Whether the plant holds a supplier master by the order's code.
        public var supplierHeld: Bool
        /// That master read; nil when it is not held or does not read (then it is not on the approved list).
        public var supplier: SupplierMaster?
        /// The order's items the plant holds a master for.
        public var knownItems: Set<String>
        /// The supplier's unit price for an item (`supplier-item` masters), by item.
        public var prices: [String: Money]

        public init(supplierHeld: Bool, supplier: SupplierMaster?, knownItems: Set<String>, prices: [String: Money]) {
            self.supplierHeld = supplierHeld
            self.supplier = supplier
            self.knownItems = knownItems
            self.prices = prices
        }
    }

    /// The order as placed (each line with its price when the supplier's terms give one), or the refusal naming the field.
    public static func decide(_ order: PurchaseOrderPlaced, snapshot: Snapshot) throws(SourcingRefusal) -> PurchaseOrderPlaced {
        guard PlantIdentity.isLocalCode(order.order) else {
            throw SourcingRefusal(.invalid, "an order number is 1 to 64 letters, digits, '-', '_' or '.'", field: "order")
        }
        guard snapshot.supplierHeld else {
            throw SourcingRefusal(.invalid, "no supplier \(order.supplier) in this plant's masters", field: "supplier")
        }
        guard snapshot.supplier?.takesOrders == true else {
            throw SourcingRefusal(.invalid, "supplier \(order.supplier) is not on the approved list (approved or conditional)", field: "supplier")
        }
        guard !order.lines.isEmpty, Set(order.lines.map(\.line)).count == order.lines.count,
              order.lines.allSatisfy({ (1...99_999).contains($0.line) }) else {
            throw SourcingRefusal(.invalid, "an order needs lines with distinct line numbers from 1 to 99,999", field: "lines")
        }
        var placed = order
        for (index, line) in order.lines.enumerated() {
            guard snapshot.knownItems.contains(line.item) else {
                throw SourcingRefusal(.unknownItem, "line \(line.line): no item \(line.item) in this plant's masters", field: "lines")
            }
            guard line.quantity.isPositive, line.tolerancePercent >= .zero, line.tolerancePercent <= Quantity(1000) else {
                throw SourcingRefusal(.invalid, "line \(line.line): the quantity must be positive and the tolerance 0 to 1000 %", field: "lines")
            }
            // The event carries the price too, so the hub can compare prices across plants.
            if let price = snapshot.prices[line.item] { placed.lines[index].unitPrice = price }
        }
        return placed
    }
}
