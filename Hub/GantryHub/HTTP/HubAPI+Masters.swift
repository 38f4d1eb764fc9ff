import Foundation
import GantryCore
import Hummingbird

/// Masters over HTTP: read within the principal's companies, write within its role, import and export CSV,
/// and each plant's pull of what changed (docs/masters.md).
extension HubAPI {
    /// `GET /v1/masters[?kind=…&company=…]`: current records within the actor's companies.
    func masterList(_ query: Parameters, actor: Actor) async throws -> MasterListBody {
        let kind = try query["kind"].map { try masterKind(String($0), csv: false) }
        return MasterListBody(records: try await store.masters(kind: kind, key: nil, company: company(query), scope: actor.companies))
    }

    /// `GET /v1/masters/{kind}/{key}[?company=…]`: one record (its version is the answer's ETag).
    func masterRead(kind: MasterKind, key: String, query: Parameters, actor: Actor) async throws -> MasterRecord {
        guard let record = try await one(kind, key, company: company(query), actor: actor) else {
            throw notFound(kind.rawValue, key)
        }
        return record
    }

    /// `PUT /v1/masters/{kind}/{key}[?company=…]`: one record as a new version; `If-Match` names the version it
    /// is based on.
    func masterWrite(
        _ body: JSONValue, kind: MasterKind, key: String, query: Parameters, ifMatch: String?, actor: Actor
    ) async throws -> MasterCommit {
        var draft = try MasterChangeSet.draft(body, kind: kind, key: key, company: company(query) ?? nil)
        if let ifMatch {
            guard let version = Int64(ifMatch.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))) else {
                throw ProblemDetails(code: "invalid-request", title: "Invalid request", status: 400,
                                     detail: "If-Match holds the record's version in quotes, e.g. \"12\"", field: "If-Match")
            }
            draft.expectedVersion = version
        }
        return try await service.commit([draft], by: actor, summary: "\(kind.rawValue) \(draft.key)")
    }

    /// `POST /v1/masters`: a change set as one version.
    func masterChangeSet(_ changeSet: MasterChangeSet, actor: Actor) async throws -> MasterCommit {
        let summary = changeSet.summary ?? "change set of \(changeSet.records.count) records"
        return try await service.commit(changeSet.records, by: actor, summary: summary)
    }

    /// `POST /v1/imports/{kind}`: a CSV file as one version; any bad row refuses the whole file.
    func masterImport(_ csv: String, kind: MasterKind, source: String, actor: Actor) async throws -> MasterCommit {
        try await service.importCSV(csv, kind: kind, by: actor, source: source)
    }

    /// `GET /v1/exports/{kind}[?company=…]`: the records as CSV.
    func masterExport(kind: MasterKind, query: Parameters, actor: Actor) async throws -> String {
        let records = try await store.masters(kind: kind, key: nil, company: company(query), scope: actor.companies)
        return MasterCSV.write(records, kind: kind)
    }

    /// `GET /v1/master-versions?after=…&limit=…`: the version log, for principals of every company only (it
    /// names changes of every company: actors, summaries).
    func masterVersions(_ query: Parameters, actor: Actor) async throws -> MasterVersionsBody {
        guard actor.companies == .all else {
            throw ProblemDetails.forbidden("the master version log spans every company; a principal of some companies reads masters instead")
        }
        let after = try integer(query, "after", range: 0...Int64.max) ?? 0
        let limit = try integer(query, "limit", range: 1...1000) ?? 100
        return MasterVersionsBody(versions: try await store.masterVersions(after: after, limit: Int(limit)))
    }

    /// `GET /v1/plants/{plant}/masters?since=…&limit=…`: a plant's pull of the masters meant for it that changed
    /// after `since`.
    func plantMasters(_ plant: PlantRecord, requested: String, query: Parameters) async throws -> MasterChanges {
        guard requested == plant.plantID else {
            throw ProblemDetails.forbidden("the token is plant \(plant.plantID)'s; it cannot read the masters of \(requested)")
        }
        let since = try integer(query, "since", range: 0...Int64.max) ?? 0
        let limit = try integer(query, "limit", range: 1...100_000) ?? 10_000
        return try await service.changes(for: plant, since: since, limit: Int(limit))
    }

    // MARK: Reading requests

    func masterKind(_ name: String, csv: Bool) throws -> MasterKind {
        if csv {
            guard let kind = MasterCSV.kinds[name] else {
                throw ProblemDetails(code: "not-found", title: "Not found", status: 404,
                                     detail: "no CSV form for \(name) (there is: \(MasterCSV.kinds.keys.sorted().joined(separator: ", ")))")
            }
            return kind
        }
        guard let kind = MasterKind(rawValue: name) else {
            throw ProblemDetails(code: "not-found", title: "Not found", status: 404,
                                 detail: "no master kind \(name) (kinds: \(MasterKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return kind
    }

    /// `company=` of a query: absent (nil), shared (`company=` empty, .some(nil)) or one company.
    private func company(_ query: Parameters) throws -> String?? {
        guard let value = query["company"] else { return nil }
        if value.isEmpty { return .some(nil) }
        guard let code = try? PlantIdentity(company: String(value), code: "0").company else {
            throw invalidQuery("company", "company is a company code of 1 to 16 letters or digits (empty for shared records), got \"\(value)\"")
        }
        return .some(code)
    }

    private func one(_ kind: MasterKind, _ key: String, company: String??, actor: Actor) async throws -> MasterRecord? {
        let records = try await store.masters(kind: kind, key: key, company: company, scope: actor.companies)
        guard records.count <= 1 else {
            throw ProblemDetails(code: "ambiguous", title: "Ambiguous", status: 409,
                                 detail: "\(kind.rawValue) \(key) exists for several companies; add ?company=CODE (empty for shared)")
        }
        return records.first
    }

    private func notFound(_ kind: String, _ key: String) -> ProblemDetails {
        ProblemDetails(code: "not-found", title: "Not found", status: 404, detail: "no \(kind) \(key) within this principal's companies")
    }
}

struct MasterListBody: Codable, Sendable {
    var records: [MasterRecord]
}

struct MasterVersionsBody: Codable, Sendable {
    var versions: [MasterVersion]
}
