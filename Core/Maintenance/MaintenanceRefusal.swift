import Foundation

/// A maintenance request or plan refused. It answers over HTTP by itself (`ProblemReporting`), titled
/// "Maintenance request refused".
public struct MaintenanceRefusal: Error, Sendable, Equatable, CustomStringConvertible, ProblemReporting {
    /// Stable codes, sent as the problem's `code`.
    public enum Code: String, Sendable, CaseIterable {
        /// No request with that id.
        case notFound = "not-found"
        /// The request is completed already.
        case alreadyCompleted = "already-completed"
        /// A corrective request is open for the machine already.
        case requestOpen = "request-open"
        /// A filter of the request list that does not exist.
        case invalidQuery = "invalid-query"
        /// A line or machine name that is not a local code.
        case invalidRequest = "invalid-request"
        /// A spare part without an item or with a quantity that is not a positive decimal.
        case invalidPart = "invalid-part"
        /// A plan without an interval, with an interval out of range, or without a description.
        case invalidPlan = "invalid-plan"

        /// The HTTP status the refusal is answered with.
        public var status: Int {
            switch self {
            case .notFound: 404
            case .alreadyCompleted, .requestOpen: 409
            case .invalidQuery: 400
            case .invalidRequest, .invalidPart, .invalidPlan: 422
            }
        }
    }

    public var code: Code
    public var detail: String
    /// The request field at fault, when there is one.
    public var field: String?

    public init(_ code: Code, _ detail: String, field: String? = nil) {
        self.code = code
        self.detail = detail
        self.field = field
    }

    public var description: String { detail }

    public var problem: ProblemDetails {
        ProblemDetails(code: code.rawValue, title: "Maintenance request refused", status: code.status, detail: detail, field: field)
    }
}
