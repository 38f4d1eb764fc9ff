import Foundation
import GantryCore

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
