import Foundation

/// CSV import and export of the masters people keep in spreadsheets: items, suppliers and supplier items
/// (docs/masters.md has the columns). An import is all or nothing: every row is checked and every problem
/// named by line before anything is written.
public enum MasterCSV {
    /// The kinds that have a CSV form, by the name used in URLs and on the command line.
    public static let kinds: [String: MasterKind] = ["items": .item, "suppliers": .supplier, "supplier-items": .supplierItem]

    /// A problem with one row (or the header, line 1) of an import.
    public struct RowProblem: Sendable, Equatable, Codable, CustomStringConvertible {
        public var line: Int
        public var column: String?
        public var detail: String

        public init(line: Int, column: String?, detail: String) {
            self.line = line
            self.column = column
            self.detail = detail
        }

        public var description: String { "line \(line)\(column.map { ", column \($0)" } ?? ""): \(detail)" }
    }

    /// A draft read from a row, with the line it came from.
    public struct ImportedRow: Sendable, Equatable {
        public var line: Int
        public var master: CheckedMaster
    }

    public static func columns(_ kind: MasterKind) -> [String] {
        switch kind {
        case .item:
            ["key", "company", "active", "plants", "description", "uom", "tracking", "category", "gtins", "conversions",
             "standard_cost", "currency", "shelf_life_days"]
        case .supplier:
            ["key", "company", "active", "plants", "name", "status", "categories", "country", "email"]
        case .supplierItem:
            ["supplier", "item", "company", "active", "plants", "lead_time_days", "price", "currency", "minimum_quantity", "rank"]
        default: []
        }
    }

    /// The record fields each kind's columns fill (a money field takes its amount column and `currency`).
    static func fieldColumns(_ kind: MasterKind) -> [String: String] {
        switch kind {
        case .item:
            ["description": "description", "uom": "uom", "tracking": "tracking", "category": "category", "gtins": "gtins",
             "conversions": "conversions", "standardCost": "standard_cost", "shelfLifeDays": "shelf_life_days"]
        case .supplier:
            ["name": "name", "status": "status", "categories": "categories", "country": "country", "email": "email"]
        case .supplierItem:
            ["supplier": "supplier", "item": "item", "leadTimeDays": "lead_time_days", "price": "price",
             "minimumQuantity": "minimum_quantity", "rank": "rank"]
        default: [:]
        }
    }

    /// Reads and checks every row; either all rows as checked drafts, or every problem found. A row for a
    /// record in `existing` changes only the fields whose columns the file has: an import of `key,standard_cost,
    /// currency` updates costs and leaves descriptions, GTINs and the rest as they are. An empty cell in a
    /// column the file has clears that field.
    public static func read(
        _ text: String, kind: MasterKind, existing: [MasterIdentity: MasterRecord] = [:]
    ) -> Result<[ImportedRow], ImportRefused> {
        let rows: [CSV.Row]
        do { rows = try CSV.rows(text) } catch {
            return .failure(ImportRefused(problems: [RowProblem(line: error.line, column: nil, detail: error.detail)]))
        }
        guard let header = rows.first else {
            return .failure(ImportRefused(problems: [RowProblem(line: 1, column: nil, detail: "the file is empty (a header line is required)")]))
        }
        let expected = columns(kind)
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var problems: [RowProblem] = []
        for name in names where !expected.contains(name) {
            problems.append(RowProblem(line: header.line, column: name, detail: "unknown column (columns: \(expected.joined(separator: ", ")))"))
        }
        for (offset, name) in names.enumerated() where names[..<offset].contains(name) {
            problems.append(RowProblem(line: header.line, column: name, detail: "the column appears twice"))
        }
        let required = kind == .supplierItem ? ["supplier", "item"] : ["key"]
        for name in required where !names.contains(name) {
            problems.append(RowProblem(line: header.line, column: name, detail: "required column missing"))
        }
        guard problems.isEmpty else { return .failure(ImportRefused(problems: problems)) }

        var imported: [ImportedRow] = []
        var seen: [MasterIdentity: Int] = [:]
        for row in rows.dropFirst() {
            guard row.fields.count == names.count else {
                problems.append(RowProblem(
                    line: row.line, column: nil, detail: "\(row.fields.count) fields; the header has \(names.count)"))
                continue
            }
            var cells: [String: String] = [:]
            for (name, value) in zip(names, row.fields) {
                let trimmed = CSV.spreadsheetText(value.trimmingCharacters(in: .whitespaces))
                if !trimmed.isEmpty { cells[name] = trimmed }
            }
            var cellProblems: [RowProblem] = []
            var draft = draft(kind, cells) { column, detail in cellProblems.append(RowProblem(line: row.line, column: column, detail: detail)) }
            guard cellProblems.isEmpty else { problems += cellProblems; continue }
            if let current = existing[MasterIdentity(kind: kind, company: draft.company?.uppercased(), key: draft.key)] {
                draft = merged(draft, onto: current, columns: Set(names))
            }
            switch draft.checked() {
            case .failure(let invalid):
                problems += invalid.problems.map { RowProblem(line: row.line, column: column(of: $0.field, kind: kind), detail: $0.detail) }
            case .success(let checked):
                if let earlier = seen[checked.draft.identity] {
                    problems.append(RowProblem(
                        line: row.line, column: column(of: "key", kind: kind), detail: "\(checked.draft.identity) is also on line \(earlier)"))
                } else {
                    seen[checked.draft.identity] = row.line
                    imported.append(ImportedRow(line: row.line, master: checked))
                }
            }
        }
        if rows.count == 1 { problems.append(RowProblem(line: 2, column: nil, detail: "no rows below the header")) }
        return problems.isEmpty ? .success(imported) : .failure(ImportRefused(problems: problems, valid: imported))
    }

