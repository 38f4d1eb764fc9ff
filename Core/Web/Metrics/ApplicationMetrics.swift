import Foundation
import Hummingbird
import NIOCore
import Prometheus

/// One application's metrics: its own Prometheus registry, and a swift-metrics factory writing into it.
///
/// Each hub and agent owns one, made with the app; nothing calls `MetricsSystem.bootstrap`. The global factory
/// can be set once per process, and the tests run several hubs and agents in one process: a global registry
/// would add one app's requests to another's and make figures depend on test order. So every metric is made
/// with this app's factory or registry explicitly (swift-metrics' `factory:` initialisers), and `/metrics` shows
/// exactly what this app counted. Code that only knows the global `MetricsSystem` (none today) would record
/// nowhere (its default factory is a no-op), never into another app's figures.
///
/// What an app counts as things happen (requests, batches applied) lives here; what a store holds (backlogs,
/// lags, sizes) is read at scrape time into `ScrapeText` and appended, so it is never stale and costs nothing
/// between scrapes.
public final class ApplicationMetrics: Sendable {
    /// The registry `/metrics` emits.
    public let registry: PrometheusCollectorRegistry
    /// swift-metrics' view of `registry`, for `Counter(label:dimensions:factory:)` and the like.
    public let factory: PrometheusMetricsFactory

    /// Latency buckets for HTTP requests and batch applies: 1 ms to 10 s.
    public static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    /// A new, empty registry: what this app counts and nothing else.
    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        self.factory = factory
    }

    /// The exposition: what the registry counted (unless `counted` is false), then the figures read at scrape time.
    public func exposition(_ scraped: ScrapeText, counted: Bool = true) -> Response {
        var text = counted ? registry.emitToString() : ""
        text += scraped.text
        return Response(
            status: .ok, headers: [.contentType: Self.contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// `gantry_http_requests_total{route,method,status}`: requests answered, counted by `HTTPMetricsMiddleware`.
    public static let httpRequests = "gantry_http_requests_total"
    /// `gantry_http_request_duration_seconds{route,method,status}`: until the handler has its answer.
    public static let httpRequestDuration = "gantry_http_request_duration_seconds"

    /// The Prometheus text format, version 0.0.4.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
}
