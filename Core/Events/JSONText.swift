/// Writes JSON text directly, for payloads on hot paths; the output matches `WireFormat`'s encoder
/// (sorted keys, unescaped slashes, absent optionals left out). Bytes are gathered in one buffer and made a
/// `String` once: appending to a `String` piece by piece cost more than the rest of writing an event row.
/// The callers write keys in sorted order.
struct JSONText {
    private var bytes: [UInt8]
    private var first = true

    init() {
        bytes = []
        bytes.reserveCapacity(128)
        bytes.append(UInt8(ascii: "{"))
    }

    /// An array of objects, opened: `nextObject()` begins each, `closeArray()` ends it.
    static func objectArray(capacity: Int) -> JSONText {
        var text = JSONText()
        text.bytes.reserveCapacity(capacity)
        text.bytes[0] = UInt8(ascii: "[")
        return text
    }

    /// In an array of objects: ends the object before (if any) and begins the next.
    mutating func nextObject() {
        if bytes.count > 1 { bytes.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: ",")]) }
        bytes.append(UInt8(ascii: "{"))
        first = true
    }

    /// In an array of objects: the array's text, the last object closed.
    func closeArray() -> [UInt8] {
        bytes + (bytes.count > 1 ? [UInt8(ascii: "}"), UInt8(ascii: "]")] : [UInt8(ascii: "]")])
    }

    /// `key` with text written by `closeArray()` (or any other valid JSON) as its value.
    mutating func field(_ key: String, json: [UInt8]) {
        separator(key)
        bytes.append(contentsOf: json)
    }

    mutating func field(_ key: String, _ value: String?) {
        guard let value else { return }
        separator(key)
        appendString(value)
    }

    mutating func field(_ key: String, _ value: Int64) {
        separator(key)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func close() -> String {
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func separator(_ key: String) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        appendString(key)
        bytes.append(UInt8(ascii: ":"))
    }

    private mutating func appendString(_ value: String) {
        // Native strings keep their UTF-8 in one piece: checked and copied in one pass over it.
        let copied = value.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
            return true
        }
        if copied == true { return }
        if copied == false || Self.needsEscaping(value) {
            var text = ""
            Self.appendString(value, to: &text)
            bytes.append(contentsOf: text.utf8)
        } else {
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: value.utf8)
            bytes.append(UInt8(ascii: "\""))
        }
    }

    private static func needsEscaping(_ value: String) -> Bool {
        value.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
    }

    static func appendString(_ value: String, to text: inout String) {
        text += "\""
        // Most strings need no escaping: copy them whole.
        if !needsEscaping(value) {
            text += value
            text += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{08}": text += "\\b"
            case "\u{0C}": text += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
