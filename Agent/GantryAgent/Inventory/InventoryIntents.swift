import Foundation
import GantryCore

/// What a scan says about a unit of stock, as the GS1 parser read it.
public struct ScannedUnit: Sendable, Equatable {
    public var gtin: String?
    public var lot: String?
    public var serial: String?
    /// `YYYY-MM-DD` (AI 17).
    public var expiry: String?
    /// A count of trade items (AI 30 or 37).
    public var quantity: Quantity?
    /// `YYYY-MM-DD` (AI 15 and AI 11): a lot keeps them as it keeps its expiry.
    public var bestBefore: String?
    public var productionDate: String?

    public init(
        gtin: String? = nil, lot: String? = nil, serial: String? = nil, expiry: String? = nil, quantity: Quantity? = nil,
        bestBefore: String? = nil, productionDate: String? = nil
    ) {
        self.gtin = gtin
        self.lot = lot
        self.serial = serial
        self.expiry = expiry
        self.quantity = quantity
        self.bestBefore = bestBefore
        self.productionDate = productionDate
    }

    public init(_ message: GS1Message) {
        self.init(
            gtin: message.gtin, lot: message.batch, serial: message.serial, expiry: message.expiry?.iso,
            quantity: message.quantity.flatMap { Quantity(text: $0) }, bestBefore: message.bestBefore?.iso,
            productionDate: message.productionDate?.iso)
    }
}

/// The stock unit a request is about: from a scan, from named fields, or both (they must agree).
public struct UnitSpec: Sendable, Equatable {
    /// The raw scan, kept with the move.
    public var scan: String?
    public var scanned: ScannedUnit?
    public var item: String?
    public var lot: String?
    public var serial: String?
    public var expiry: String?
    /// In `uom` (the item's base unit when absent); a scan's own count is used when this is absent.
    public var quantity: Quantity?
    public var uom: String?

    public init(
        scan: String? = nil, scanned: ScannedUnit? = nil, item: String? = nil, lot: String? = nil, serial: String? = nil,
        expiry: String? = nil, quantity: Quantity? = nil, uom: String? = nil
    ) {
        self.scan = scan
        self.scanned = scanned
        self.item = item
        self.lot = lot
        self.serial = serial
        self.expiry = expiry
        self.quantity = quantity
        self.uom = uom
    }
}

extension UnitSpec {
    /// The request's own fields, for telling a retried request from a different one under the same id.
    var fingerprint: String {
        [scan, item, lot, serial, expiry, quantity?.description, uom].map { $0 ?? "" }.joined(separator: "\u{1F}")
    }
}

/// Receive goods against a purchase order line.
public struct ReceiptIntent: Sendable {
    public var requestID: UUID
    public var order: String
    public var line: Int
    public var unit: UnitSpec
    public var location: String

    public init(requestID: UUID, order: String, line: Int, unit: UnitSpec, location: String) {
        self.requestID = requestID
        self.order = order
        self.line = line
        self.unit = unit
        self.location = location
    }
}

/// Put away or move stock between locations.
public struct MoveIntent: Sendable {
    public var requestID: UUID
    public var unit: UnitSpec
    public var from: String
    public var to: String

    public init(requestID: UUID, unit: UnitSpec, from: String, to: String) {
        self.requestID = requestID
        self.unit = unit
        self.from = from
        self.to = to
    }
}

/// Issue stock to a work order (it leaves stock, consumed).
public struct IssueIntent: Sendable {
    public var requestID: UUID
    public var workOrder: String
    public var unit: UnitSpec
    public var from: String

    public init(requestID: UUID, workOrder: String, unit: UnitSpec, from: String) {
        self.requestID = requestID
        self.workOrder = workOrder
        self.unit = unit
        self.from = from
    }
}

/// Report a work order's output into stock; what was issued to the order becomes its genealogy.
public struct OutputIntent: Sendable {
    public var requestID: UUID
    public var workOrder: String
    public var unit: UnitSpec
    public var to: String

    public init(requestID: UUID, workOrder: String, unit: UnitSpec, to: String) {
        self.requestID = requestID
        self.workOrder = workOrder
        self.unit = unit
        self.to = to
    }
}

/// Count a location. With `complete`, stock at the location that no line names was counted as none.
public struct CountIntent: Sendable {
    public var requestID: UUID
    public var location: String
    public var lines: [UnitSpec]
    public var complete: Bool

    public init(requestID: UUID, location: String, lines: [UnitSpec], complete: Bool) {
        self.requestID = requestID
        self.location = location
        self.lines = lines
        self.complete = complete
    }
}

