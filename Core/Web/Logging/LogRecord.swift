import Foundation
import Logging

/// One log record, as the structured formats write it: the fields every line has, then the metadata.
public struct LogRecord: Sendable {
    /// When it was logged.
    public var time: Date
    /// Its level.
    public var level: Logger.Level
    /// The message.
    public var message: String
    /// The logger's label (`gantry-agent`, `gantry-hub`, or a library's).
    public var label: String
    /// The logger's, the provider's and the call's metadata, merged (the call's win).
    public var metadata: Logger.Metadata

    /// A record of these fields.
    public init(time: Date, level: Logger.Level, message: String, label: String, metadata: Logger.Metadata) {
        self.time = time
        self.level = level
        self.message = message
        self.label = label
        self.metadata = metadata
    }

    /// The names of the fixed fields; metadata under one of these names is written as `meta.NAME` instead.
    public static let fixedFields: Set<String> = ["time", "level", "message", "logger"]

    /// `time` in RFC 3339, UTC, with milliseconds: `2026-03-01T08:15:02.125Z`.
    public var timestamp: String {
        time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// The metadata as flat key/value pairs sorted by key: a nested dictionary's keys are joined with `.`, an
    /// array is written as its elements separated by commas in brackets.
    public var flatMetadata: [(key: String, value: String)] {
        var pairs: [(key: String, value: String)] = []
        func add(_ key: String, _ value: Logger.MetadataValue) {
            switch value {
            case .dictionary(let dictionary):
                for (inner, value) in dictionary.sorted(by: { $0.key < $1.key }) { add("\(key).\(inner)", value) }
            default:
                pairs.append((key, Self.text(value)))
            }
        }
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            add(Self.fixedFields.contains(key) ? "meta.\(key)" : key, value)
        }
        return pairs
    }

    static func text(_ value: Logger.MetadataValue) -> String {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): "[" + values.map(text).joined(separator: ",") + "]"
        case .dictionary(let dictionary):
            "{" + dictionary.sorted { $0.key < $1.key }.map { "\($0.key)=\(text($0.value))" }.joined(separator: ",") + "}"
        }
    }
}
