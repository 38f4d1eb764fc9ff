import Foundation

/// The settings of a configuration file (`key = value` lines, `#` comments) merged with environment
/// overrides, and typed accessors that say which key is wrong and why.
///
/// An override for `sync.batch_events` in the agent is `GANTRY_AGENT_SYNC_BATCH_EVENTS`: the prefix,
/// then the key upper-cased with dots as underscores.
public struct ConfigurationText: Sendable {
    /// Key to value, after overrides.
    public private(set) var values: [String: String]
    /// Where each value came from (`file:LINE` or the environment variable), for error messages.
    public private(set) var origins: [String: String]

    /// Parses `text`, then applies every variable in `environment` that names one of `knownKeys`.
    /// Unknown keys in the file are refused, so a misspelt setting never silently keeps its default.
    public init(
        text: String, source: String, environment: [String: String], prefix: String, knownKeys: Set<String>
    ) throws(ConfigurationError) {
        values = [:]
        origins = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            let origin = "\(source):\(index + 1)"
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigurationError(key: nil, origin: origin, reason: "expected `key = value`")
            }
            let key = String(line[..<equals]).trimmingWhitespace()
            guard knownKeys.contains(key) else {
                throw ConfigurationError(key: key, origin: origin, reason: "unknown setting")
            }
            values[key] = Self.unquote(String(line[line.index(after: equals)...]).trimmingWhitespace())
            origins[key] = origin
        }
        for key in knownKeys {
            let variable = Self.environmentName(prefix: prefix, key: key)
            if let value = environment[variable] {
                values[key] = value
                origins[key] = variable
            }
        }
    }

    /// The environment variable that overrides `key`.
    public static func environmentName(prefix: String, key: String) -> String {
        prefix + key.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    /// A string setting, or `defaultValue` when absent.
    public func string(_ key: String, default defaultValue: String) -> String {
        values[key] ?? defaultValue
    }

    /// A setting that must be present and non-empty.
    public func required(_ key: String) throws(ConfigurationError) -> String {
        guard let value = values[key], !value.isEmpty else {
            throw ConfigurationError(key: key, origin: nil, reason: "required setting is missing")
        }
        return value
    }

    /// An integer setting within `range`.
    public func integer(_ key: String, default defaultValue: Int, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let text = values[key] else { return defaultValue }
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")), range.contains(value) else {
            throw error(key, "expected a whole number from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
        }
        return value
    }

    /// A duration setting such as `500ms`, `30s`, `15m`, `24h` or `7d`.
    public func duration(_ key: String, default defaultValue: Duration) throws(ConfigurationError) -> Duration {
        guard let text = values[key] else { return defaultValue }
        guard let value = Self.parseDuration(text), value > .zero else {
            throw error(key, "expected a positive duration like 500ms, 30s, 15m, 24h or 7d, got \"\(text)\"")
        }
        return value
    }

    /// A size setting such as `1048576`, `512KiB`, `16MiB` or `2GiB`.
    public func bytes(_ key: String, default defaultValue: Int) throws(ConfigurationError) -> Int {
        guard let text = values[key] else { return defaultValue }
        guard let value = Self.parseBytes(text), value > 0 else {
            throw error(key, "expected a positive size like 65536, 512KiB, 16MiB or 2GiB, got \"\(text)\"")
        }
        return value
    }

    /// One of a fixed set of words.
    public func choice(_ key: String, default defaultValue: String, among choices: [String]) throws(ConfigurationError) -> String {
        let value = values[key] ?? defaultValue
        guard choices.contains(value) else {
            throw error(key, "expected one of \(choices.joined(separator: ", ")), got \"\(value)\"")
        }
        return value
    }

    private func error(_ key: String, _ reason: String) -> ConfigurationError {
        ConfigurationError(key: key, origin: origins[key], reason: reason)
    }

    static func parseDuration(_ text: String) -> Duration? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        for (suffix, seconds) in units where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)), number.isFinite, number >= 0,
                  number * seconds <= 3_153_600_000  // a century: anything longer is a typo
            else { return nil }
            return .milliseconds(Int64((number * seconds * 1000).rounded()))
        }
        return nil
    }

    static func parseBytes(_ text: String) -> Int? {
        let units: [(String, Int)] = [("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("B", 1)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let number = Int(text.dropLast(suffix.count)) else { return nil }
            return number.multipliedReportingOverflow(by: factor).overflow ? nil : number * factor
        }
        return Int(text)
    }

    private static func unquote(_ value: String) -> String {
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
            return String(value.dropFirst().dropLast())
        }
        return value
    }
}

/// A configuration that cannot be used, naming the key and where its value came from.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var key: String?
    public var origin: String?
    public var reason: String

    public init(key: String?, origin: String?, reason: String) {
        self.key = key
        self.origin = origin
        self.reason = reason
    }

    public var description: String {
        let place = [origin, key].compactMap { $0 }.joined(separator: ": ")
        return place.isEmpty ? "configuration: \(reason)" : "configuration: \(place): \(reason)"
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[start...end]))
    }
}
