import Foundation

// The second pass of `StrictJSON`: a decoder over a `JSONValue` that notes the keys a type asks for.

/// What keys were asked for at each object path of a trace.
final class KeyTrace: @unchecked Sendable {
    // Used by one decoding pass on one thread only, never shared.
    struct Asked { var keys: Set<String> = []; var all = false }
    var asked: [String: Asked] = [:]

    func note(_ path: String, key: String) { asked[path, default: Asked()].keys.insert(key) }
    func noteAll(_ path: String) { asked[path, default: Asked()].all = true }
    func open(_ path: String) { if asked[path] == nil { asked[path] = Asked() } }
}

/// A decoder over a `JSONValue` that records the keys a type reads.
struct TracingDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let trace: KeyTrace
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else {
            throw DecodingError.typeMismatch([String: JSONValue].self, .init(codingPath: codingPath, debugDescription: "not an object"))
        }
        trace.open(StrictJSON.path(codingPath))
        return KeyedDecodingContainer(TracingKeyed<Key>(members: members, codingPath: codingPath, trace: trace))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let values) = value else {
            throw DecodingError.typeMismatch([JSONValue].self, .init(codingPath: codingPath, debugDescription: "not a list"))
        }
        return TracingUnkeyed(values: values, codingPath: codingPath, trace: trace)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        TracingSingle(value: value, codingPath: codingPath, trace: trace)
    }

    /// Decodes `T` at this place; the types JSONDecoder treats specially go through JSONDecoder itself.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == Date.self || T.self == Decimal.self || T.self == URL.self || T.self == Data.self {
            return try WireFormat.decoder().decode(T.self, from: Data(value.canonicalText.utf8))
        }
        return try T(from: self)
    }

    func primitive<T>(_ type: T.Type) throws -> T {
        func mismatch() -> DecodingError {
            DecodingError.typeMismatch(T.self, .init(codingPath: codingPath, debugDescription: "mismatch"))
        }
        switch value {
        case .bool(let flag): if let flag = flag as? T { return flag }
        case .string(let text): if let text = text as? T { return text }
        case .number(let number):
            if let value = number as? T { return value }
            if let value = Float(exactly: number) as? T { return value }
            guard number == number.rounded() else { throw mismatch() }
            let integers: [Any?] = [Int(exactly: number), Int64(exactly: number), Int32(exactly: number), Int16(exactly: number),
                                    Int8(exactly: number), UInt(exactly: number), UInt64(exactly: number),
                                    UInt32(exactly: number), UInt16(exactly: number), UInt8(exactly: number)]
            for candidate in integers { if let value = candidate as? T { return value } }
        default: break
        }
        throw mismatch()
    }
}

struct TracingKeyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    let codingPath: [any CodingKey]
    let trace: KeyTrace

    var allKeys: [Key] {
        trace.noteAll(StrictJSON.path(codingPath))
        return members.keys.compactMap { Key(stringValue: $0) }
    }

    func contains(_ key: Key) -> Bool {
        trace.note(StrictJSON.path(codingPath), key: key.stringValue)
        return members[key.stringValue] != nil
    }

    private func child(_ key: Key) throws -> TracingDecoder {
        trace.note(StrictJSON.path(codingPath), key: key.stringValue)
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing"))
        }
        return TracingDecoder(value: value, codingPath: codingPath + [key], trace: trace)
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        trace.note(StrictJSON.path(codingPath), key: key.stringValue)
        return members[key.stringValue] == nil || members[key.stringValue] == .null
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decode(T.self) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try child(key).primitive(Bool.self) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try child(key).primitive(String.self) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try child(key).primitive(Double.self) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try child(key).primitive(Float.self) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try child(key).primitive(Int.self) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try child(key).primitive(Int8.self) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try child(key).primitive(Int16.self) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try child(key).primitive(Int32.self) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try child(key).primitive(Int64.self) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try child(key).primitive(UInt.self) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try child(key).primitive(UInt8.self) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try child(key).primitive(UInt16.self) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try child(key).primitive(UInt32.self) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try child(key).primitive(UInt64.self) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try child(key).unkeyedContainer() }

    func superDecoder() throws -> any Decoder {
        trace.noteAll(StrictJSON.path(codingPath))
        return TracingDecoder(value: .object(members), codingPath: codingPath, trace: trace)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

struct TracingUnkeyed: UnkeyedDecodingContainer {
    let values: [JSONValue]
    let codingPath: [any CodingKey]
    let trace: KeyTrace
    private(set) var currentIndex = 0

    init(values: [JSONValue], codingPath: [any CodingKey], trace: KeyTrace) {
        self.values = values
        self.codingPath = codingPath
        self.trace = trace
    }

    var count: Int? { values.count }
    var isAtEnd: Bool { currentIndex >= values.count }

    private mutating func next() throws -> TracingDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(JSONValue.self, .init(codingPath: codingPath, debugDescription: "at end"))
        }
        defer { currentIndex += 1 }
        return TracingDecoder(value: values[currentIndex], codingPath: codingPath + [IndexKey(currentIndex)], trace: trace)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, values[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decode(T.self) }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try next().primitive(Bool.self) }
    mutating func decode(_ type: String.Type) throws -> String { try next().primitive(String.self) }
    mutating func decode(_ type: Double.Type) throws -> Double { try next().primitive(Double.self) }
    mutating func decode(_ type: Float.Type) throws -> Float { try next().primitive(Float.self) }
    mutating func decode(_ type: Int.Type) throws -> Int { try next().primitive(Int.self) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next().primitive(Int8.self) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next().primitive(Int16.self) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next().primitive(Int32.self) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next().primitive(Int64.self) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next().primitive(UInt.self) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next().primitive(UInt8.self) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next().primitive(UInt16.self) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next().primitive(UInt32.self) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next().primitive(UInt64.self) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

struct TracingSingle: SingleValueDecodingContainer {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let trace: KeyTrace

    private var decoder: TracingDecoder { TracingDecoder(value: value, codingPath: codingPath, trace: trace) }

    func decodeNil() -> Bool { value == .null }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decode(T.self) }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.primitive(Bool.self) }
    func decode(_ type: String.Type) throws -> String { try decoder.primitive(String.self) }
    func decode(_ type: Double.Type) throws -> Double { try decoder.primitive(Double.self) }
    func decode(_ type: Float.Type) throws -> Float { try decoder.primitive(Float.self) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.primitive(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.primitive(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.primitive(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.primitive(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.primitive(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.primitive(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.primitive(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.primitive(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.primitive(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.primitive(UInt64.self) }
}

/// An array position in a coding path.
struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue!)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}
