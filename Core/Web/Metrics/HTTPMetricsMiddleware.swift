import CoreMetrics
import Hummingbird

/// Counts every request and times it, by route template, method and status, into one app's metrics factory.
///
/// Hummingbird's own `MetricsMiddleware` records through the global `MetricsSystem` only (no factory can be given),
/// which a process bootstraps once; this one takes the app's factory (`ApplicationMetrics`). The route label is the
/// router's template (`/v1/plants/{plant}/masters`), never the raw path, so the number of series stays bounded;
/// a path no route has never reaches a route's middleware and is not counted.
public struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let factory: any MetricsFactory

    /// Records into `metrics`' registry.
    public init(_ metrics: ApplicationMetrics) {
        self.factory = metrics.factory
    }

    /// Passes the request on, then records its answer's status (or the status of the error it threw) and time.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let response = try await next(request, context)
            record(request, route: context.endpointPath, status: response.status.code, took: clock.now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            record(request, route: context.endpointPath, status: status, took: clock.now - start)
            throw error
        }
    }

    private func record(_ request: Request, route: String?, status: Int, took: Duration) {
        let dimensions = [("route", route ?? "NotFound"), ("method", request.method.rawValue), ("status", String(status))]
        CoreMetrics.Counter(label: ApplicationMetrics.httpRequests, dimensions: dimensions, factory: factory).increment()
        let (seconds, attoseconds) = took.components
        CoreMetrics.Timer(label: ApplicationMetrics.httpRequestDuration, dimensions: dimensions, factory: factory)
            .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