/// Reserve stock for a work order: every line or none.
public struct ReservationLine: Sendable, Equatable, Codable {
    public var item: String
    public var quantity: Quantity
    public var location: String?
    public var lot: String?

    public init(item: String, quantity: Quantity, location: String? = nil, lot: String? = nil) {
        self.item = item
        self.quantity = quantity
        self.location = location
        self.lot = lot
    }
}

/// The answer to a move of any kind, for the operator and the caller.
public struct MoveAnswer: Sendable, Equatable, Codable {
    public struct OrderLine: Sendable, Equatable, Codable {
        public var order: String
        public var line: Int
        public var received: Quantity
        public var ordered: Quantity
    }

    public var requestId: UUID
    public var moveId: UUID
    public var sequence: Int64
    public var kind: MoveKind
    public var item: String
    public var lot: String?
    public var serial: String?
    public var expiry: String?
    public var quantity: Quantity
    public var uom: String
    public var from: String?
    public var to: String?
    public var purchaseOrder: OrderLine?
    /// What happened, in words an operator at the dock can act on.
    public var message: String
    /// True when the same request id was answered before: this is that answer, nothing new happened.
    public var duplicate: Bool
}

/// The answer to a cycle count.
public struct CountAnswer: Sendable, Equatable, Codable {
    public var requestId: UUID
    public var countId: UUID
    public var location: String
    public var lines: [CountLine]
    public var exactLines: Int
    /// Exact lines of all lines, 0–1.
    public var accuracy: Double
    /// Reservations shrunk because less was found than they held, by work order.
    public var shortenedReservations: [String: Quantity]
    public var message: String
    public var duplicate: Bool
}

/// The answer to a reservation.
public struct ReservationAnswer: Sendable, Equatable, Codable {
    public var requestId: UUID
    public var workOrder: String
    public var reservations: [StockReserved.Reservation]
    public var message: String
    public var duplicate: Bool
}

/// An inventory request refused, with what the operator needs to act.
public struct InventoryRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case unknownItem = "unknown-item", wrongItem = "wrong-item", overReceipt = "over-receipt"
        case unknownOrder = "unknown-order", unknownLocation = "unknown-location", locationNotUsable = "location-not-usable"
        case lotRequired = "lot-required", serialRequired = "serial-required", quantityRequired = "quantity-required"
        case serialQuantity = "serial-quantity", serialInStock = "serial-in-stock", unknownUnit = "unknown-unit"
        case notInStock = "not-in-stock", insufficientStock = "insufficient-stock", reservedElsewhere = "reserved-elsewhere"
        case quarantined, expired, shortage, invalid
        /// More goes back to the supplier than the purchase order line has received.
        case overReturn = "over-return"
        /// A label says something else about a known lot (its expiry, best-before or production date) than the lot holds.
        case lotLabelConflict = "lot-label-conflict"
    }

    public var code: Code
    public var detail: String
    public var field: String?
    public var shortages: [Shortage]?

    public init(_ code: Code, _ detail: String, field: String? = nil, shortages: [Shortage]? = nil) {
        self.code = code
        self.detail = detail
        self.field = field
        self.shortages = shortages
    }

    public var description: String { detail }
}

/// One row of stock as `GET /v1/stock` shows it.
public struct StockRow: Sendable, Equatable, Codable {
    public var item: String
    public var location: String
    public var locationType: LocationType
    public var lot: String?
    public var serial: String?
    public var expiry: String?
    public var quantity: Quantity
    public var reserved: Quantity
    /// Free to reserve or issue: not reserved, not held, not expired, in a usable location.
    public var available: Quantity
    public var quarantined: Bool
    public var expired: Bool
}

/// One link of a lot's genealogy.
public struct GenealogyLink: Sendable, Equatable, Codable {
    public var workOrder: String
    public var output: StockUnit
    public var input: StockUnit
    public var quantity: Quantity
    /// 1 for a direct link, 2 for the link behind it, and so on.
    public var depth: Int
}

/// One row of the immutable move ledger (`GET /v1/moves`).
public struct LedgerMove: Sendable, Equatable, Codable {
    public var sequence: Int64
    public var moveId: UUID
    public var at: Date
    public var kind: MoveKind
    public var item: String
    public var lot: String?
    public var serial: String?
    public var quantity: Quantity
    public var from: String?
    public var to: String?
    public var reference: MoveReference?
    public var reason: String?
}

/// A cycle count as `GET /v1/counts` lists it.
public struct CountRecord: Sendable, Equatable, Codable {
    public var countId: UUID
    public var location: String
    public var at: Date
    public var lines: Int
    public var exactLines: Int
    public var accuracy: Double
}
