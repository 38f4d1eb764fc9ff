import Foundation
import GantryCore

/// One line of a customer order in `GET /v1/customer-orders`.
public struct OrderLineReport: Sendable, Equatable, Codable {
    public var line: Int
    public var item: String
    public var ordered: Quantity
    /// Per base unit, in the order's (or the transfer price's) currency; nil for a transfer within one company.
    public var price: String?
    public var currency: String?
    public var promised: String?
    public var shipped: Quantity
    /// Ordered less shipped, while the line is short and the plant has not refused it.
    public var backorder: Quantity
    /// The plant's answer: nil until it answered.
    public var accepted: Bool?
    public var answeredPromised: String?
    public var reason: String?
}

/// A logistic unit as a report shows it.
public struct UnitReport: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable { case shipped, inTransit = "in-transit", received, short }

    public var sscc: String
    public var state: State
    public var receivedAt: Date?
    public var receivedBy: String?
    public var contents: [ContentReport]
}

/// What is in a unit.
public struct ContentReport: Sendable, Equatable, Codable {
    public var line: Int
    public var item: String
    public var lot: String?
    public var serial: String?
    public var expiry: String?
    public var quantity: Quantity
    /// Once received: in good condition, and damaged.
    public var received: Quantity?
    public var damaged: Quantity?
}

/// A shipment of an order or a transfer.
public struct ShipmentReport: Sendable, Equatable, Codable {
    public struct Line: Sendable, Equatable, Codable {
        public var line: Int
        public var item: String
        public var quantity: Quantity
        public var price: String?
        public var currency: String?
    }

    public var plant: String
    public var shipment: String
    public var company: String
    public var tradingPartner: String?
    public var dispatchedAt: Date
    public var carrier: String
    public var trackingReference: String
    public var lines: [Line]
    public var units: [UnitReport]
}

/// A customer order in `GET /v1/customer-orders`.
public struct CustomerOrderReport: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable { case open, partiallyShipped = "partially-shipped", shipped }

    public var order: String
    public var plant: String
    public var company: String
    public var customer: String
    public var currency: String
    public var requested: String
    public var orderedAt: Date
    public var orderedBy: String
    public var status: Status
    public var lines: [OrderLineReport]
    public var shipments: [ShipmentReport]
}

/// A discrepancy between what a transfer shipped and what arrived, with its settlement.
public struct DiscrepancyReport: Sendable, Equatable, Codable {
    public var discrepancy: String
    public var transfer: String
    /// The receiving plant that recorded it.
    public var plant: String
    public var sscc: String?
    public var kind: TransferDiscrepancyRecorded.Kind
    public var line: Int
    public var item: String
    public var lot: String?
    public var serial: String?
    public var quantity: Quantity
    public var reason: String
    public var recordedBy: String
    public var recordedAt: Date
    public var company: String
    public var tradingPartner: String?
    /// nil until settled.
    public var settlement: DiscrepancySettlement?
}

/// A transfer in `GET /v1/transfers`.
public struct TransferReport: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        case open, inTransit = "in-transit", received, closed
    }

    public struct Units: Sendable, Equatable, Codable {
        public var shipped: Int
        public var received: Int
        /// Not received when the receiving plant closed its receipt.
        public var short: Int
    }

    public var transfer: String
    public var fromPlant: String
    public var toPlant: String
    public var fromCompany: String
    public var toCompany: String
    public var requested: String
    public var createdAt: Date
    public var createdBy: String
    public var status: Status
    public var closedAt: Date?
    public var closedBy: String?
    public var lines: [OrderLineReport]
    public var shipments: [ShipmentReport]
    public var units: Units
    public var discrepancies: [DiscrepancyReport]
}

/// A unit on its way between two plants (`GET /v1/reports/in-transit`).
public struct InTransitUnit: Sendable, Equatable, Codable {
    public var transfer: String
    public var fromPlant: String
    public var toPlant: String
    public var fromCompany: String
    public var toCompany: String
    public var shipment: String
    public var sscc: String
    public var dispatchedAt: Date
    public var carrier: String
    public var trackingReference: String
    public var contents: [ContentReport]
}

/// A customer order line and what shipped against it, for `ServiceLevel.evaluate`.
public struct ServiceLevelFacts: Sendable, Equatable {
    public var company: String
    public var plant: String
    public var timeZone: String
    public var customer: String
    public var order: String
    public var line: Int
    public var item: String
    public var ordered: Quantity
    public var requested: String
    /// The line's promised date: the plant's answer, else the order's.
    public var promised: String?
    public var orderedAt: Date
    public var shipments: [(at: Date, quantity: Quantity)]

    public static func == (lhs: ServiceLevelFacts, rhs: ServiceLevelFacts) -> Bool {
        lhs.order == rhs.order && lhs.line == rhs.line && lhs.company == rhs.company
            && lhs.shipments.map(\.at) == rhs.shipments.map(\.at) && lhs.shipments.map(\.quantity) == rhs.shipments.map(\.quantity)
    }
}
