import Foundation

/// A customer order the hub hands to the plant that ships it. Prices are per base unit of the line's item, in the
/// order's currency. The plant answers with `CustomerOrderAnswered`, line by line.
public struct CustomerOrderInstruction: Sendable, Equatable, Codable {
    public struct Line: Sendable, Equatable, Codable {
        /// 1, 2, 3, … within the order.
        public var line: Int
        public var item: String
        public var quantity: Quantity
        public var price: Money
        /// A date agreed with the customer for this line, `YYYY-MM-DD`, when other than the order's requested date.
        public var promised: String?

        public init(line: Int, item: String, quantity: Quantity, price: Money, promised: String? = nil) {
            self.line = line
            self.item = item
            self.quantity = quantity
            self.price = price
            self.promised = promised
        }
    }

    public var order: String
    public var customer: String
    public var customerName: String
    /// The selling company (the plant's).
    public var company: String
    public var currency: CurrencyCode
    /// The date the customer asked for, `YYYY-MM-DD`.
    public var requested: String
    public var lines: [Line]
    public var shipTo: String?
    public var note: String?

    public init(
        order: String, customer: String, customerName: String, company: String, currency: CurrencyCode, requested: String,
        lines: [Line], shipTo: String? = nil, note: String? = nil
    ) {
        self.order = order
        self.customer = customer
        self.customerName = customerName
        self.company = company
        self.currency = currency
        self.requested = requested
        self.lines = lines
        self.shipTo = shipTo
        self.note = note
    }
}

/// A transfer of goods from one plant to another, handed to both: the sender ships it (`transfer-out`), the receiver
/// expects it (`transfer-in`). Across two companies it is an intercompany sale and purchase at each line's transfer
/// price from the governed intercompany price list.
public struct TransferInstruction: Sendable, Equatable, Codable {
    public struct Line: Sendable, Equatable, Codable {
        public var line: Int
        public var item: String
        public var quantity: Quantity
        /// The transfer price per base unit; nil within one company.
        public var price: Money?

        public init(line: Int, item: String, quantity: Quantity, price: Money? = nil) {
            self.line = line
            self.item = item
            self.quantity = quantity
            self.price = price
        }
    }

    public var transfer: String
    /// Plant ids `COMPANY-PLANT`.
    public var fromPlant: String
    public var toPlant: String
    public var fromCompany: String
    public var toCompany: String
    /// The date the receiving plant needs the goods, `YYYY-MM-DD`.
    public var requested: String
    public var lines: [Line]
    public var note: String?
    /// The sending plant's GS1 company prefix: the receiver refuses an SSCC allocated under another one.
    public var fromCompanyPrefix: GS1CompanyPrefix?

    public init(
        transfer: String, fromPlant: String, toPlant: String, fromCompany: String, toCompany: String, requested: String,
        lines: [Line], note: String? = nil, fromCompanyPrefix: GS1CompanyPrefix? = nil
    ) {
        self.fromCompanyPrefix = fromCompanyPrefix
        self.transfer = transfer
        self.fromPlant = fromPlant
        self.toPlant = toPlant
        self.fromCompany = fromCompany
        self.toCompany = toCompany
        self.requested = requested
        self.lines = lines
        self.note = note
    }

    /// Whether the two plants belong to different companies of the group.
    public var isIntercompany: Bool { fromCompany != toCompany }
}

/// What another plant shipped on a transfer to this one, unit by unit: the hub hands it on once the sender's
/// `ShipmentDispatched` reached it, so the receiver can check every SSCC it scans, offline too.
public struct InboundShipmentInstruction: Sendable, Equatable, Codable {
    public var transfer: String
    public var shipment: String
    public var fromPlant: String
    public var fromCompany: String
    public var toCompany: String
    public var carrier: String?
    public var trackingReference: String?
    public var dispatchedAt: Date
    public var units: [ShippedUnit]

    public init(
        transfer: String, shipment: String, fromPlant: String, fromCompany: String, toCompany: String, carrier: String?,
        trackingReference: String?, dispatchedAt: Date, units: [ShippedUnit]
    ) {
        self.transfer = transfer
        self.shipment = shipment
        self.fromPlant = fromPlant
        self.fromCompany = fromCompany
        self.toCompany = toCompany
        self.carrier = carrier
        self.trackingReference = trackingReference
        self.dispatchedAt = dispatchedAt
        self.units = units
    }
}

/// One logistic unit as it left a plant: its SSCC and what is in it.
public struct ShippedUnit: Sendable, Equatable, Codable {
    public struct Content: Sendable, Equatable, Codable {
        /// The order or transfer line the content ships against.
        public var line: Int
        public var item: String
        public var lot: String?
        public var serial: String?
        /// The lot's expiry, `YYYY-MM-DD`, so the receiver keeps it.
        public var expiry: String?
        /// In the item's base unit.
        public var quantity: Quantity

        public init(line: Int, item: String, lot: String?, serial: String?, expiry: String?, quantity: Quantity) {
            self.line = line
            self.item = item
            self.lot = lot
            self.serial = serial
            self.expiry = expiry
            self.quantity = quantity
        }

        public var unit: StockUnit { StockUnit(item: item, lot: lot, serial: serial) }
    }

    public var sscc: SSCC
    public var contents: [Content]

    public init(sscc: SSCC, contents: [Content]) {
        self.sscc = sscc
        self.contents = contents
    }
}
