import Foundation

/// A production request refused, with the reason an operator or planner can act on.
///
/// It answers over HTTP by itself (`ProblemReporting`): 404 for what does not exist, 409 for a state that does
/// not allow the request (a transition, a shortage, a reservation, a failed quality check), 403 for an override by
/// a role that may not give it, 422 for the request itself.
public struct ProductionRefusal: Error, Sendable, Equatable, CustomStringConvertible, ProblemReporting {
    /// Stable codes, sent as the problem's `code`.
    public enum Code: String, Sendable, CaseIterable {
        case invalid, notFound = "not-found", invalidTransition = "invalid-transition", shortage
        case overridePermission = "override-not-permitted", beyondReservation = "beyond-reservation", blockedByQuality = "blocked-by-quality"

        /// The HTTP status the refusal is answered with.
        public var status: Int {
            switch self {
            case .notFound: 404
            case .invalidTransition, .shortage, .beyondReservation, .blockedByQuality: 409
            case .overridePermission: 403
            case .invalid: 422
            }
        }
    }

    public var code: Code
    public var detail: String
    /// For a refused release: each component that could not be covered, with its figures.
    public var shortages: [Shortage]?

    public init(_ code: Code, _ detail: String, shortages: [Shortage]? = nil) {
        self.code = code
        self.detail = detail
        self.shortages = shortages
    }

    public var description: String { detail }

    /// The refusal as a problem document, shortages included.
    public var problem: ProblemDetails {
        ProblemDetails(code: code.rawValue, title: "Refused", status: code.status, detail: detail, shortages: shortages)
    }
}
