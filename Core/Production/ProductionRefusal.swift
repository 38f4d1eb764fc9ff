import Foundation

/// A production request refused, with the reason an operator or planner can act on.
public struct ProductionRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalid, notFound = "not-found", invalidTransition = "invalid-transition", shortage
        case overridePermission = "override-not-permitted", beyondReservation = "beyond-reservation", blockedByQuality = "blocked-by-quality"
    }

    public var code: Code
    public var detail: String
    public var shortages: [Shortage]?

    public init(_ code: Code, _ detail: String, shortages: [Shortage]? = nil) {
        self.code = code
        self.detail = detail
        self.shortages = shortages
    }

    public var description: String { detail }
}
