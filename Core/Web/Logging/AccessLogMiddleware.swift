import Hummingbird
import Logging

/// One `request` line per answered request: method, route template and path, status, duration, bytes out,
/// request id, and the caller when the route named it (`RequestLogScope.identify`). It takes a well-formed
/// incoming `X-Request-Id` (or makes one), puts it in the request's logger metadata and the task's
/// `RequestLogScope`, and echoes it in the answer. With `enabled` false it still carries the id but writes no line.
///
/// Add it first, so that it wraps the problem middleware and logs the status the caller saw. Like
/// `HTTPMetricsMiddleware`, it runs for routed requests; a path no route has is answered before any middleware.
public struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger
    let enabled: Bool

    /// Writes access lines through `logger` (at `info`) when `enabled`.
    public init(logger: Logger, enabled: Bool = true) {
        self.logger = logger
        self.enabled = enabled
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = RequestID.accepted(request.headers[Self.requestIDField]) ?? RequestID.make()
        var context = context
        context.logger[metadataKey: "request_id"] = .string(id)
        let scope = RequestLogScope(requestID: id)
        let clock = ContinuousClock()
        let start = clock.now
        do {
            var response = try await RequestLogScope.$current.withValue(scope) { try await next(request, context) }
            response.headers[Self.requestIDField] = id
            log(request, context: context, scope: scope, status: Int(response.status.code), bytes: response.body.contentLength,
                took: clock.now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError).map { Int($0.status.code) } ?? 500
            log(request, context: context, scope: scope, status: status, bytes: nil, took: clock.now - start)
            throw error
        }
    }

    static var requestIDField: HTTPFields.Element.Name { HTTPFields.Element.Name(RequestID.header)! }

    private func log(_ request: Request, context: Context, scope: RequestLogScope, status: Int, bytes: Int?, took: Duration) {
        guard enabled else { return }
        var metadata: Logger.Metadata = [
            "method": .string(request.method.rawValue),
            "route": .string(context.endpointPath ?? "-"),
            "path": .string(request.uri.path),
            "status": .stringConvertible(status),
            "duration_ms": .string(Self.milliseconds(took)),
            "request_id": .string(scope.requestID),
        ]
        if let bytes { metadata["bytes"] = .stringConvertible(bytes) }
        metadata.merge(scope.callerMetadata) { $1 }
        logger.info("request", metadata: metadata)
    }

    /// A duration in milliseconds with three decimals, e.g. `12.345`.
    public static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let microseconds = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        let fraction = String(microseconds % 1000)
        return "\(microseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
