import Foundation

/// Reads a `Decodable` straight from a parsed `JSONValue`, as `WireFormat.sharedDecoder` reads the value's canonical
/// text, without writing that text and parsing it again: the hub reads every event of a plant's catch-up this way.
///
/// "As" means the same values and the same refusals (`DecodingError`s of the same kind at the same coding path):
/// numbers are read from the text `JSONValue` writes for them (so a `Decimal` is exact to that text), dates as the wire
/// format's RFC 3339 timestamps, `Data` as base64 and `URL`s from strings, as `JSONDecoder`'s defaults do. One
/// refusal is worded better: a number that does not fit its type (3.5 for a line number) is named with its field,
/// where `JSONDecoder` reports it at the top of the body.
public enum JSONValueDecoder {
    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try ValueDecoder(value: value, parent: [], key: nil).read(type)
    }
}

/// A key of an array element, named as `JSONDecoder` names it.
private struct ElementKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

private struct ValueDecoder: Decoder {
    let value: JSONValue
    /// The path to this value's container, and the key of the value in it: the path is only put together when asked
    /// (an error), so reading a field allocates no path.
    let parent: [any CodingKey]
    let key: (any CodingKey)?

    var codingPath: [any CodingKey] { key.map { parent + [$0] } ?? parent }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        switch value {
        case .object(let members): return KeyedDecodingContainer(KeyedReader<Key>(members: members, codingPath: codingPath))
        case .null: throw DecodingError.valueNotFound([String: Any].self, .init(
            codingPath: codingPath, debugDescription: "Cannot get keyed decoding container -- found null value instead"))
        default: throw mismatch([String: Any].self)
        }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        switch value {
        case .array(let values): return UnkeyedReader(values: values, codingPath: codingPath)
        case .null: throw DecodingError.valueNotFound([Any].self, .init(
            codingPath: codingPath, debugDescription: "Cannot get unkeyed decoding container -- found null value instead"))
        default: throw mismatch([Any].self)
        }
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleReader(decoder: self) }

    func mismatch(_ type: Any.Type) -> DecodingError {
        let found: String
        switch value {
        case .null: found = "null"
        case .bool: found = "bool"
        case .number: found = "number"
        case .string: found = "string"
        case .array: found = "array"
        case .object: found = "dictionary"
        }
        return DecodingError.typeMismatch(type, .init(
            codingPath: codingPath, debugDescription: "Expected to decode \(type) but found \(found) instead."))
    }

    func nullRefused(_ type: Any.Type) -> DecodingError {
        DecodingError.valueNotFound(type, .init(
            codingPath: codingPath, debugDescription: "Cannot get value of type \(type) -- found null value instead"))
    }

    func corrupted(_ description: String) -> DecodingError {
        DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: description))
    }

    /// The number's text as `JSONValue` writes it, which is what `JSONDecoder` would have parsed.
    func numberText(_ type: Any.Type) throws -> (Double, String) {
        switch value {
        case .number(let number):
            let description = number.description
            return (number, description.hasSuffix(".0") ? String(description.dropLast(2)) : description)
        case .null: throw nullRefused(type)
        default: throw mismatch(type)
        }
    }

    func string() throws -> String {
        switch value {
        case .string(let text): return text
        case .null: throw nullRefused(String.self)
        default: throw mismatch(String.self)
        }
    }

    func bool() throws -> Bool {
        switch value {
        case .bool(let flag): return flag
        case .null: throw nullRefused(Bool.self)
        default: throw mismatch(Bool.self)
        }
    }

    func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let (number, text) = try numberText(type)
        guard number.rounded() == number, let whole = T(exactly: number) else {
            throw corrupted("Number \(text) is not representable in Swift.")
        }
        return whole
    }

    func floating<T: BinaryFloatingPoint>(_ type: T.Type) throws -> T {
        let (number, text) = try numberText(type)
        let converted = T(number)
        guard converted.isFinite || !number.isFinite else {
            throw corrupted("Number \(text) does not fit in \(type).")
        }
        return converted
    }

    /// The types `JSONDecoder` reads in its own way, then everything else by its own `init(from:)`.
    func read<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == JSONValue.self { return value as! T }
        if T.self == String.self { return try string() as! T }
        if T.self == Date.self {
            let text = try string()
            guard let date = Timestamp.parse(text) else {
                throw corrupted("Expected an RFC 3339 timestamp, got \"\(text)\"")
            }
            return date as! T
        }
        if T.self == Decimal.self {
            let (_, text) = try numberText(Decimal.self)
            guard let decimal = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
                throw corrupted("Parsed JSON number <\(text)> does not fit in Decimal.")
            }
            return decimal as! T
        }
        if T.self == URL.self {
            let text = try string()
            guard let url = URL(string: text) else { throw corrupted("Invalid URL string.") }
            return url as! T
        }
        if T.self == Data.self {
            let text = try string()
            guard let data = Data(base64Encoded: text) else { throw corrupted("Encountered Data is not valid Base64.") }
            return data as! T
        }
        return try T(from: self)
    }
}

