import Foundation

/// Several master records changed together as one version: `{"summary": "…", "records": [{"kind": …,
/// "company": …, "key": …, "active": …, "plants": […], "data": {…}, "expectedVersion": n}, …]}`.
public struct MasterChangeSet: Sendable, Equatable {
    public var summary: String?
    public var records: [MasterDraft]

    /// A change set or record that is not of that shape, naming the field.
    public struct Malformed: Error, Sendable, Equatable, CustomStringConvertible {
        public var field: String
        public var detail: String
        public var description: String { "\(field): \(detail)" }
    }

    public static func read(_ data: Data) throws -> MasterChangeSet {
        let body: JSONValue
        do { body = try SyncBatchReader.value(data) } catch { throw Malformed(field: "body", detail: error.detail) }
        guard case .object(let members) = body, case .array(let items)? = members["records"] else {
            throw Malformed(field: "records", detail: "expected {\"summary\": \"…\", \"records\": [{\"kind\": …, \"key\": …, \"data\": {…}}, …]}")
        }
        var drafts: [MasterDraft] = []
        for (index, item) in items.enumerated() {
            guard case .object(let record) = item, case .string(let kindName)? = record["kind"],
                  case .string(let key)? = record["key"] else {
                throw Malformed(field: "records[\(index)]", detail: "each record needs kind and key")
            }
            guard let kind = MasterKind(rawValue: kindName) else {
                throw Malformed(field: "records[\(index)].kind", detail: "no master kind \(kindName)")
            }
            var company: String?
            if case .string(let text)? = record["company"], !text.isEmpty { company = text }
            var draft = try self.draft(item, kind: kind, key: key, company: company, at: "records[\(index)].")
            if case .number(let version)? = record["expectedVersion"] {
                guard let exact = Int64(exactly: version), exact >= 0 else {
                    throw Malformed(field: "records[\(index)].expectedVersion", detail: "a version is a whole number ≥ 0")
                }
                draft.expectedVersion = exact
            }
            drafts.append(draft)
        }
        guard !drafts.isEmpty else { throw Malformed(field: "records", detail: "no records") }
        var summary: String?
        if case .string(let text)? = members["summary"], !text.isEmpty { summary = text }
        return MasterChangeSet(summary: summary, records: drafts)
    }

    /// One record's `active`, `plants` and `data` from a JSON object.
    public static func draft(_ body: JSONValue, kind: MasterKind, key: String, company: String?, at path: String = "") throws -> MasterDraft {
        guard case .object(let members) = body else { throw Malformed(field: path.isEmpty ? "body" : path, detail: "expected a JSON object") }
        var active = true
        switch members["active"] {
        case nil, .null?: break
        case .bool(let flag)?: active = flag
        default: throw Malformed(field: path + "active", detail: "expected true or false")
        }
        var plants: [String] = []
        switch members["plants"] {
        case nil, .null?: break
        case .array(let values)?:
            plants = try values.map { value in
                guard case .string(let plant) = value else { throw Malformed(field: path + "plants", detail: "expected plant ids") }
                return plant
            }
        default: throw Malformed(field: path + "plants", detail: "expected a list of plant ids")
        }
        guard let data = members["data"] else { throw Malformed(field: path + "data", detail: "the record's fields go in data") }
        return MasterDraft(kind: kind, company: company, key: key, active: active, plants: plants, data: data)
    }
}
