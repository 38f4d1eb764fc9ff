import Foundation

/// A fact recorded at a plant. Named in the past tense; its payload schema is versioned so a hub can
/// still read what an older agent wrote.
public protocol PlantEvent: Codable, Sendable, Equatable {
    /// The event's type name as it appears in the log, e.g. `ScanRecorded`.
    static var eventType: String { get }
    /// The payload's schema version, raised on every incompatible change.
    static var schemaVersion: Int { get }
    /// The payload as JSON text in the wire format. The default encodes with `JSONEncoder`; events written
    /// at machine rates write it directly, byte for byte the same.
    func payloadJSON() throws -> String
    /// Reads the payload from its parsed value. The default reads the value as `JSONDecoder` reads its text
    /// (`JSONValueDecoder`); scans, read in bulk at a catch-up, read it by hand, with the same result.
    init(payload: JSONValue) throws
}

/// Why a stored payload could not be read back as a typed event.
public struct EventDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The event type that was expected or found.
    public var eventType: String
    /// What was wrong, for the operator.
    public var reason: String

    public init(eventType: String, reason: String) {
        self.eventType = eventType
        self.reason = reason
    }

    public var description: String { "\(eventType): \(reason)" }
}

extension PlantEvent {
    public func payloadJSON() throws -> String {
        String(decoding: try WireFormat.sharedEncoder.encode(self), as: UTF8.self)
    }

    public init(payload: JSONValue) throws {
        do {
            self = try JSONValueDecoder.decode(Self.self, from: payload)
        } catch let error as DecodingError {
            throw EventDecodingError(eventType: Self.eventType, reason: error.fieldDescription)
        }
    }

    /// Reads a payload of this type, refusing another type or a schema version this build does not know.
    public static func decode(type: String, schemaVersion: Int, payload: JSONValue) throws -> Self {
        guard type == eventType else {
            throw EventDecodingError(eventType: type, reason: "expected \(eventType)")
        }
        guard schemaVersion == Self.schemaVersion else {
            throw EventDecodingError(
                eventType: type, reason: "schema version \(schemaVersion) is not \(Self.schemaVersion)")
        }
        return try Self(payload: payload)
    }
}

extension DecodingError {
    /// A one-line explanation naming the offending field, for problem responses and dead letters.
    public var fieldDescription: String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.isEmpty ? "body" : codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch self {
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.isEmpty ? "" : " in \(path(context.codingPath))"
            return "missing field \"\(key.stringValue)\"\(parent)"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(Self.describe(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(Self.describe(type)), found null"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "body is not valid JSON" }
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "invalid body"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Int64.Type: return "an integer"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        default: return "\(type)".lowercased().hasPrefix("array") ? "an array" : "an object"
        }
    }
}
