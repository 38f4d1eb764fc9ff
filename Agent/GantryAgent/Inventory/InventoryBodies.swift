import Foundation
import GantryCore

// Request and answer bodies of the inventory routes.

/// How a request names a unit of stock: a scan, fields, or both.
struct UnitBody: Decodable, Sendable {
    var scan: String?
    var item: String?
    var lot: String?
    var serial: String?
    var expiry: String?
    var quantity: Quantity?
    var uom: String?
}

struct LocationBody: Decodable, Sendable {
    var code: String
    var type: LocationType
    var warehouse: String
    var zone: String?
    var bin: String?
    var active: Bool?
}

/// A route's own fields and, in the same JSON object, the unit it is about.
struct WithUnit<Fields: Decodable & Sendable>: Decodable, Sendable {
    var fields: Fields
    var unit: UnitBody

    init(from decoder: any Decoder) throws {
        fields = try Fields(from: decoder)
        unit = try UnitBody(from: decoder)
    }
}

struct ReceiptFields: Decodable, Sendable {
    var id: UUID?
    var order: String
    var line: Int
    var location: String
}

struct MoveFields: Decodable, Sendable {
    var id: UUID?
    var from: String
    var to: String
}

struct IssueFields: Decodable, Sendable {
    var id: UUID?
    var workOrder: String
    var from: String
}

struct OutputFields: Decodable, Sendable {
    var id: UUID?
    var workOrder: String
    var to: String
}

struct CountBody: Decodable, Sendable {
    var id: UUID?
    var location: String
    var complete: Bool?
    var lines: [UnitBody]
}

struct ReservationBody: Decodable, Sendable {
    var id: UUID?
    var workOrder: String
    var lines: [ReservationLine]
}

struct ReasonBody: Decodable, Sendable {
    var reason: String
}

struct LedgerBody: Encodable, Sendable {
    var moves: [LedgerMove]
    /// Pass as `after` to read on.
    var next: Int64
}

struct GenealogyBody: Encodable, Sendable {
    var unit: StockUnit
    var direction: String
    var links: [GenealogyLink]
}

/// A lot held or released (`POST /v1/lots/:item/:lot/quarantine|release`).
struct LotStatusRequest: Sendable {
    var item: String
    var lot: String
    var status: LotStatusChanged.Status
    var reason: String
}
