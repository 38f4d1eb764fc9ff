import Foundation
import GantryCore

/// Customer orders and transfers the hub hands to plants, and what became of them (docs/shipping.md).
public protocol OutboundOrders: Sendable {
    /// Keeps a customer order and hands it to its plant as a `customer-order` instruction, with its audit entry, in
    /// one transaction. An order the company holds under that reference already is answered instead, unchanged.
    func placeCustomerOrder(_ order: CustomerOrderInstruction, plant: String, at: Date, by: String, audit: AuditDraft) async throws -> OrderPlacement
    /// Keeps a transfer and hands it to the sending plant (`transfer-out`) and the receiving one (`transfer-in`), with
    /// its audit entry, in one transaction. A transfer held under that reference already is answered instead.
    func placeTransfer(_ transfer: TransferInstruction, at: Date, by: String, audit: AuditDraft) async throws -> OrderPlacement
    /// Customer orders with their lines and shipments, within `scope`'s companies.
    func customerOrders(_ filter: OutboundFilter, scope: CompanyScope) async throws -> [CustomerOrderReport]
    /// Transfers with their lines, shipments, units and discrepancies; either company of a transfer sees it.
    func transfers(_ filter: OutboundFilter, scope: CompanyScope) async throws -> [TransferReport]
    /// Settles a discrepancy once, with its audit entry; fails `notFound` for one unknown within `scope`, `duplicate`
    /// for one settled already.
    func settleDiscrepancy(
        transfer: String, discrepancy: String, settlement: DiscrepancySettlement, scope: CompanyScope, audit: AuditDraft
    ) async throws -> DiscrepancyReport
}

/// What left the plants and where it is (docs/shipping.md).
public protocol ShippingReports: Sendable {
    /// Units shipped on transfers and not received yet; either company of the transfer sees them.
    func inTransit(company: String?, plant: String?, scope: CompanyScope) async throws -> [InTransitUnit]
    /// Customer order lines with each shipment's quantity and time, and the shipping plant's time zone.
    func serviceLevelFacts(_ filter: OutboundFilter, scope: CompanyScope) async throws -> [ServiceLevelFacts]
}

/// Which customer orders or transfers a report covers (nil: any).
public struct OutboundFilter: Sendable, Equatable {
    public var company: String?
    public var plant: String?
    public var customer: String?
    /// The order's or the transfer's reference.
    public var reference: String?

    public init(company: String? = nil, plant: String? = nil, customer: String? = nil, reference: String? = nil) {
        self.company = company
        self.plant = plant
        self.customer = customer
        self.reference = reference
    }
}

/// What placing an order or a transfer gave: the instructions handed out, and whether now (`created`) or before.
public struct OrderPlacement: Sendable, Equatable {
    public var instructions: [PlantInstruction]
    public var created: Bool
}
