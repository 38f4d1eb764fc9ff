import Foundation

/// The plant's answer to one line of a customer order or a transfer: taken on, or why not.
public struct OrderLineAnswer: Sendable, Equatable, Codable {
    public var line: Int
    public var accepted: Bool
    /// The date the plant promises the line, `YYYY-MM-DD`, when accepted.
    public var promised: String?
    public var reason: String?

    public init(line: Int, accepted: Bool, promised: String? = nil, reason: String? = nil) {
        self.line = line
        self.accepted = accepted
        self.promised = promised
        self.reason = reason
    }
}

/// The plant's answer to a customer order from the hub, line by line.
public struct CustomerOrderAnswered: PlantEvent {
    public static let eventType = "CustomerOrderAnswered"
    public static let schemaVersion = 1

    public var order: String
    /// The hub's instruction number it answers.
    public var instruction: Int64
    public var lines: [OrderLineAnswer]

    public init(order: String, instruction: Int64, lines: [OrderLineAnswer]) {
        self.order = order
        self.instruction = instruction
        self.lines = lines
    }
}

/// The sending plant's answer to a transfer from the hub, line by line.
public struct TransferAnswered: PlantEvent {
    public static let eventType = "TransferAnswered"
    public static let schemaVersion = 1

    public var transfer: String
    public var instruction: Int64
    public var lines: [OrderLineAnswer]

    public init(transfer: String, instruction: Int64, lines: [OrderLineAnswer]) {
        self.transfer = transfer
        self.instruction = instruction
        self.lines = lines
    }
}

/// What an outbound order is: a customer's order or a transfer to another plant.
public enum OutboundKind: String, Sendable, Codable, CaseIterable {
    case customerOrder = "customer-order"
    case transfer
}

/// A logistic unit was opened for packing: its SSCC, allocated from the plant's company prefix, and the order or
/// transfer it is packed for. What goes into it travels as `StockMoved` moves referencing the unit.
public struct LogisticUnitCreated: PlantEvent {
    public static let eventType = "LogisticUnitCreated"
    public static let schemaVersion = 1

    public var sscc: SSCC
    public var kind: OutboundKind
    public var order: String
    /// Where the packed unit stands until it ships.
    public var location: String

    public init(sscc: SSCC, kind: OutboundKind, order: String, location: String) {
        self.sscc = sscc
        self.kind = kind
        self.order = order
        self.location = location
    }
}

/// Goods left the plant: the logistic units of one shipment with what is in each (items, lots, serials), for one
/// customer order or transfer, handed to a carrier. Across companies `tradingPartner` names the buying company.
public struct ShipmentDispatched: PlantEvent {
    public static let eventType = "ShipmentDispatched"
    public static let schemaVersion = 1

    /// What left, per order or transfer line, with its price (the customer price or the transfer price).
    public struct Line: Sendable, Equatable, Codable {
        public var line: Int
        public var item: String
        public var quantity: Quantity
        public var price: Money?

        public init(line: Int, item: String, quantity: Quantity, price: Money?) {
            self.line = line
            self.item = item
            self.quantity = quantity
            self.price = price
        }
    }

    /// A line not yet shipped in full after this shipment: what is still owed.
    public struct Backorder: Sendable, Equatable, Codable {
        public var line: Int
        public var item: String
        public var quantity: Quantity

        public init(line: Int, item: String, quantity: Quantity) {
            self.line = line
            self.item = item
            self.quantity = quantity
        }
    }

    public var shipment: String
    public var kind: OutboundKind
    public var order: String
    public var customer: String?
    /// The receiving plant of a transfer.
    public var toPlant: String?
    /// The shipping plant's company.
    public var company: String
    /// The other company of the group, for an intercompany transfer.
    public var tradingPartner: String?
    public var carrier: String
    public var trackingReference: String
    public var units: [ShippedUnit]
    public var lines: [Line]
    public var backorders: [Backorder]

    public init(
        shipment: String, kind: OutboundKind, order: String, customer: String?, toPlant: String?, company: String,
        tradingPartner: String?, carrier: String, trackingReference: String, units: [ShippedUnit], lines: [Line], backorders: [Backorder]
    ) {
        self.shipment = shipment
        self.kind = kind
        self.order = order
        self.customer = customer
        self.toPlant = toPlant
        self.company = company
        self.tradingPartner = tradingPartner
        self.carrier = carrier
        self.trackingReference = trackingReference
        self.units = units
        self.lines = lines
        self.backorders = backorders
    }
}

