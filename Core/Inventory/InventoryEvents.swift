import Foundation

/// Where stock can be, as a plant defines it.
public enum LocationType: String, Sendable, Codable, CaseIterable {
    /// Goods received, waiting for put-away (and inspection).
    case receiving
    /// Regular storage: available for reservation and issue.
    case storage
    /// Held: nothing here can be reserved or issued.
    case quarantine
    /// Staged at the line for production.
    case production
    /// Scrapped goods awaiting disposal: not available.
    case scrap

    /// Whether stock here may be reserved and issued.
    public var isAvailable: Bool { self == .storage || self == .production || self == .receiving }
}

/// A plant defined or changed one of its locations (plant-owned data; it travels up as this event).
public struct LocationDefined: PlantEvent {
    public static let eventType = "LocationDefined"
    public static let schemaVersion = 1

    public var code: String
    public var type: LocationType
    public var warehouse: String
    public var zone: String?
    public var bin: String?
    public var active: Bool

    public init(code: String, type: LocationType, warehouse: String, zone: String?, bin: String?, active: Bool) {
        self.code = code
        self.type = type
        self.warehouse = warehouse
        self.zone = zone
        self.bin = bin
        self.active = active
    }
}

/// A purchase order line the plant expects goods against.
public struct PurchaseOrderLine: Sendable, Equatable, Codable {
    public var line: Int
    public var item: String
    /// In the item's base unit.
    public var quantity: Quantity
    /// How much more than ordered a receipt may bring, in percent of the ordered quantity.
    public var tolerancePercent: Quantity
    public var due: String?
    /// The unit price (per base unit) the plant placed the line at, when it had one. On the wire it is two
    /// members as ever, `price` (decimal text, as written) and `currency`, both absent in events of plants that
    /// did not record a price; a price that does not read as money (not a decimal, an unknown currency) reads as none.
    public var unitPrice: Money?
    /// The price's decimal text, as the wire carries it.
    public var price: String? { unitPrice?.amountText }
    /// The price's ISO 4217 code, as the wire carries it.
    public var currency: String? { unitPrice?.currency.code }

    public init(line: Int, item: String, quantity: Quantity, tolerancePercent: Quantity, due: String?, unitPrice: Money?) {
        self.line = line
        self.item = item
        self.quantity = quantity
        self.tolerancePercent = tolerancePercent
        self.due = due
        self.unitPrice = unitPrice
    }

    /// A line with its price as the wire carries it (decimal text and currency code).
    public init(
        line: Int, item: String, quantity: Quantity, tolerancePercent: Quantity, due: String?, price: String? = nil, currency: String? = nil
    ) {
        self.init(line: line, item: item, quantity: quantity, tolerancePercent: tolerancePercent, due: due,
                  unitPrice: Self.money(price, currency))
    }

    private static func money(_ price: String?, _ currency: String?) -> Money? {
        guard let price, let code = currency.flatMap(CurrencyCode.init(code:)) else { return nil }
        return Money(text: price, currency: code)
    }

    private enum CodingKeys: String, CodingKey { case line, item, quantity, tolerancePercent, due, price, currency }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            line: try container.decode(Int.self, forKey: .line), item: try container.decode(String.self, forKey: .item),
            quantity: try container.decode(Quantity.self, forKey: .quantity),
            tolerancePercent: try container.decode(Quantity.self, forKey: .tolerancePercent),
            due: try container.decodeIfPresent(String.self, forKey: .due),
            price: try container.decodeIfPresent(String.self, forKey: .price), currency: try container.decodeIfPresent(String.self, forKey: .currency))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(line, forKey: .line)
        try container.encode(item, forKey: .item)
        try container.encode(quantity, forKey: .quantity)
        try container.encode(tolerancePercent, forKey: .tolerancePercent)
        try container.encodeIfPresent(due, forKey: .due)
        try container.encodeIfPresent(price, forKey: .price)
        try container.encodeIfPresent(currency, forKey: .currency)
    }
}

