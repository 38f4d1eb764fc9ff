import Foundation

/// A shipping or transfer request refused, with what the operator needs to act.
public struct ShippingRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// No customer order or transfer of that reference at this plant (or hub).
        case unknownOrder = "unknown-order"
        /// No logistic unit of that SSCC here.
        case unknownUnit = "unknown-sscc"
        /// The SSCC was allocated under another GS1 company prefix than the one expected.
        case foreignSSCC = "foreign-sscc"
        /// The SSCC belongs to another order or transfer.
        case wrongOrder = "sscc-of-another-order"
        /// The unit was received (or shipped) already.
        case scannedTwice = "sscc-scanned-twice"
        /// The plant master carries no GS1 company prefix, so no SSCC can be allocated.
        case noCompanyPrefix = "no-company-prefix"
        /// Every serial reference of the prefix is used.
        case serialReferencesExhausted = "serial-references-exhausted"
        /// The item is not on the order, or its line was refused.
        case notOnOrder = "not-on-order"
        /// More would be packed than the line still needs.
        case overPack = "over-pack"
        /// The unit shipped already and cannot change.
        case unitShipped = "unit-shipped"
        /// Nothing is packed in the unit.
        case unitEmpty = "unit-empty"
        /// The order or transfer is closed.
        case closed
        /// A transfer's discrepancy was settled already.
        case settledAlready = "settled-already"
        /// No hub-side record for the request's counterpart (customer, plant, transfer price).
        case unknownCounterpart = "unknown-counterpart"
        case invalid
    }

    public var code: Code
    public var detail: String
    public var field: String?

    public init(_ code: Code, _ detail: String, field: String? = nil) {
        self.code = code
        self.detail = detail
        self.field = field
    }

    public var description: String { detail }
}

extension ShippingRefusal: ProblemReporting {
    public var problem: ProblemDetails {
        ProblemDetails(code: code.rawValue, title: "Refused", status: code.status, detail: detail, field: field)
    }
}

extension ShippingRefusal.Code {
    /// 404 for what does not exist, 409 for states, 422 for the request.
    public var status: Int {
        switch self {
        case .unknownOrder, .unknownUnit: 404
        case .wrongOrder, .scannedTwice, .noCompanyPrefix, .serialReferencesExhausted, .overPack, .unitShipped, .unitEmpty, .closed,
             .settledAlready: 409
        case .foreignSSCC, .notOnOrder, .unknownCounterpart, .invalid: 422
        }
    }
}
