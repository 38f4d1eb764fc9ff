import Foundation

/// Reads a sync batch body straight from its bytes: a strict JSON parser (RFC 8259) that builds the batch
/// without `Codable`, which spends most of a catch-up's time on bookkeeping. Accepts exactly what
/// `JSONDecoder` accepts for a `SyncBatch` (unknown keys are ignored) and names the offending field when it
/// refuses, e.g. `events[3].occurredAt: expected an RFC 3339 timestamp`.
public enum SyncBatchReader {
    /// Why a body is not a readable batch.
    public struct Malformed: Error, Sendable, Equatable, CustomStringConvertible {
        public var detail: String
        public var description: String { detail }
    }

    /// Nesting deeper than this inside a payload is refused rather than risking the stack.
    public static let maximumDepth = 64

    public static func read(_ data: Data) throws(Malformed) -> SyncBatch {
        try whole(data, "the batch") { (parser: inout Parser) throws(Malformed) in try parser.batch() }
    }

    /// A UUID in its 36-character text form, either case (what `UUID(uuidString:)` accepts, several times faster).
    public static func uuid(_ text: String) -> UUID? {
        Parser.uuid(text)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// `uuid.uuidString` (upper-case hex, 8-4-4-4-12) without the formatted printing it goes through.
    public static func text(_ uuid: UUID) -> String {
        withUnsafeBytes(of: uuid.uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var position = 0
                for (index, byte) in bytes.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    out[position] = hexDigits[Int(byte >> 4)]
                    out[position + 1] = hexDigits[Int(byte & 0x0F)]
                    position += 2
                }
                return position
            }
        }
    }

    /// Reads any JSON document as a `JSONValue`.
    public static func value(_ data: Data) throws(Malformed) -> JSONValue {
        try whole(data, "the value") { (parser: inout Parser) throws(Malformed) in try parser.value(path: "body", depth: 0) }
    }

    /// Runs `read` over all of `data`, refusing anything after what it reads.
    private static func whole<T>(
        _ data: Data, _ what: String, _ read: (inout Parser) throws(Malformed) -> T
    ) throws(Malformed) -> T {
        let result: Result<T, Malformed> = data.withUnsafeBytes { raw in
            var parser = Parser(bytes: raw.bindMemory(to: UInt8.self))
            do throws(Malformed) {
                let value = try read(&parser)
                parser.skipWhitespace()
                guard parser.index == parser.bytes.count else { throw parser.fail("body", "unexpected text after \(what)") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        func fail(_ path: String, _ reason: String) -> Malformed {
            Malformed(detail: "\(path): \(reason)")
        }

        mutating func skipWhitespace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
                index += 1
            }
        }

        mutating func expect(_ byte: UInt8, _ path: String) throws(Malformed) {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == byte else {
                throw fail(path, index < bytes.count ? "expected \"\(Character(UnicodeScalar(byte)))\"" : "body is not valid JSON (ends early)")
            }
            index += 1
        }

        /// Calls `field` for each key of an object, positioned at its value; the callee must consume it.
        mutating func object(_ path: String, _ field: (inout Parser, String) throws(Malformed) -> Void) throws(Malformed) {
            try expect(UInt8(ascii: "{"), path)
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return
            }
            while true {
                skipWhitespace()
                let key = try string(path)
                try expect(UInt8(ascii: ":"), path)
                try field(&self, key)
                skipWhitespace()
                guard index < bytes.count else { throw fail(path, "body is not valid JSON (ends early)") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return }
                throw fail(path, "expected \",\" or \"}\"")
            }
        }

        mutating func batch() throws(Malformed) -> SyncBatch {
            var plant: String?, agentHead: Int64?, events: [EventEnvelope]?
            try object("body") { (parser: inout Parser, key: String) throws(Malformed) in
                switch key {
                case "plant": plant = try parser.string("plant")
                case "agentHead": agentHead = try parser.integer("agentHead")
                case "events": events = try parser.envelopes()
                default: _ = try parser.value(path: key, depth: 0)
                }
            }
            guard let plant else { throw Malformed(detail: "missing field \"plant\"") }
            guard let agentHead else { throw Malformed(detail: "missing field \"agentHead\"") }
            guard let events else { throw Malformed(detail: "missing field \"events\"") }
            return SyncBatch(plant: plant, agentHead: agentHead, events: events)
        }

        mutating func envelopes() throws(Malformed) -> [EventEnvelope] {
            var events: [EventEnvelope] = []
            try expect(UInt8(ascii: "["), "events")
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return events
            }
            while true {
                events.append(try envelope("events[\(events.count)]"))
                skipWhitespace()
                guard index < bytes.count else { throw fail("events", "body is not valid JSON (ends early)") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return events }
                throw fail("events", "expected \",\" or \"]\"")
            }
        }

        mutating func envelope(_ path: String) throws(Malformed) -> EventEnvelope {
            var sequence: Int64?, id: UUID?, type: String?, version: Int64?, occurred: Date?, recorded: Date?
            var payload: JSONValue?
            try object(path) { (parser: inout Parser, key: String) throws(Malformed) in
                switch key {
                case "sequence": sequence = try parser.integer("\(path).sequence")
                case "id":
                    let text = try parser.string("\(path).id")
                    guard let value = Self.uuid(text) else { throw parser.fail("\(path).id", "expected a UUID, got \"\(text)\"") }
                    id = value
                case "type": type = try parser.string("\(path).type")
                case "schemaVersion": version = try parser.integer("\(path).schemaVersion")
                case "occurredAt": occurred = try parser.timestamp("\(path).occurredAt")
                case "recordedAt": recorded = try parser.timestamp("\(path).recordedAt")
                case "payload": payload = try parser.value(path: "\(path).payload", depth: 1)
                default: _ = try parser.value(path: "\(path).\(key)", depth: 1)
                }
            }
            func missing(_ key: String) -> Malformed { Malformed(detail: "missing field \"\(key)\" in \(path)") }
            guard let sequence else { throw missing("sequence") }
            guard let id else { throw missing("id") }
            guard let type else { throw missing("type") }
            guard let version else { throw missing("schemaVersion") }
            guard let version = Int(exactly: version) else { throw fail("\(path).schemaVersion", "out of range") }
            guard let occurred else { throw missing("occurredAt") }
            guard let recorded else { throw missing("recordedAt") }
            guard let payload else { throw missing("payload") }
            return EventEnvelope(
                sequence: sequence, id: id, type: type, schemaVersion: version, occurredAt: occurred, recordedAt: recorded,
                payload: payload)
        }

        mutating func timestamp(_ path: String) throws(Malformed) -> Date {
            let text = try string(path)
            guard let date = Timestamp.parse(text) else {
                throw fail(path, "Expected an RFC 3339 timestamp, got \"\(text)\"")
            }
            return date
        }

        mutating func integer(_ path: String) throws(Malformed) -> Int64 {
            skipWhitespace()
            let start = index
            guard case .number(let value) = try value(path: path, depth: 0) else { throw fail(path, "expected a number") }
            guard value.rounded() == value, let integer = Int64(exactly: value), abs(value) < 9_007_199_254_740_992 else {
                throw fail(path, "expected an integer, got \(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))")
            }
            return integer
        }

        mutating func string(_ path: String) throws(Malformed) -> String {
            skipWhitespace()
            guard index < bytes.count else { throw fail(path, "body is not valid JSON (ends early)") }
            guard bytes[index] == UInt8(ascii: "\"") else { throw fail(path, "expected a string") }
            index += 1
            let start = index
            // The common case: no escapes, so the bytes between the quotes are the string.
            while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 {
                index += 1
            }
            guard index < bytes.count else { throw fail(path, "unterminated string") }
            if bytes[index] == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                guard let text = String(validating: slice, as: UTF8.self) else { throw fail(path, "invalid UTF-8") }
                return text
            }
            var scalars = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
            while true {
                guard index < bytes.count else { throw fail(path, "unterminated string") }
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    guard let text = String(validating: scalars, as: UTF8.self) else { throw fail(path, "invalid UTF-8") }
                    return text
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { throw fail(path, "unterminated string") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                    case UInt8(ascii: "b"): scalars.append(0x08)
                    case UInt8(ascii: "f"): scalars.append(0x0C)
                    case UInt8(ascii: "n"): scalars.append(0x0A)
                    case UInt8(ascii: "r"): scalars.append(0x0D)
                    case UInt8(ascii: "t"): scalars.append(0x09)
                    case UInt8(ascii: "u"):
                        var code = try hex4(path)
                        if (0xD800...0xDBFF).contains(code) {
                            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                                throw fail(path, "unpaired UTF-16 surrogate")
                            }
                            index += 2
                            let low = try hex4(path)
                            guard (0xDC00...0xDFFF).contains(low) else { throw fail(path, "unpaired UTF-16 surrogate") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(code) {
                            throw fail(path, "unpaired UTF-16 surrogate")
                        }
                        scalars.append(contentsOf: Array(String(Character(UnicodeScalar(code)!)).utf8))
                    default:
                        throw fail(path, "invalid escape in a string")
                    }
                default:
                    guard byte >= 0x20 else { throw fail(path, "unescaped control character in a string") }
                    scalars.append(byte)
                }
            }
        }

        mutating func hex4(_ path: String) throws(Malformed) -> UInt32 {
            guard index + 4 <= bytes.count else { throw fail(path, "unterminated string") }
            var code: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = Self.hexDigit(bytes[index]) else { throw fail(path, "invalid \\u escape") }
                code = code << 4 | UInt32(digit)
                index += 1
            }
            return code
        }

        static func hexDigit(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }

        /// `8-4-4-4-12` hex digits, either case, as `UUID(uuidString:)` accepts, without its `sscanf`.
        static func uuid(_ text: String) -> UUID? {
            var text = text
            return text.withUTF8 { chars -> UUID? in
                guard chars.count == 36 else { return nil }
                var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                let parsed = withUnsafeMutableBytes(of: &bytes) { out -> Bool in
                    var position = 0, written = 0
                    while position < 36 {
                        if position == 8 || position == 13 || position == 18 || position == 23 {
                            guard chars[position] == UInt8(ascii: "-") else { return false }
                            position += 1
                            continue
                        }
                        guard let high = hexDigit(chars[position]), let low = hexDigit(chars[position + 1]) else { return false }
                        out[written] = high << 4 | low
                        written += 1
                        position += 2
                    }
                    return true
                }
                return parsed ? UUID(uuid: bytes) : nil
            }
        }

        mutating func value(path: String, depth: Int) throws(Malformed) -> JSONValue {
            guard depth <= SyncBatchReader.maximumDepth else { throw fail(path, "nested deeper than \(SyncBatchReader.maximumDepth) levels") }
            skipWhitespace()
            guard index < bytes.count else { throw fail(path, "body is not valid JSON (ends early)") }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return .string(try string(path))
            case UInt8(ascii: "{"):
                var members: [String: JSONValue] = [:]
                try object(path) { (parser: inout Parser, key: String) throws(Malformed) in
                    members[key] = try parser.value(path: "\(path).\(key)", depth: depth + 1)
                }
                return .object(members)
            case UInt8(ascii: "["):
                index += 1
                var elements: [JSONValue] = []
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(elements)
                }
                while true {
                    elements.append(try value(path: "\(path)[\(elements.count)]", depth: depth + 1))
                    skipWhitespace()
                    guard index < bytes.count else { throw fail(path, "body is not valid JSON (ends early)") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
                    throw fail(path, "expected \",\" or \"]\"")
                }
            case UInt8(ascii: "t"): try literal("true", path); return .bool(true)
            case UInt8(ascii: "f"): try literal("false", path); return .bool(false)
            case UInt8(ascii: "n"): try literal("null", path); return .null
            default:
                return .number(try number(path))
            }
        }

        mutating func literal(_ word: StaticString, _ path: String) throws(Malformed) {
            let count = word.utf8CodeUnitCount
            guard index + count <= bytes.count,
                  memcmp(bytes.baseAddress! + index, word.utf8Start, count) == 0
            else { throw fail(path, "body is not valid JSON") }
            index += count
        }

        /// RFC 8259's number grammar, exactly: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
        mutating func number(_ path: String) throws(Malformed) -> Double {
            let start = index
            func digits(_ parser: inout Parser) -> Int {
                let first = parser.index
                while parser.index < parser.bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(parser.bytes[parser.index]) {
                    parser.index += 1
                }
                return parser.index - first
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
                throw fail(path, "body is not valid JSON")
            }
            if bytes[index] == UInt8(ascii: "0") { index += 1 } else { _ = digits(&self) }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits(&self) > 0 else { throw fail(path, "body is not valid JSON (a number)") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits(&self) > 0 else { throw fail(path, "body is not valid JSON (a number)") }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            guard let value = Double(text), value.isFinite else { throw fail(path, "number \(text) is out of range") }
            return value
        }
    }
}
