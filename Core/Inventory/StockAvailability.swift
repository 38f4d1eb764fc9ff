import Foundation

/// How much of a stock row a request may take: what is there and not reserved for others.
public enum StockAvailability {
    /// Refuses to take `unit` from a row holding `held`, of which `reservedForOthers` is reserved for other work
    /// orders (for any order, when `workOrder` is nil: a move takes only unreserved stock).
    public static func requireFree(
        _ unit: ResolvedUnit, at location: String, held: Quantity, reservedForOthers: Quantity, for workOrder: String?
    ) throws {
        guard unit.quantity <= held - reservedForOthers else {
            if unit.quantity <= held {
                throw InventoryRefusal(.reservedElsewhere, "\(reservedForOthers) of the \(held) of \(unit.description) at \(location) is reserved"
                    + (workOrder == nil ? "; release it or issue it to its work order" : " for other work orders"))
            }
            throw InventoryRefusal(held == .zero ? .notInStock : .insufficientStock, "\(location) holds \(held) of \(unit.description), not \(unit.quantity)")
        }
    }

    /// Refuses to take more of a row than it holds.
    public static func requireHeld(_ unit: ResolvedUnit, at location: String, held: Quantity) throws {
        guard held >= unit.quantity else {
            throw InventoryRefusal(held == .zero ? .notInStock : .insufficientStock, "\(location) holds \(held) of \(unit.description), not \(unit.quantity)")
        }
    }
}
