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

    /// The members a change set has.
    static let changeSetMembers: Set<String> = ["summary", "records"]
    /// The members a change set's record has.
    static let recordMembers: Set<String> = ["kind", "company", "key", "active", "plants", "data", "expectedVersion"]
    /// The members of one record's body (`PUT /v1/masters/{kind}/{key}`): kind, company and key are in the URL.
    static let bodyMembers: Set<String> = ["active", "plants", "data"]

    public static func read(_ data: Data) throws -> MasterChangeSet {
        let body: JSONValue
        do { body = try SyncBatchReader.value(data) } catch { throw Malformed(field: "body", detail: error.detail) }
        return try read(body)
    }

    /// A change set from JSON already read.
    public static func read(_ body: JSONValue) throws -> MasterChangeSet {
        guard case .object(let members) = body else {
            throw Malformed(field: "body", detail: "expected {\"summary\": \"…\", \"records\": [{\"kind\": …, \"key\": …, \"data\": {…}}, …]}")
        }
        try refuseUnknown(members, known: changeSetMembers, at: "")
        guard case .array(let items)? = members["records"] else {
            throw Malformed(field: "records", detail: members["records"] == nil ? "missing field records" : "field records must be a list")
        }
        var drafts: [MasterDraft] = []
        for (index, item) in items.enumerated() {
            let path = "records[\(index)]"
            guard case .object(let record) = item else { throw Malformed(field: path, detail: "field \(path) must be an object") }
            try refuseUnknown(record, known: recordMembers, at: path + ".")
            let kindName = try text(record["kind"], at: path + ".kind", required: true)!
            let key = try text(record["key"], at: path + ".key", required: true)!
            guard let kind = MasterKind(rawValue: kindName) else {
                throw Malformed(field: path + ".kind", detail: "no master kind \(kindName) (kinds: \(MasterKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let company = try text(record["company"], at: path + ".company", required: false).flatMap { $0.isEmpty ? nil : $0 }
            var draft = try self.draft(item, kind: kind, key: key, company: company, at: path + ".", members: recordMembers)
            switch record["expectedVersion"] {
            case nil, .null?: break
            case .number(let version)? where Int64(exactly: version).map({ $0 >= 0 }) == true:
                draft.expectedVersion = Int64(exactly: version)!
            default:
                throw Malformed(field: path + ".expectedVersion", detail: "field \(path).expectedVersion must be a whole number ≥ 0")
            }
            drafts.append(draft)
        }
        guard !drafts.isEmpty else { throw Malformed(field: "records", detail: "no records") }
        let summary = try text(members["summary"], at: "summary", required: false).flatMap { $0.isEmpty ? nil : $0 }
        return MasterChangeSet(summary: summary, records: drafts)
    }

    /// One record's `active`, `plants` and `data` from a JSON object with only the members in `members`.
    public static func draft(
        _ body: JSONValue, kind: MasterKind, key: String, company: String?, at path: String = "", members known: Set<String>? = nil
    ) throws -> MasterDraft {
        guard case .object(let members) = body else { throw Malformed(field: path.isEmpty ? "body" : path, detail: "expected a JSON object") }
        try refuseUnknown(members, known: known ?? bodyMembers, at: path)
        var active = true
        switch members["active"] {
        case nil, .null?: break
        case .bool(let flag)?: active = flag
        default: throw Malformed(field: path + "active", detail: "field \(path)active must be true or false")
        }
        var plants: [String] = []
        switch members["plants"] {
        case nil, .null?: break
        case .array(let values)?:
            plants = try values.enumerated().map { index, value in
                guard case .string(let plant) = value else {
                    throw Malformed(field: "\(path)plants[\(index)]", detail: "field \(path)plants[\(index)] must be a plant id as text")
                }
                return plant
            }
        default: throw Malformed(field: path + "plants", detail: "field \(path)plants must be a list of plant ids")
        }
        guard let data = members["data"] else { throw Malformed(field: path + "data", detail: "missing field \(path)data (the record's fields go in data)") }
        return MasterDraft(kind: kind, company: company, key: key, active: active, plants: plants, data: data)
    }

    /// A member not in `known` is a misspelling or a field of another shape: refused, naming it.
    private static func refuseUnknown(_ members: [String: JSONValue], known: Set<String>, at path: String) throws {
        if let unknown = members.keys.sorted().first(where: { !known.contains($0) }) {
            throw Malformed(
                field: path + unknown, detail: "unknown field \(path)\(unknown) (fields: \(known.sorted().joined(separator: ", ")))")
        }
    }

    /// A text member, nil when absent or null (and not required).
    private static func text(_ value: JSONValue?, at field: String, required: Bool) throws -> String? {
        switch value {
        case .string(let text)?: return text
        case nil, .null?:
            if required { throw Malformed(field: field, detail: "missing field \(field)") }
            return nil
        default: throw Malformed(field: field, detail: "field \(field) must be text")
        }
    }
}
