import Foundation
import GantryCore

/// Everything `gantry-hub` needs, read from one file plus `GANTRY_HUB_*` environment overrides.
/// docs/operations.md lists every key with its type and default.
public struct HubConfiguration: Sendable {
    /// The SQLite database file (the embedded default, used when no `store.url` is set). One fixed place by
    /// default, so a command run from another folder finds the hub's database instead of creating an empty one.
    public var storePath: String = "/var/lib/gantry/hub.sqlite"
    /// A PostgreSQL server to keep the hub's state in instead of SQLite.
    public var storeURL: DatabaseURL?
    /// Most connections one hub process opens to PostgreSQL.
    public var storePoolSize: Int = 10
    /// How long a request waits for the database before the hub answers 503.
    public var storeTimeout: Duration = .seconds(10)
    /// What an acknowledged batch survives: `power-loss` (fsync on commit) or `process-crash`.
    public var durability: String = "power-loss"
    /// Listening address.
    public var httpHost: String = "127.0.0.1"
    /// Listening port; 0 picks a free one (printed at start).
    public var httpPort: Int = 8480
    /// The URL agents use to reach this hub, printed at enrolment. Defaults to `http://host:port`.
    public var publicURL: String?
    /// Largest accepted sync batch body.
    public var maxBatchBytes: Int = 16 << 20
    /// Largest accepted number of events in one batch.
    public var maxBatchEvents: Int = 10_000
    /// Skew between a plant's clock and the hub's beyond which the plant's `clock-skew` alarm is raised
    /// (`sync.clock_skew_alarm`, default 2m).
    public var clockSkew = ClockSkewPolicy()
    /// Log level: trace, debug, info, notice, warning, error, critical.
    public var logLevel: String = "info"
    /// Log line format and access log (`log.format`, `log.access`).
    public var log = LogSettings()

    /// HTTPS: certificate, key and optional client CA (`tls.*`); plain HTTP while no certificate is set.
    public var tls = HubTLSSettings()

    public init() {}

    /// The URL to give agents.
    public var agentFacingURL: String { publicURL ?? "\(tls.enabled ? "https" : "http")://\(httpHost):\(httpPort)" }

    /// Every key a configuration file may hold.
    public static let keys: Set<String> = Set<String>([
        "store.path", "store.durability", "store.url", "store.pool_size", "store.timeout", "http.host", "http.port", "http.public_url",
        "sync.max_batch_bytes", "sync.max_batch_events", "sync.clock_skew_alarm", "log.level",
    ]).union(HubTLSSettings.keys).union(LogSettings.keys)

    /// The prefix of environment overrides.
    public static let environmentPrefix = "GANTRY_HUB_"

    /// Reads `path` (or only the environment when `nil`) and applies overrides.
    public static func load(path: String?, environment: [String: String]) throws -> HubConfiguration {
        var text = ""
        if let path {
            do {
                text = try LocalFiles.text(path, role: "the configuration file")
            } catch {
                throw ConfigurationError(key: nil, origin: nil, reason: "\(error)")
            }
        }
        let settings = try ConfigurationText(
            text: text, source: path ?? "environment", environment: environment,
            prefix: environmentPrefix, knownKeys: keys)
        var configuration = HubConfiguration()
        configuration.storePath = settings.string("store.path", default: configuration.storePath)
        configuration.durability = try settings.choice(
            "store.durability", default: configuration.durability, among: ["power-loss", "process-crash"])
        if let url = settings.values["store.url"], !url.isEmpty {
            do {
                configuration.storeURL = try DatabaseURL(parsing: url)
            } catch {
                throw ConfigurationError(key: "store.url", origin: settings.origins["store.url"], reason: error.reason)
            }
        }
        configuration.storePoolSize = try settings.integer("store.pool_size", default: configuration.storePoolSize, in: 1...500)
        configuration.storeTimeout = try settings.duration("store.timeout", default: configuration.storeTimeout)
        configuration.httpHost = settings.string("http.host", default: configuration.httpHost)
        configuration.httpPort = try settings.integer("http.port", default: configuration.httpPort, in: 0...65535)
        configuration.publicURL = settings.values["http.public_url"]
        configuration.maxBatchBytes = try settings.bytes("sync.max_batch_bytes", default: configuration.maxBatchBytes)
        configuration.maxBatchEvents = try settings.integer(
            "sync.max_batch_events", default: configuration.maxBatchEvents, in: 1...1_000_000)
        configuration.clockSkew.threshold = try settings.duration("sync.clock_skew_alarm", default: configuration.clockSkew.threshold)
        configuration.logLevel = try settings.choice(
            "log.level", default: configuration.logLevel,
            among: ["trace", "debug", "info", "notice", "warning", "error", "critical"])
        configuration.tls = try HubTLSSettings(settings)
        configuration.log = try LogSettings(settings)
        return configuration
    }
}
