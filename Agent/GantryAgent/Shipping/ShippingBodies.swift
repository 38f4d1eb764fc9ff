import Foundation
import GantryCore

// Request bodies of the shipping routes.

/// `POST /v1/logistic-units`.
struct OpenUnitBody: Decodable, Sendable {
    var id: UUID?
    var order: String
    var location: String
}

/// The fields of `POST /v1/logistic-units/{sscc}/contents` beside the unit packed.
struct PackFields: Decodable, Sendable {
    var id: UUID?
    var from: String
    var line: Int?
}

/// `POST /v1/shipments`: the units by SSCC (digits, `(00)…`, or a scan of their label).
struct ShipBody: Decodable, Sendable {
    var id: UUID?
    var order: String
    var units: [String]
    var carrier: String
    var trackingReference: String
}

/// `POST /v1/inbound-transfers/{transfer}/receipts`.
struct TransferReceiptBody: Decodable, Sendable {
    struct Finding: Decodable, Sendable {
        var item: String
        var lot: String?
        var serial: String?
        /// What was found of it in the unit, when other than shipped.
        var counted: Quantity?
        var damaged: Quantity?
        var reason: String?
    }

    var id: UUID?
    /// The unit's SSCC, or `scan`: its label as the scanner sent it.
    var sscc: String?
    var scan: String?
    var location: String
    var damagedLocation: String?
    var findings: [Finding]?
    var receivedBy: String
}

/// `POST /v1/inbound-transfers/{transfer}/close`.
struct CloseReceiptBody: Decodable, Sendable {
    var closedBy: String
}
