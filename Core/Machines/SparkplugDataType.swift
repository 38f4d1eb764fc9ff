/// The Sparkplug B datatypes (specification 3.0, 6.4.16), by their numbers on the wire, and which value field
/// each must use.
public enum SparkplugDataType: UInt32, Sendable, Codable, CaseIterable {
    case unknown = 0
    case int8 = 1, int16 = 2, int32 = 3, int64 = 4
    case uint8 = 5, uint16 = 6, uint32 = 7, uint64 = 8
    case float = 9, double = 10, boolean = 11, string = 12, dateTime = 13, text = 14
    case uuid = 15, dataSet = 16, bytes = 17, file = 18, template = 19
    case propertySet = 20, propertySetList = 21
    case int8Array = 22, int16Array = 23, int32Array = 24, int64Array = 25
    case uint8Array = 26, uint16Array = 27, uint32Array = 28, uint64Array = 29
    case floatArray = 30, doubleArray = 31, booleanArray = 32, stringArray = 33, dateTimeArray = 34

    /// The name the specification uses.
    public var name: String { Self.names[Int(rawValue)] }

    private static let names = [
        "Unknown", "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "Float", "Double",
        "Boolean", "String", "DateTime", "Text", "UUID", "DataSet", "Bytes", "File", "Template", "PropertySet",
        "PropertySetList", "Int8Array", "Int16Array", "Int32Array", "Int64Array", "UInt8Array", "UInt16Array",
        "UInt32Array", "UInt64Array", "FloatArray", "DoubleArray", "BooleanArray", "StringArray", "DateTimeArray",
    ]

    /// Whether `value` is in the field this datatype uses (3.0, 6.4.16 and Annex A) and, for the integer types
    /// narrower than their field, within its range. Arrays, bytes and files use `bytes_value`.
    public func accepts(_ value: SparkplugValue) -> Bool {
        switch (self, value) {
        case (.int8, .int(let raw)): Int32(bitPattern: raw) >= Int32(Int8.min) && Int32(bitPattern: raw) <= Int32(Int8.max)
        case (.int16, .int(let raw)): Int32(bitPattern: raw) >= Int32(Int16.min) && Int32(bitPattern: raw) <= Int32(Int16.max)
        case (.int32, .int): true
        case (.uint8, .int(let raw)): raw <= UInt32(UInt8.max)
        case (.uint16, .int(let raw)): raw <= UInt32(UInt16.max)
        case (.uint32, .int): true
        case (.int64, .long), (.uint64, .long), (.dateTime, .long): true
        case (.float, .float), (.double, .double), (.boolean, .boolean): true
        case (.string, .string), (.text, .string), (.uuid, .string): true
        case (.dataSet, .dataSet), (.template, .template): true
        case (.bytes, .bytes), (.file, .bytes): true
        case (_, .bytes): rawValue >= Self.int8Array.rawValue
        case (_, .extensionValue): true
        default: false
        }
    }

    /// The value as a whole number, for counters: signed types read as two's complement.
    public func integer(_ value: SparkplugValue) -> Int64? {
        switch (self, value) {
        case (.int8, .int(let raw)), (.int16, .int(let raw)), (.int32, .int(let raw)): Int64(Int32(bitPattern: raw))
        case (.uint8, .int(let raw)), (.uint16, .int(let raw)), (.uint32, .int(let raw)): Int64(raw)
        case (.int64, .long(let raw)): Int64(bitPattern: raw)
        case (.uint64, .long(let raw)): raw <= UInt64(Int64.max) ? Int64(raw) : nil
        case (.float, .float(let raw)): raw.isFinite && raw.rounded() == raw && abs(raw) < 1e15 ? Int64(raw) : nil
        case (.double, .double(let raw)): raw.isFinite && raw.rounded() == raw && abs(raw) < 1e15 ? Int64(raw) : nil
        default: nil
        }
    }

    /// The value as the text a mapping's value map is keyed by: whole numbers in decimal, `true`/`false`,
    /// strings as they are, fractions as Swift prints them.
    public func text(_ value: SparkplugValue) -> String? {
        if let whole = integer(value) { return String(whole) }
        switch value {
        case .boolean(let flag): return flag ? "true" : "false"
        case .string(let text): return text
        case .float(let number): return "\(number)"
        case .double(let number): return "\(number)"
        case .long(let raw): return String(raw)
        default: return nil
        }
    }
}
