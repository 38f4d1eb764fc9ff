import Foundation

/// The settings of a configuration file (`key = value` lines, `#` comments) merged with environment
/// overrides, and typed accessors that say which key is wrong and why.
///
/// An override for `sync.batch_events` in the agent is `GANTRY_AGENT_SYNC_BATCH_EVENTS`: the prefix,
/// then the key upper-cased with dots as underscores.
///
/// The file's rules (docs/operations.md, Configuration): lines end with `\n`, `\r\n` or `\r`. A line whose first
/// non-blank character is `#` is a comment. After a value, `#` starts a comment when a space or tab comes right
/// before it, so `hub.url = http://hub/#x` and `hub.token = ab#cd` keep their `#`. A value in double quotes is
/// taken as it is between them, `#` and surrounding spaces included; only a comment may follow the closing quote.
/// A key given twice, a key no one reads, and a variable under `prefix` that overrides no key are errors.
public struct ConfigurationText: Sendable {
    /// Key to value, after overrides.
    public private(set) var values: [String: String]
    /// Where each value came from (`file:LINE` or the environment variable), for error messages.
    public private(set) var origins: [String: String]

    /// Parses `text`, then applies every variable in `environment` that names one of `knownKeys`.
    /// Unknown keys in the file, keys given twice, and variables starting with `prefix` that name no known key
    /// are refused, so a misspelt setting never silently keeps its default. Variables of other prefixes (another
    /// Gantry program's, `GANTRY_BIN_DIR`, `GANTRY_USER_TOKEN`) are not this program's business and are left alone.
    public init(
        text: String, source: String, environment: [String: String], prefix: String, knownKeys: Set<String>
    ) throws(ConfigurationError) {
        values = [:]
        origins = [:]
        for (index, rawLine) in TextLines.split(text).enumerated() {
            let origin = "\(source):\(index + 1)"
            guard let setting = try Self.setting(in: rawLine, origin: origin) else { continue }
            let (key, value) = setting
            guard knownKeys.contains(key) else {
                throw ConfigurationError(key: key, origin: origin, reason: "unknown setting")
            }
            if let first = origins[key] {
                throw ConfigurationError(key: key, origin: origin, reason: "set again (first set at \(first)); keep one line")
            }
            values[key] = value
            origins[key] = origin
        }
        let variables = Dictionary(uniqueKeysWithValues: knownKeys.map { (Self.environmentName(prefix: prefix, key: $0), $0) })
        for (variable, value) in environment.sorted(by: { $0.key < $1.key }) where variable.hasPrefix(prefix) {
            guard let key = variables[variable] else {
                throw ConfigurationError(
                    key: nil, origin: variable,
                    reason: "unknown environment variable: \(prefix)… variables override configuration keys "
                        + "(`sync.batch_events` is \(Self.environmentName(prefix: prefix, key: "sync.batch_events"))), "
                        + "and no key is called that; see docs/operations.md")
            }
            values[key] = value
            origins[key] = variable
        }
    }

    /// The key and value of one line, or nil for a blank line or a comment.
    private static func setting(in rawLine: Substring, origin: String) throws(ConfigurationError) -> (String, String)? {
        let line = rawLine.trimmingWhitespace()
        if line.isEmpty || line.hasPrefix("#") { return nil }
        guard let equals = line.firstIndex(of: "=") else {
            throw ConfigurationError(key: nil, origin: origin, reason: "expected `key = value`")
        }
        let key = String(line[..<equals]).trimmingWhitespace()
        guard !key.isEmpty else {
            throw ConfigurationError(key: nil, origin: origin, reason: "expected `key = value`, the key is missing")
        }
        let rest = String(line[line.index(after: equals)...]).trimmingWhitespace()
        guard rest.hasPrefix("\"") else { return (key, withoutComment(rest)) }
        let afterQuote = rest.index(after: rest.startIndex)
        guard let closing = rest[afterQuote...].firstIndex(of: "\"") else {
            throw ConfigurationError(key: key, origin: origin, reason: "the value's closing quote (\") is missing")
        }
        let trailing = rest[rest.index(after: closing)...].trimmingWhitespace()
        guard trailing.isEmpty || trailing.hasPrefix("#") else {
            throw ConfigurationError(
                key: key, origin: origin,
                reason: "only a comment may follow a quoted value, found \"\(trailing)\" (a value holds no quotes of its own)")
        }
        return (key, String(rest[afterQuote..<closing]))
    }

    /// `value` up to a `#` that follows a space or tab (where a comment starts), without the blanks before it.
    private static func withoutComment(_ value: String) -> String {
        var previous: Character = " "
        for index in value.indices {
            if value[index] == "#", previous == " " || previous == "\t" {
                return String(value[..<index]).trimmingWhitespace()
            }
            previous = value[index]
        }
        return value
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
