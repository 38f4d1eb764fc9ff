import Foundation

/// A JSON document held as a value, so event payloads can travel through the sync protocol and storage
/// without every layer knowing every event type.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Not a JSON value")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue {
    /// The value as canonical JSON text: keys sorted, no whitespace, slashes unescaped, integral numbers
    /// without a fraction. The same value always gives the same bytes.
    public var canonicalText: String {
        var text = ""
        write(to: &text)
        return text
    }

    private func write(to text: inout String) {
        switch self {
        case .null: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .number(let value):
            // As JSONEncoder writes a Double: its shortest description, an integral one without ".0".
            let description = value.description
            text += description.hasSuffix(".0") ? String(description.dropLast(2)) : description
        case .string(let value): JSONText.appendString(value, to: &text)
        case .array(let values):
            text += "["
            for (offset, value) in values.enumerated() {
                if offset > 0 { text += "," }
                value.write(to: &text)
            }
            text += "]"
        case .object(let members):
            text += "{"
            for (offset, key) in members.keys.sorted().enumerated() {
                if offset > 0 { text += "," }
                JSONText.appendString(key, to: &text)
                text += ":"
                members[key]!.write(to: &text)
            }
            text += "}"
        }
    }
}

extension JSONValue {
    /// Parses JSON text strictly (the sync body parser's rules).
    public static func parse(_ text: String) throws -> JSONValue {
        try SyncBatchReader.value(Data(text.utf8))
    }

    /// A value as the wire format encodes it.
    public static func encoding(_ value: some Encodable) throws -> JSONValue {
        try SyncBatchReader.value(try WireFormat.sharedEncoder.encode(value))
    }
}
