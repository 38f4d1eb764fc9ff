import Foundation
import GantryCore

/// Purchase orders placed with suppliers and their lines (docs/sourcing.md).
public protocol PurchaseOrders: Sendable {
    func placePurchaseOrder(_ order: PurchaseOrderPlaced) async throws
    func purchaseOrderLines(order: String?) async throws -> [[String: String]]
}