/// A logistic unit of a transfer was received by scanning its SSCC. `company` is the receiver's, `tradingPartner`
/// the sender's when they differ.
public struct TransferUnitReceived: PlantEvent {
    public static let eventType = "TransferUnitReceived"
    public static let schemaVersion = 1

    public struct Content: Sendable, Equatable, Codable {
        public var line: Int
        public var item: String
        public var lot: String?
        public var serial: String?
        public var shipped: Quantity
        /// Received in good condition.
        public var received: Quantity
        /// Received damaged (into quarantine).
        public var damaged: Quantity

        public init(line: Int, item: String, lot: String?, serial: String?, shipped: Quantity, received: Quantity, damaged: Quantity) {
            self.line = line
            self.item = item
            self.lot = lot
            self.serial = serial
            self.shipped = shipped
            self.received = received
            self.damaged = damaged
        }
    }

    public var transfer: String
    public var shipment: String
    public var sscc: SSCC
    public var fromPlant: String
    public var company: String
    public var tradingPartner: String?
    public var location: String
    public var contents: [Content]
    public var receivedBy: String

    public init(
        transfer: String, shipment: String, sscc: SSCC, fromPlant: String, company: String, tradingPartner: String?,
        location: String, contents: [Content], receivedBy: String
    ) {
        self.transfer = transfer
        self.shipment = shipment
        self.sscc = sscc
        self.fromPlant = fromPlant
        self.company = company
        self.tradingPartner = tradingPartner
        self.location = location
        self.contents = contents
        self.receivedBy = receivedBy
    }
}

/// A transfer did not arrive as shipped: short (less, or a unit never scanned), over (more) or damaged.
public struct TransferDiscrepancyRecorded: PlantEvent {
    public static let eventType = "TransferDiscrepancyRecorded"
    public static let schemaVersion = 1

    public enum Kind: String, Sendable, Codable, CaseIterable { case short, over, damaged }

    /// `TRANSFER/n`, numbered per transfer at the receiving plant.
    public var discrepancy: String
    public var transfer: String
    public var sscc: SSCC?
    public var kind: Kind
    public var line: Int
    public var item: String
    public var lot: String?
    public var serial: String?
    public var quantity: Quantity
    public var reason: String
    public var recordedBy: String
    public var company: String
    public var tradingPartner: String?

    public init(
        discrepancy: String, transfer: String, sscc: SSCC?, kind: Kind, line: Int, item: String, lot: String?, serial: String?,
        quantity: Quantity, reason: String, recordedBy: String, company: String, tradingPartner: String?
    ) {
        self.discrepancy = discrepancy
        self.transfer = transfer
        self.sscc = sscc
        self.kind = kind
        self.line = line
        self.item = item
        self.lot = lot
        self.serial = serial
        self.quantity = quantity
        self.reason = reason
        self.recordedBy = recordedBy
        self.company = company
        self.tradingPartner = tradingPartner
    }
}

/// The receiving plant closed its receipt of a transfer: every unit not scanned by then is short.
public struct TransferReceiptClosed: PlantEvent {
    public static let eventType = "TransferReceiptClosed"
    public static let schemaVersion = 1

    public var transfer: String
    public var unitsReceived: Int
    public var unitsShort: Int
    public var closedBy: String
    public var company: String
    public var tradingPartner: String?

    public init(transfer: String, unitsReceived: Int, unitsShort: Int, closedBy: String, company: String, tradingPartner: String?) {
        self.transfer = transfer
        self.unitsReceived = unitsReceived
        self.unitsShort = unitsShort
        self.closedBy = closedBy
        self.company = company
        self.tradingPartner = tradingPartner
    }
}

/// A unit of stock was packed into a logistic unit by scan, against one line of the unit's order. When it was
/// taken from elsewhere than where the unit stands, a `StockMoved` (kind `move`, reference `logistic-unit`) moved it.
public struct LogisticUnitPacked: PlantEvent {
    public static let eventType = "LogisticUnitPacked"
    public static let schemaVersion = 1

    public var sscc: SSCC
    public var order: String
    public var line: Int
    public var item: String
    public var lot: String?
    public var serial: String?
    public var quantity: Quantity
    /// Where it was taken from.
    public var from: String

    public init(sscc: SSCC, order: String, line: Int, item: String, lot: String?, serial: String?, quantity: Quantity, from: String) {
        self.sscc = sscc
        self.order = order
        self.line = line
        self.item = item
        self.lot = lot
        self.serial = serial
        self.quantity = quantity
        self.from = from
    }
}
