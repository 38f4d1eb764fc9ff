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

    /// One line of CSV (with CRLF), quoting where needed. Every cell is written `spreadsheetSafe`, so a cell a
    /// spreadsheet would run as a formula is not one.
    public static func line(_ fields: [String]) -> String {
        fields.map { cell in
            let field = spreadsheetSafe(cell)
            guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
                    || field.hasPrefix(" ") || field.hasSuffix(" ")
            else { return field }
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",") + "\r\n"
    }

    /// The characters that make a spreadsheet read a cell as a formula (`=`, `+`, `-`, `@`, and a tab or carriage
    /// return before them), and the quote that marks an escaped cell.
    static let formulaLeaders: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "\r\n", "'"]

    /// `cell` as a spreadsheet shows it but cannot run it (OWASP's advice against CSV injection): a cell that starts
    /// with `=`, `+`, `-`, `@`, a tab, a carriage return or `'` gets a leading `'`, which spreadsheets take as "text"
    /// and do not show. A plain negative number (`-5`, `-1.25`: a minus, digits, at most one point between digits)
    /// is data a spreadsheet reads as a number, and stays as it is. `spreadsheetText` undoes it.
    public static func spreadsheetSafe(_ cell: String) -> String {
        guard let first = cell.first, formulaLeaders.contains(first), !isPlainNegativeNumber(cell) else { return cell }
        return "'" + cell
    }

    /// The cell as it was before `spreadsheetSafe`: one leading `'` is dropped when what follows would have been
    /// escaped; any other cell is as written.
    public static func spreadsheetText(_ cell: String) -> String {
        guard cell.first == "'" else { return cell }
        let rest = String(cell.dropFirst())
        return spreadsheetSafe(rest) == cell ? rest : cell
    }

    static func isPlainNegativeNumber(_ cell: String) -> Bool {
        let parts = cell.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        return cell.first == "-" && (1...2).contains(parts.count)
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { ("0"..."9").contains($0) } }
    }
}
