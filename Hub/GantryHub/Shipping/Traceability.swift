import Foundation
import GantryCore

/// Traces through the group's genealogy, each direction one recursive query over `lot_links` (by item and lot,
/// so across plants and across transfers, where a lot keeps its code), within a principal's companies.
public protocol Traceability: Sendable {
    /// A shipment traced back to the supplier lots inside it (nil: no such shipment within `scope`).
    func shipmentTrace(plant: String, shipment: String, scope: CompanyScope) async throws -> ShipmentTrace?
    /// Everything made from a lot at every plant, every shipment and transfer unit that carried any of it, and where
    /// it is in stock now.
    func recall(item: String, lot: String, scope: CompanyScope) async throws -> RecallReport
}

/// A genealogy link reached by a trace: at `plant`, work order `workOrder` made `item`/`lot` from `fromItem`/`fromLot`.
public struct TracedLink: Sendable, Equatable, Codable {
    public var plant: String
    public var workOrder: String
    public var item: String
    public var lot: String
    public var fromItem: String
    public var fromLot: String
    public var quantity: Quantity
}

/// A lot received from a supplier against a purchase order line: where a trace backward ends.
public struct SupplierLot: Sendable, Equatable, Codable {
    public var plant: String
    public var item: String
    public var lot: String
    public var supplier: String?
    public var purchaseOrder: String
    public var line: Int
    public var quantity: Quantity
    public var receivedAt: Date
}

/// `GET /v1/shipments/{plant}/{shipment}/trace`.
public struct ShipmentTrace: Sendable, Equatable, Codable {
    public var plant: String
    public var shipment: String
    public var kind: OutboundKind
    public var order: String
    public var customer: String?
    public var dispatchedAt: Date
    /// Every unit's contents, with its SSCC.
    public var contents: [CarriedLot]
    public var links: [TracedLink]
    public var supplierLots: [SupplierLot]
}

/// Some of a lot in one logistic unit of one shipment.
public struct CarriedLot: Sendable, Equatable, Codable {
    public var plant: String
    public var shipment: String
    public var kind: OutboundKind
    public var order: String
    public var customer: String?
    public var toPlant: String?
    public var sscc: String
    public var item: String
    public var lot: String
    public var quantity: Quantity
    public var dispatchedAt: Date
    /// For a transfer's unit: whether it arrived (nil for a customer's).
    public var received: Bool?
}

/// `GET /v1/recalls?item=&lot=`.
public struct RecallReport: Sendable, Equatable, Codable {
    public var item: String
    public var lot: String
    /// Every lot made from it, link by link, at every plant.
    public var links: [TracedLink]
    /// Every unit that left a plant with any of those lots (the lot itself included): to customers and on transfers.
    public var shipped: [CarriedLot]
    public var customers: [String]
    /// Where any of those lots is in stock now.
    public var stock: [StockBalance]
}