    /// Records as CSV text with a header, in the order given.
    public static func write(_ records: [MasterRecord], kind: MasterKind) -> String {
        var text = CSV.line(columns(kind))
        for record in records where record.kind == kind {
            guard case .object(let data) = record.data else { continue }
            var cells: [String: String] = [
                "key": record.key, "company": record.company ?? "", "active": record.active ? "true" : "false",
                "plants": record.plants.joined(separator: " "),
            ]
            func string(_ name: String) -> String {
                switch data[name] {
                case .string(let text)?: text
                case .number(let number)?: number == number.rounded() ? String(Int(number)) : String(number)
                case .bool(let flag)?: flag ? "true" : "false"
                default: ""
                }
            }
            func list(_ name: String) -> String {
                guard case .array(let values)? = data[name] else { return "" }
                return values.compactMap { if case .string(let text) = $0 { text } else { nil } }.joined(separator: " ")
            }
            func amount(_ name: String) -> (String, String) {
                guard case .object(let money)? = data[name], case .string(let amount)? = money["amount"],
                      case .string(let currency)? = money["currency"] else { return ("", "") }
                return (amount, currency)
            }
            switch kind {
            case .item:
                for name in ["description", "uom", "tracking", "category"] { cells[name] = string(name) }
                cells["gtins"] = list("gtins")
                if case .array(let conversions)? = data["conversions"] {
                    cells["conversions"] = conversions.compactMap { value -> String? in
                        guard case .object(let conversion) = value, case .string(let uom)? = conversion["uom"],
                              case .string(let factor)? = conversion["factor"] else { return nil }
                        return "\(uom)=\(factor)"
                    }.joined(separator: " ")
                }
                (cells["standard_cost"], cells["currency"]) = amount("standardCost")
                cells["shelf_life_days"] = string("shelfLifeDays")
            case .supplier:
                for name in ["name", "status", "country", "email"] { cells[name] = string(name) }
                cells["categories"] = list("categories")
            case .supplierItem:
                for name in ["supplier", "item", "rank"] { cells[name] = string(name) }
                cells["lead_time_days"] = string("leadTimeDays")
                cells["minimum_quantity"] = string("minimumQuantity")
                (cells["price"], cells["currency"]) = amount("price")
            default: break
            }
            text += CSV.line(columns(kind).map { cells[$0] ?? "" })
        }
        return text
    }

    // MARK: Rows to drafts

