import GantryCore

/// A store that cannot be opened or an intent it refuses, with a message an operator can act on.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable codes for callers that branch on the kind of failure.
    public enum Code: String, Sendable {
        /// The file was written by a newer Gantry: upgrade this one.
        case newerSchema = "newer-schema"
        /// The file belongs to another plant.
        case plantMismatch = "plant-mismatch"
        /// Another process holds the store.
        case locked
        /// The file or its folder cannot be used.
        case unusable
        /// The same idempotency key came with different content.
        case idempotencyConflict = "idempotency-conflict"
        /// The thing asked for does not exist.
        case notFound = "not-found"
        /// The thing is not in a state that allows this (completing a completed request).
        case invalidTransition = "invalid-transition"
        /// A hub answer that does not follow the version this plant holds.
        case conflict
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

extension StoreError: ProblemReporting {
    /// A request id reused for another request is the caller's mistake: 409 `idempotency-conflict` naming `id`.
    /// Anything else is the store's own failure: 500 without internals (the error middleware logs the error).
    public var problem: ProblemDetails {
        switch code {
        case .idempotencyConflict:
            ProblemDetails(code: "idempotency-conflict", title: "Request id reused", status: 409, detail: message, field: "id")
        default:
            ProblemDetails(
                code: "internal", title: "Internal error", status: 500, detail: "the agent could not complete the request; see its log")
        }
    }
}