/// A plant placed a purchase order with a supplier.
public struct PurchaseOrderPlaced: PlantEvent {
    public static let eventType = "PurchaseOrderPlaced"
    public static let schemaVersion = 1

    public var order: String
    public var supplier: String
    public var lines: [PurchaseOrderLine]

    public init(order: String, supplier: String, lines: [PurchaseOrderLine]) {
        self.order = order
        self.supplier = supplier
        self.lines = lines
    }
}

/// What a stock move is for.
public enum MoveKind: String, Sendable, Codable, CaseIterable {
    case receipt, move, issue, output, adjustment, scrap
    /// Sent back to the supplier.
    case returned = "return"
    /// Left the plant in a shipment to a customer or another plant.
    case shipment
}

/// What a move was made against.
public struct MoveReference: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case purchaseOrderLine = "purchase-order-line", workOrder = "work-order", count
        /// `SSCC`: packed into a logistic unit.
        case logisticUnit = "logistic-unit"
        /// `ORDER/LINE` of a customer order, `TRANSFER/LINE` of a transfer: shipped or received against it.
        case customerOrderLine = "customer-order-line", transferLine = "transfer-line"
    }

    public var kind: Kind
    public var id: String

    public init(kind: Kind, id: String) {
        self.kind = kind
        self.id = id
    }
}

/// Stock went into the plant, moved inside it or left it. `from` absent: it came in (receipt, output,
/// a count found more); `to` absent: it left (issue, scrap, a count found less). The plant's stock of the item
/// and lot changes by `quantity` when only `to` is set, by −`quantity` when only `from` is, and not at all when
/// both are: the hub adds these deltas up and never overwrites a quantity.
public struct StockMoved: PlantEvent {
    public static let eventType = "StockMoved"
    public static let schemaVersion = 1

    public var moveId: UUID
    public var kind: MoveKind
    public var item: String
    public var lot: String?
    public var serial: String?
    /// The lot's expiry (`YYYY-MM-DD`), when known.
    public var expiry: String?
    /// Positive, in the item's base unit.
    public var quantity: Quantity
    public var uom: String
    public var from: String?
    public var to: String?
    public var reference: MoveReference?
    /// The scan that made the move, as the scanner sent it.
    public var scan: String?
    public var reason: String?

    public init(
        moveId: UUID, kind: MoveKind, item: String, lot: String?, serial: String?, expiry: String?, quantity: Quantity,
        uom: String, from: String?, to: String?, reference: MoveReference?, scan: String?, reason: String?
    ) {
        self.moveId = moveId
        self.kind = kind
        self.item = item
        self.lot = lot
        self.serial = serial
        self.expiry = expiry
        self.quantity = quantity
        self.uom = uom
        self.from = from
        self.to = to
        self.reference = reference
        self.scan = scan
        self.reason = reason
    }

    /// The change of the plant's stock of this item and lot.
    public var plantDelta: Quantity {
        switch (from, to) {
        case (nil, .some): quantity
        case (.some, nil): -quantity
        default: .zero
        }
    }
}

/// One line of a cycle count: what the books said when it was compared, and what was found.
public struct CountLine: Sendable, Equatable, Codable {
    public var item: String
    public var lot: String?
    public var serial: String?
    public var expected: Quantity
    public var counted: Quantity

    public init(item: String, lot: String?, serial: String?, expected: Quantity, counted: Quantity) {
        self.item = item
        self.lot = lot
        self.serial = serial
        self.expected = expected
        self.counted = counted
    }

    public var variance: Quantity { counted - expected }
}

/// A location was counted. Each line carries the quantity it was compared against, so two counts of the same
/// stock made offline both count; variances are posted as `StockMoved` adjustments referencing the count.
public struct StockCounted: PlantEvent {
    public static let eventType = "StockCounted"
    public static let schemaVersion = 1

    public var countId: UUID
    public var location: String
    public var lines: [CountLine]
    /// Lines whose count matched the books, of all lines: the count accuracy.
    public var exactLines: Int

