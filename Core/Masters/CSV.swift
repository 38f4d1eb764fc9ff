import Foundation

/// RFC 4180 text: comma-separated fields, fields with commas, quotes or line breaks in double quotes, a quote
/// inside written twice. Lines end in CRLF or LF. Rows remember the line they start on, for error messages.
public enum CSV {
    public struct Row: Sendable, Equatable {
        /// The 1-based line the row starts on.
        public var line: Int
        public var fields: [String]
    }

    public struct Malformed: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var detail: String
        public var description: String { "line \(line): \(detail)" }
    }

    /// Every non-blank row, the header included.
    public static func rows(_ text: String) throws(Malformed) -> [Row] {
        var rows: [Row] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1, rowLine = 1
        var inQuotes = false, wasQuoted = false
        let bytes = Array(text.utf8)
        var index = bytes.startIndex
        // A byte-order mark (spreadsheets write one) is not data.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        func endRow() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append(Row(line: rowLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
        }

        while index < bytes.endIndex {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.endIndex, bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            } else {
                switch byte {
                case UInt8(ascii: ","):
                    endField()
                case UInt8(ascii: "\""):
                    guard field.isEmpty, !wasQuoted else {
                        throw Malformed(line: line, detail: "a quote inside an unquoted field (quote the whole field and double the quote)")
                    }
                    inQuotes = true
                    wasQuoted = true
                case UInt8(ascii: "\r") where index + 1 < bytes.endIndex && bytes[index + 1] == UInt8(ascii: "\n"):
                    break
                case UInt8(ascii: "\n"):
                    endRow()
                    line += 1
                    rowLine = line
                default:
                    if wasQuoted { throw Malformed(line: line, detail: "text after the closing quote of a field") }
                    field.append(byte)
                }
            }
            index += 1
        }
        if inQuotes { throw Malformed(line: rowLine, detail: "a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRow() }
        return rows
    }

    /// One line of CSV (with CRLF), quoting where needed.
    public static func line(_ fields: [String]) -> String {
        fields.map { field in
            guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || field.hasPrefix(" ") || field.hasSuffix(" ")
            else { return field }
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",") + "\r\n"
    }
}
