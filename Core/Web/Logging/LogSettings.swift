import GantryCore
import Logging

/// How a process logs, beyond `log.level`: the line format (`log.format`) and whether every answered request
/// gets an access line (`log.access`). The agent and the hub read the same keys (with their own environment
/// prefix: `GANTRY_AGENT_LOG_FORMAT`, `GANTRY_HUB_LOG_FORMAT`, …).
public struct LogSettings: Sendable, Equatable {
    /// `text` (default), `logfmt` or `json`.
    public var format: LogFormat = .text
    /// Whether the HTTP server writes an access line per request (`on`, the default, or `off`).
    public var accessLog = true

    /// The defaults.
    public init() {}

    /// The keys these settings read.
    public static let keys: Set<String> = ["log.format", "log.access"]

    /// Reads `log.format` and `log.access` from `settings`.
    public init(_ settings: ConfigurationText) throws(ConfigurationError) {
        format = LogFormat(rawValue: try settings.choice("log.format", default: format.rawValue, among: LogFormat.names))!
        accessLog = try settings.choice("log.access", default: "on", among: ["on", "off"]) == "on"
    }

    /// The process's logger for `label` at `level` (a `log.level` name; info if unknown), after bootstrapping
    /// swift-log in this format (`LogOutput.bootstrap`).
    public func bootstrap(label: String, level: String) -> Logger {
        LogOutput.bootstrap(label: label, format: format, level: Logger.Level(rawValue: level) ?? .info)
    }
}