    public init(countId: UUID, location: String, lines: [CountLine], exactLines: Int) {
        self.countId = countId
        self.location = location
        self.lines = lines
        self.exactLines = exactLines
    }
}

/// Stock was reserved for a work order: no other order may issue it.
public struct StockReserved: PlantEvent {
    public static let eventType = "StockReserved"
    public static let schemaVersion = 1

    public var workOrder: String
    public var reservations: [Reservation]

    public struct Reservation: Sendable, Equatable, Codable {
        public var reservationId: UUID
        public var item: String
        public var location: String
        public var lot: String?
        public var serial: String?
        public var quantity: Quantity

        public init(reservationId: UUID, item: String, location: String, lot: String?, serial: String?, quantity: Quantity) {
            self.reservationId = reservationId
            self.item = item
            self.location = location
            self.lot = lot
            self.serial = serial
            self.quantity = quantity
        }
    }

    public init(workOrder: String, reservations: [Reservation]) {
        self.workOrder = workOrder
        self.reservations = reservations
    }
}

/// A work order's open reservations were given back (released, or shrunk because a count found less).
public struct ReservationsReleased: PlantEvent {
    public static let eventType = "ReservationsReleased"
    public static let schemaVersion = 1

    public var workOrder: String
    public var reservationIds: [UUID]
    public var reason: String

    public init(workOrder: String, reservationIds: [UUID], reason: String) {
        self.workOrder = workOrder
        self.reservationIds = reservationIds
        self.reason = reason
    }
}

/// A lot was put on hold (quarantined) or released from it.
public struct LotStatusChanged: PlantEvent {
    public static let eventType = "LotStatusChanged"
    public static let schemaVersion = 1

    public enum Status: String, Sendable, Codable { case quarantined, released }

    public var item: String
    public var lot: String
    public var status: Status
    public var reason: String

    public init(item: String, lot: String, status: Status, reason: String) {
        self.item = item
        self.lot = lot
        self.status = status
        self.reason = reason
    }
}

/// An identified unit of stock: item, and lot or serial where the item is tracked.
public struct StockUnit: Sendable, Hashable, Codable, CustomStringConvertible {
    public var item: String
    public var lot: String?
    public var serial: String?

    public init(item: String, lot: String?, serial: String?) {
        self.item = item
        self.lot = lot
        self.serial = serial
    }

    /// A unit as the stores keep it, with '' for no lot or serial.
    public init(stored item: String, lot: String, serial: String) {
        self.init(item: item, lot: lot.isEmpty ? nil : lot, serial: serial.isEmpty ? nil : serial)
    }

    public var description: String {
        item + (lot.map { " lot \($0)" } ?? "") + (serial.map { " serial \($0)" } ?? "")
    }
}

/// What went into a produced lot or serial: the genealogy link, recorded with the output.
public struct LotsLinked: PlantEvent {
    public static let eventType = "LotsLinked"
    public static let schemaVersion = 1

    public var workOrder: String
    public var output: StockUnit
    public var inputs: [Input]

    public struct Input: Sendable, Equatable, Codable {
        public var unit: StockUnit
        public var quantity: Quantity

        public init(unit: StockUnit, quantity: Quantity) {
            self.unit = unit
            self.quantity = quantity
        }
    }

    public init(workOrder: String, output: StockUnit, inputs: [Input]) {
        self.workOrder = workOrder
        self.output = output
        self.inputs = inputs
    }
}

/// Why a line could not be reserved: what is needed, what is on hand, what is held for others, what is missing.
public struct Shortage: Sendable, Equatable, Codable {
    public var item: String
    public var needed: Quantity
    /// Usable stock: not quarantined, not expired, in a storage, production or receiving location.
    public var onHand: Quantity
    public var reservedElsewhere: Quantity
    public var short: Quantity

    public init(item: String, needed: Quantity, onHand: Quantity, reservedElsewhere: Quantity, short: Quantity) {
        self.item = item
        self.needed = needed
        self.onHand = onHand
        self.reservedElsewhere = reservedElsewhere
        self.short = short
    }
}