private struct SingleReader: SingleValueDecodingContainer {
    let decoder: ValueDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { if case .null = decoder.value { return true } else { return false } }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool() }
    func decode(_ type: String.Type) throws -> String { try decoder.string() }
    func decode(_ type: Double.Type) throws -> Double { try decoder.floating(type) }
    func decode(_ type: Float.Type) throws -> Float { try decoder.floating(type) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.integer(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.read(type) }
}

private struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: [String: JSONValue]
    let codingPath: [any CodingKey]

    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func reader(_ key: Key) throws -> ValueDecoder {
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(
                codingPath: codingPath, debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\")."))
        }
        return ValueDecoder(value: value, parent: codingPath, key: key)
    }

    func decodeNil(forKey key: Key) throws -> Bool { if case .null = try reader(key).value { return true } else { return false } }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try reader(key).bool() }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try reader(key).string() }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try reader(key).floating(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try reader(key).floating(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try reader(key).integer(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try reader(key).integer(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try reader(key).integer(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try reader(key).integer(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try reader(key).integer(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try reader(key).integer(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try reader(key).integer(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try reader(key).integer(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try reader(key).integer(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try reader(key).integer(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try reader(key).read(type) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try reader(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try reader(key).unkeyedContainer() }

    func superDecoder() throws -> any Decoder {
        ValueDecoder(value: members["super"] ?? .null, parent: codingPath, key: SuperKey())
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        ValueDecoder(value: members[key.stringValue] ?? .null, parent: codingPath, key: key)
    }
}

/// The key `superDecoder()` reads, as `JSONDecoder` names it.
private struct SuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }
}

private struct UnkeyedReader: UnkeyedDecodingContainer {
    let values: [JSONValue]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(values: [JSONValue], codingPath: [any CodingKey]) {
        self.values = values
        self.codingPath = codingPath
    }

    var count: Int? { values.count }
    var isAtEnd: Bool { currentIndex >= values.count }

    private func reader(_ type: Any.Type) throws -> ValueDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(
                codingPath: codingPath + [ElementKey(intValue: currentIndex)], debugDescription: "Unkeyed container is at end."))
        }
        return ValueDecoder(value: values[currentIndex], parent: codingPath, key: ElementKey(intValue: currentIndex))
    }

    /// Reads the current element and moves past it only when it was read.
    private mutating func next<T>(_ type: Any.Type, _ read: (ValueDecoder) throws -> T) throws -> T {
        let value = try read(try reader(type))
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard case .null = try reader(Any.self).value else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type) { try $0.bool() } }
    mutating func decode(_ type: String.Type) throws -> String { try next(type) { try $0.string() } }
    mutating func decode(_ type: Double.Type) throws -> Double { try next(type) { try $0.floating(type) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try next(type) { try $0.floating(type) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try next(type) { try $0.integer(type) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type) { try $0.integer(type) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type) { try $0.integer(type) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type) { try $0.integer(type) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type) { try $0.integer(type) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type) { try $0.integer(type) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type) { try $0.integer(type) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type) { try $0.integer(type) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type) { try $0.integer(type) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type) { try $0.integer(type) } }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next(type) { try $0.read(type) } }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next(type) { try $0.container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next([Any].self) { try $0.unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder { try next(Any.self) { $0 as any Decoder } }
}
