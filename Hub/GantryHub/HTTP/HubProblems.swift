import GantryCore
import Hummingbird

/// An error whose answer carries headers besides its problem document, such as `Retry-After` on a 503.
protocol ProblemHeaders {
    /// Headers of the answer besides the problem document's own.
    var problemHeaders: HTTPFields { get }
}

extension HubStoreError: ProblemReporting, ProblemHeaders {
    /// A lost database is 503 (retry later); a duplicate or a changed version 409; a missing record 404. What
    /// only happens at start (credentials, schema) is an internal error if it ever reaches a request.
    public var problem: ProblemDetails {
        switch code {
        case .unavailable:
            ProblemDetails(
                code: "store-unavailable", title: "Store unavailable", status: 503,
                detail: "the hub's database is unavailable; retry later (nothing of this request was acknowledged)")
        case .notFound:
            ProblemDetails(code: code.rawValue, title: "Refused", status: 404, detail: message)
        case .duplicate, .versionConflict:
            ProblemDetails(code: code.rawValue, title: "Refused", status: 409, detail: message)
        default:
            .internalError
        }
    }

    var problemHeaders: HTTPFields { code == .unavailable ? [.retryAfter: "5"] : [:] }
}

// Core's errors below mean a refused request at the hub's API; the agent does not answer them, so the hub
// gives them their status here rather than in Core.

extension IdentifierError: ProblemReporting {
    /// A malformed company or plant code in a request: 422.
    public var problem: ProblemDetails {
        ProblemDetails(code: "invalid-request", title: "Invalid request", status: 422, detail: reason)
    }
}

extension ConfigurationError: ProblemReporting {
    /// The hub's own settings stop the request (a plant cannot be enrolled without a URL agents reach): 409.
    public var problem: ProblemDetails {
        ProblemDetails(code: "hub-configuration", title: "Hub configuration", status: 409, detail: description)
    }
}

extension MasterChangeSet.Malformed: ProblemReporting {
    /// A change set or master body of the wrong shape: 422 naming the field.
    public var problem: ProblemDetails {
        ProblemDetails(code: "invalid-request", title: "Invalid request", status: 422, detail: detail, field: field)
    }
}

extension SyncBatchError: ProblemReporting {
    /// A batch from another plant's token is 403, one that conflicts with what the hub holds 409, any other
    /// refused batch 422; the code is the agent's to act on.
    public var problem: ProblemDetails {
        let status = switch code {
        case .wrongPlant: 403
        case .sequenceConflict, .plantLogBehind: 409
        default: 422
        }
        return ProblemDetails(code: code.rawValue, title: "Batch refused", status: status, detail: detail)
    }
}

extension ProblemDetails {
    /// Anything a request cannot be answered for that is not the caller's doing; internals stay in the log.
    static let internalError = ProblemDetails(
        code: "internal", title: "Internal error", status: 500, detail: "the hub could not complete the request; see its log")
}
