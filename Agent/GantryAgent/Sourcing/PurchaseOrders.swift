import Foundation
import GantryCore

/// Purchase orders placed with suppliers and their lines (docs/sourcing.md).
public protocol PurchaseOrders: Sendable {
    /// Places an order with an approved supplier, each line priced from the supplier's terms; throws
    /// `SourcingRefusal` for an order that breaks `PurchaseOrderPlacement`'s rule.
    func placePurchaseOrder(_ order: PurchaseOrderPlaced) async throws
    /// The lines of one order or of all, with what was received and returned against them.
    func purchaseOrderLines(order: String?) async throws -> [PurchaseOrderLineRecord]
}
