import Foundation
import GantryCore

/// Customer orders and transfers the plant ships, and transfers it receives (docs/shipping.md): pick lists from
/// reserved stock, logistic units packed by scan under SSCCs, shipments, receipts of transfers by SSCC.
public protocol ShippingStore: Sendable {
    /// Outbound orders (customer orders and transfers this plant ships), one or all, with their lines.
    func outboundOrders(reference: String?) async throws -> [OutboundOrderView]
    /// Reserves what the order's lines still need, first expiring first, and lists what to pick where.
    func pickList(reference: String) async throws -> PickList
    /// Opens a logistic unit for an order at `location` under the plant's next SSCC.
    func openUnit(reference: String, location: String, requestID: UUID) async throws -> LogisticUnitView
    /// Packs a scanned unit of stock into a logistic unit.
    func pack(_ intent: PackIntent) async throws -> PackAnswer
    /// Logistic units of an order (or the one of `sscc`), with their contents.
    func logisticUnits(reference: String?, sscc: String?) async throws -> [LogisticUnitView]
    /// Ships logistic units of one order with a carrier.
    func ship(_ intent: ShipIntent) async throws -> ShipmentAnswer
    /// Transfers this plant expects, with their announced units.
    func inboundTransfers(transfer: String?) async throws -> [InboundTransferView]
    /// Receives one logistic unit of a transfer by its SSCC.
    func receiveTransferUnit(_ intent: TransferReceiptIntent) async throws -> TransferReceiptAnswer
    /// Closes the receipt of a transfer: every announced unit not received is short.
    func closeTransferReceipt(transfer: String, closedBy: String) async throws -> TransferReceiptClosed
}

/// Pack one scanned unit of stock into a logistic unit.
public struct PackIntent: Sendable {
    public var requestID: UUID
    public var sscc: SSCC
    public var unit: UnitSpec
    public var from: String
    /// The order line, when the item is on more than one.
    public var line: Int?

    public init(requestID: UUID, sscc: SSCC, unit: UnitSpec, from: String, line: Int?) {
        self.requestID = requestID
        self.sscc = sscc
        self.unit = unit
        self.from = from
        self.line = line
    }
}

/// Ship logistic units of one order.
public struct ShipIntent: Sendable {
    public var requestID: UUID
    public var reference: String
    public var units: [SSCC]
    public var carrier: String
    public var trackingReference: String

    public init(requestID: UUID, reference: String, units: [SSCC], carrier: String, trackingReference: String) {
        self.requestID = requestID
        self.reference = reference
        self.units = units
        self.carrier = carrier
        self.trackingReference = trackingReference
    }
}

/// Receive one logistic unit of a transfer.
public struct TransferReceiptIntent: Sendable {
    public var requestID: UUID
    public var transfer: String
    public var sscc: SSCC
    public var location: String
    /// Where damaged goods go (a quarantine location); required when a finding is damaged.
    public var damagedLocation: String?
    public var findings: [TransferReceiptDecision.Finding]
    public var receivedBy: String

    public init(
        requestID: UUID, transfer: String, sscc: SSCC, location: String, damagedLocation: String?,
        findings: [TransferReceiptDecision.Finding], receivedBy: String
    ) {
        self.requestID = requestID
        self.transfer = transfer
        self.sscc = sscc
        self.location = location
        self.damagedLocation = damagedLocation
        self.findings = findings
        self.receivedBy = receivedBy
    }
}

/// An outbound order as the plant holds it.
public struct OutboundOrderView: Sendable, Codable, Equatable {
    public struct Line: Sendable, Codable, Equatable {
        public var line: Int
        public var item: String
        public var ordered: Quantity
        public var packed: Quantity
        public var shipped: Quantity
        public var price: Money?
        public var accepted: Bool
        public var promised: String?
        public var reason: String?
    }

    public var reference: String
    public var kind: OutboundKind
    /// The customer, or the receiving plant.
    public var counterpart: String
    public var company: String
    public var tradingPartner: String?
    public var requested: String
    public var status: String
    public var lines: [Line]
}

/// What to pick where for an order: its reservations, first expiring first, by location.
public struct PickList: Sendable, Codable, Equatable {
    public struct Pick: Sendable, Codable, Equatable {
        public var location: String
        public var item: String
        public var lot: String?
        public var serial: String?
        public var expiry: String?
        public var quantity: Quantity
    }

    public var reference: String
    public var picks: [Pick]
    /// Lines the plant's usable stock cannot cover now.
    public var shortages: [Shortage]
    public var message: String
}

/// A logistic unit with its label and contents.
public struct LogisticUnitView: Sendable, Codable, Equatable {
    public struct Content: Sendable, Codable, Equatable {
        public var line: Int
        public var item: String
        public var lot: String?
        public var serial: String?
        public var quantity: Quantity
    }

    /// What the label prints.
    public struct Label: Sendable, Codable, Equatable {
        public var humanReadable: String
        public var gs1_128: String
    }

    public var sscc: SSCC
    public var reference: String
    public var location: String
    public var status: String
    public var shipment: String?
    public var contents: [Content]
    public var label: Label
    public var duplicate: Bool = false
}

/// The answer to a pack scan.
public struct PackAnswer: Sendable, Codable, Equatable {
    public var requestId: UUID
    public var sscc: SSCC
    public var reference: String
    public var line: Int
    public var item: String
    public var lot: String?
    public var serial: String?
    public var quantity: Quantity
    /// The line's packed and ordered quantities after this scan.
    public var linePacked: Quantity
    public var lineOrdered: Quantity
    public var message: String
    public var duplicate: Bool
}

/// The answer to a shipment.
public struct ShipmentAnswer: Sendable, Codable, Equatable {
    public var requestId: UUID
    public var shipment: String
    public var dispatched: ShipmentDispatched
    public var message: String
    public var duplicate: Bool
}

/// A transfer this plant expects.
public struct InboundTransferView: Sendable, Codable, Equatable {
    public struct Unit: Sendable, Codable, Equatable {
        public var sscc: SSCC
        public var shipment: String
        public var status: String
        public var location: String?
        public var contents: [ShippedUnit.Content]
    }

    public struct Discrepancy: Sendable, Codable, Equatable {
        public var discrepancy: String
        public var sscc: String?
        public var kind: TransferDiscrepancyRecorded.Kind
        public var line: Int
        public var item: String
        public var lot: String?
        public var serial: String?
        public var quantity: Quantity
        public var reason: String
        public var recordedBy: String
    }

    public var transfer: String
    public var fromPlant: String
    public var company: String
    public var tradingPartner: String?
    public var status: String
    public var units: [Unit]
    public var discrepancies: [Discrepancy]
}

/// The answer to a transfer receipt scan.
public struct TransferReceiptAnswer: Sendable, Codable, Equatable {
    public var requestId: UUID
    public var received: TransferUnitReceived
    public var discrepancies: [TransferDiscrepancyRecorded]
    public var message: String
    public var duplicate: Bool
}
