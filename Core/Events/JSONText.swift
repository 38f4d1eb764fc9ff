/// Writes JSON text directly, for payloads on hot paths; the output matches `WireFormat`'s encoder
/// (sorted keys, unescaped slashes, absent optionals left out).
struct JSONText {
    private(set) var text = "{"
    private var first = true

    mutating func field(_ key: String, _ value: String?) {
        guard let value else { return }
        separator(key)
        Self.appendString(value, to: &text)
    }

    mutating func field(_ key: String, _ value: Int64) {
        separator(key)
        text += String(value)
    }

    mutating func close() -> String {
        text += "}"
        return text
    }

    private mutating func separator(_ key: String) {
        if !first { text += "," }
        first = false
        Self.appendString(key, to: &text)
        text += ":"
    }

    static func appendString(_ value: String, to text: inout String) {
        text += "\""
        // Most strings need no escaping: copy them whole.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
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
