import Foundation

/// What a command's list prints: an aligned table with headers for a person (the default), or JSON or CSV
/// (RFC 4180) for a script. Pure: the rows go in, the text comes out.
public struct ListOutput: Sendable, Equatable {
    /// The output formats a `--format` option offers.
    public enum Format: String, Sendable, CaseIterable {
        case table, json, csv
    }

    /// Column names: JSON keys and the CSV header row as given; the table's headers in capitals with `_` as a space.
    public var columns: [String]
    /// One cell per column; `nil` is JSON `null`, an empty CSV field and `-` in the table.
    public var rows: [[String?]]

    /// A list of `rows` under `columns`; every row has one cell per column.
    public init(columns: [String], rows: [[String?]]) {
        precondition(rows.allSatisfy { $0.count == columns.count }, "every row needs one cell per column")
        self.columns = columns
        self.rows = rows
    }

    /// The rows of a JSON answer: an array of objects, or the first array member (by name) of an object such as
    /// `{"rules": […]}`. Columns are the members of the rows, those in `preferred` first in that order, the others
    /// sorted (all of `preferred` when there are no rows); a string cell is the string, a number or a boolean its
    /// JSON text, `null` or a missing member nil, and a nested array or object its canonical JSON. Nil when the
    /// document holds no such array.
    public init?(document: JSONValue, preferred: [String] = []) {
        let list: [JSONValue]
        switch document {
        case .array(let values):
            list = values
        case .object(let members):
            guard let first = members.keys.sorted().first(where: { if case .array = members[$0]! { true } else { false } }),
                  case .array(let values)? = members[first]
            else { return nil }
            list = values
        default:
            return nil
        }
        var objects: [[String: JSONValue]] = []
        for value in list {
            guard case .object(let members) = value else { return nil }
            objects.append(members)
        }
        let keys = Set(objects.flatMap(\.keys))
        // An empty list still gets its headers: the preferred ones.
        let columns = keys.isEmpty ? preferred : preferred.filter(keys.contains) + keys.subtracting(preferred).sorted()
        self.init(columns: columns, rows: objects.map { members in
            columns.map { column in
                switch members[column] {
                case nil, .null?: nil
                case .string(let text)?: text
                case let value?: value.canonicalText
                }
            }
        })
    }

    /// The list in `format`, ending in a newline.
    public func text(_ format: Format) -> String {
        switch format {
        case .table: table()
        case .json: json()
        case .csv: csv()
        }
    }

    /// Columns padded to their widest cell and separated by two spaces, under a header row.
    public func table() -> String {
        let header = columns.map { $0.uppercased().replacingOccurrences(of: "_", with: " ") }
        let body = rows.map { $0.map { Self.oneLine($0 ?? "-") } }
        let widths = columns.indices.map { column in
            ([header] + body).map { $0[column].count }.max() ?? 0
        }
        return ([header] + body).map { cells in
            var line = ""
            for (column, cell) in cells.enumerated() {
                line += column == cells.count - 1 ? cell : cell.padding(toLength: widths[column] + 2, withPad: " ", startingAt: 0)
            }
            return line
        }.joined(separator: "\n") + "\n"
    }

    /// An array of objects, one per row, keyed by column name, on one line.
    public func json() -> String {
        JSONValue.array(rows.map { cells in
            .object(Dictionary(uniqueKeysWithValues: zip(columns, cells.map { $0.map(JSONValue.string) ?? .null })))
        }).canonicalText + "\n"
    }

    /// RFC 4180: a header row, CRLF line ends, and fields holding a comma, a double quote, CR or LF in double
    /// quotes with their double quotes doubled.
    public func csv() -> String {
        ([columns] + rows.map { $0.map { $0 ?? "" } }).map { cells in
            cells.map(Self.csvField).joined(separator: ",")
        }.joined(separator: "\r\n") + "\r\n"
    }

    static func csvField(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A cell on one line of the table: line breaks and tabs become spaces.
    static func oneLine(_ value: String) -> String {
        String(value.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }
}
