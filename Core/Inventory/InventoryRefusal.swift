import Foundation

/// An inventory request refused, with what the operator needs to act.
public struct InventoryRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
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

extension InventoryRefusal: ProblemReporting {
    /// The refusal as a problem document: 404 for what does not exist, 409 for stock states, 422 for the request.
    public var problem: ProblemDetails {
        ProblemDetails(code: code.rawValue, title: "Refused", status: code.status, detail: detail, field: field, shortages: shortages)
    }
}

extension InventoryRefusal.Code {
    /// The HTTP status a refusal with this code is answered with.
    public var status: Int {
        switch self {
        case .unknownOrder, .unknownLocation: 404
        case .overReceipt, .serialInStock, .reservedElsewhere, .insufficientStock, .notInStock, .quarantined, .expired, .shortage,
             .overReturn, .lotLabelConflict: 409
        case .unknownItem, .wrongItem, .locationNotUsable, .lotRequired, .serialRequired, .quantityRequired, .serialQuantity,
             .unknownUnit, .invalid: 422
        }
    }
}
