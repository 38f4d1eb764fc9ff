import Foundation
import Logging

/// Writes a `LogRecord` as one line of logfmt or JSON, ending in a newline and holding no other. Pure: the
/// handler passes the time in, so tests check exact lines.
public enum LogLineFormatter {
    /// The record as logfmt: `time=… level=… logger=… message="…" key=value …`.
    public static func logfmt(_ record: LogRecord) -> String {
        var fields = [
            ("time", record.timestamp), ("level", record.level.rawValue), ("logger", record.label), ("message", record.message),
        ]
        fields += record.flatMetadata.map { ($0.key, $0.value) }
        return fields.map { "\(logfmtKey($0.0))=\(logfmtValue($0.1))" }.joined(separator: " ") + "\n"
    }

    /// The record as one JSON object: the fixed fields, then the metadata as strings, nested dictionaries as
    /// objects and arrays as arrays.
    public static func json(_ record: LogRecord) -> String {
        var object: [(String, JSONLogValue)] = [
            ("time", .string(record.timestamp)), ("level", .string(record.level.rawValue)), ("logger", .string(record.label)),
            ("message", .string(record.message)),
        ]
        for (key, value) in record.metadata.sorted(by: { $0.key < $1.key }) {
            object.append((LogRecord.fixedFields.contains(key) ? "meta.\(key)" : key, JSONLogValue(value)))
        }
        // The fixed fields first, in this order, for a person reading the raw line; every string escaped by JSONEncoder.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        var text = ""
        JSONLogValue.object(object).write(to: &text, encoder: encoder)
        return text + "\n"
    }

    /// A key as logfmt allows it: letters, digits and `_ . - /`; anything else becomes `_`.
    static func logfmtKey(_ key: String) -> String {
        let allowed = key.unicodeScalars.map { scalar -> Character in
            let ok = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || "_.-/".unicodeScalars.contains(scalar)
            return ok ? Character(scalar) : "_"
        }
        return allowed.isEmpty ? "_" : String(allowed)
    }

    /// A value bare when it is safe so, else in double quotes with `"`, `\` and control characters escaped.
    static func logfmtValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.unicodeScalars.contains { scalar in
            scalar == " " || scalar == "=" || scalar == "\"" || scalar == "\\" || scalar.value < 0x20 || scalar.value == 0x7F
                || scalar.properties.isWhitespace
        }
        guard needsQuotes else { return value }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (scalar.properties.isWhitespace && scalar != " ") {
                    quoted += String(format: "\\u%04X", scalar.value)
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }
}

/// A metadata value as JSON, written in the order given; strings are escaped by `JSONEncoder`.
enum JSONLogValue {
    case string(String)
    case array([JSONLogValue])
    case object([(String, JSONLogValue)])

    init(_ value: Logger.MetadataValue) {
        switch value {
        case .string(let text): self = .string(text)
        case .stringConvertible(let convertible): self = .string(convertible.description)
        case .array(let values): self = .array(values.map(JSONLogValue.init))
        case .dictionary(let dictionary): self = .object(dictionary.sorted { $0.key < $1.key }.map { ($0.key, JSONLogValue($0.value)) })
        }
    }

    func write(to text: inout String, encoder: JSONEncoder) {
        switch self {
        case .string(let value):
            text += Self.quoted(value, encoder: encoder)
        case .array(let values):
            text += "["
            for (offset, value) in values.enumerated() {
                if offset > 0 { text += "," }
                value.write(to: &text, encoder: encoder)
            }
            text += "]"
        case .object(let fields):
            text += "{"
            for (offset, (key, value)) in fields.enumerated() {
                if offset > 0 { text += "," }
                text += Self.quoted(key, encoder: encoder) + ":"
                value.write(to: &text, encoder: encoder)
            }
            text += "}"
        }
    }

    /// `value` as a JSON string. Encoding a string cannot fail; the fallback keeps the line valid anyway.
    static func quoted(_ value: String, encoder: JSONEncoder) -> String {
        (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "\"?\""
    }
}
