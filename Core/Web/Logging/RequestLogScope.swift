import Logging
import Synchronization

/// What the log knows about the request a task serves: its id, and who made it once the route has
/// authenticated the caller. `AccessLogMiddleware` sets it for the request's task, so every line logged while
/// serving carries `request_id` (through `metadataProvider`) and the access line can name the caller.
public final class RequestLogScope: Sendable {
    /// The request's id (`X-Request-Id`).
    public let requestID: String
    private let caller = Mutex<Logger.Metadata>([:])

    /// The scope of the request `requestID`.
    public init(requestID: String) {
        self.requestID = requestID
    }

    /// The scope of the request this task serves, if it serves one.
    @TaskLocal public static var current: RequestLogScope?

    /// Names the caller for the access line, e.g. `["principal": "alice"]` or `["plant": "ACME-BER"]`.
    public func identify(_ metadata: Logger.Metadata) {
        caller.withLock { $0.merge(metadata) { $1 } }
    }

    /// What `identify` was told.
    public var callerMetadata: Logger.Metadata { caller.withLock { $0 } }

    /// Adds `request_id` to every line logged while a request is served.
    public static let metadataProvider = Logger.MetadataProvider {
        current.map { ["request_id": .string($0.requestID)] } ?? [:]
    }
}