    private static func draft(_ kind: MasterKind, _ cells: [String: String], problem: (String, String) -> Void) -> MasterDraft {
        var data: [String: JSONValue] = [:]
        func text(_ column: String, _ field: String) { if let value = cells[column] { data[field] = .string(value) } }
        func list(_ column: String, _ field: String) {
            if let value = cells[column] { data[field] = .array(value.split(separator: " ").map { .string(String($0)) }) }
        }
        func integer(_ column: String, _ field: String) {
            guard let value = cells[column] else { return }
            guard let number = Int(value) else { problem(column, "expected a whole number, got \"\(value)\""); return }
            data[field] = .number(Double(number))
        }
        func money(_ column: String, _ field: String) {
            guard let amount = cells[column] else {
                if cells["currency"] != nil, kind == .item { problem(column, "a currency without an amount") }
                return
            }
            data[field] = .object(["amount": .string(amount), "currency": cells["currency"].map(JSONValue.string) ?? .null])
        }
        var active = true
        if let value = cells["active"] {
            switch value.lowercased() {
            case "true", "yes", "1": active = true
            case "false", "no", "0": active = false
            default: problem("active", "expected true or false, got \"\(value)\"")
            }
        }
        let plants = cells["plants"].map { $0.split(separator: " ").map(String.init) } ?? []
        var key = cells["key"] ?? ""
        switch kind {
        case .item:
            for name in ["description", "uom", "tracking", "category"] { text(name, name) }
            list("gtins", "gtins")
            if let value = cells["conversions"] {
                data["conversions"] = .array(value.split(separator: " ").map { pair in
                    let parts = pair.split(separator: "=", maxSplits: 1)
                    guard parts.count == 2 else {
                        problem("conversions", "a conversion is UNIT=FACTOR (e.g. BOX=12), got \"\(pair)\"")
                        return .null
                    }
                    return .object(["uom": .string(String(parts[0])), "factor": .string(String(parts[1]))])
                })
            }
            money("standard_cost", "standardCost")
            integer("shelf_life_days", "shelfLifeDays")
        case .supplier:
            for name in ["name", "status", "country", "email"] { text(name, name) }
            list("categories", "categories")
        case .supplierItem:
            text("supplier", "supplier")
            text("item", "item")
            key = "\(cells["supplier"] ?? ""):\(cells["item"] ?? "")"
            integer("lead_time_days", "leadTimeDays")
            money("price", "price")
            text("minimum_quantity", "minimumQuantity")
            integer("rank", "rank")
        default: break
        }
        return MasterDraft(kind: kind, company: cells["company"], key: key, active: active, plants: plants, data: .object(data))
    }

    /// `draft` with what its file has no columns for taken from the record as stored.
    private static func merged(_ draft: MasterDraft, onto current: MasterRecord, columns: Set<String>) -> MasterDraft {
        var draft = draft
        // Merged onto what was read before the commit: if the record changes meanwhile, the commit refuses.
        draft.expectedVersion = current.version
        if !columns.contains("active") { draft.active = current.active }
        if !columns.contains("plants") { draft.plants = current.plants }
        guard case .object(var data) = draft.data, case .object(let stored) = current.data else { return draft }
        for (field, column) in fieldColumns(draft.kind) where !columns.contains(column) {
            data[field] = stored[field]
        }
        for (field, value) in stored where fieldColumns(draft.kind)[field] == nil {
            data[field] = value
        }
        draft.data = .object(data)
        return draft
    }

    /// The CSV column a record field comes from, for error messages.
    public static func column(of field: String, kind: MasterKind) -> String? {
        let path = field.split(separator: ".").map { String($0.prefix { $0 != "[" }) }
        switch path.first {
        case "key": return kind == .supplierItem ? "supplier" : "key"
        case "company": return "company"
        case "plants": return "plants"
        case "data": break
        default: return nil
        }
        guard path.count > 1 else { return nil }
        let names: [String: String] = [
            "standardCost": path.count > 2 && path[2] == "currency" ? "currency" : "standard_cost",
            "price": path.count > 2 && path[2] == "currency" ? "currency" : "price",
            "shelfLifeDays": "shelf_life_days", "leadTimeDays": "lead_time_days", "minimumQuantity": "minimum_quantity",
        ]
        return names[path[1]] ?? path[1]
    }
}

/// An import that wrote nothing, with every problem by line.
public struct ImportRefused: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [MasterCSV.RowProblem]
    /// The rows that passed their own checks, so their references can be checked too and every problem told at once.
    public var valid: [MasterCSV.ImportedRow]

    public init(problems: [MasterCSV.RowProblem], valid: [MasterCSV.ImportedRow] = []) {
        self.problems = problems
        self.valid = valid
    }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
