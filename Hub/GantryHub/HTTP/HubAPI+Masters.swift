import Foundation
import GantryCore
import Hummingbird
import NIOCore

/// Masters over HTTP: read within the principal's companies, write within its role, import and export CSV,
/// and each plant's pull of what changed (docs/masters.md).
extension HubAPI {
    var service: MasterService { MasterService(store: store) }

    func masters(_ endpoint: HubEndpoint, _ request: Request, context: BasicRequestContext, actor: Actor) async throws -> Response {
        let query = request.uri.queryParameters
        switch endpoint {
        case .masterList:
            let kind = try query["kind"].map { try masterKind(String($0), csv: false) }
            let records = try await store.masters(kind: kind, key: nil, company: company(query), scope: actor.companies)
            return try jsonResponse(MasterListBody(records: records))
        case .masterRead:
            let record = try await one(try masterKind(try parameter("kind", context), csv: false), try parameter("key", context),
                                       company: company(query), actor: actor)
            guard let record else { throw notFound(try parameter("kind", context), try parameter("key", context)) }
            var response = try jsonResponse(record)
            response.headers[.eTag] = "\"\(record.version)\""
            return response
        case .masterWrite:
            let kind = try masterKind(try parameter("kind", context), csv: false)
            var request = request
            let body = try await jsonBody(&request)
            var draft = try MasterChangeSet.draft(body, kind: kind, key: try parameter("key", context), company: company(query) ?? nil)
            if let match = request.headers[.ifMatch] {
                guard let version = Int64(match.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))) else {
                    throw ProblemDetails(code: "invalid-request", title: "Invalid request", status: 400,
                                         detail: "If-Match holds the record's version in quotes, e.g. \"12\"", field: "If-Match")
                }
                draft.expectedVersion = version
            }
            let commit = try await service.commit([draft], by: actor, summary: "\(kind.rawValue) \(draft.key)")
            return try jsonResponse(commit)
        case .masterChangeSet:
            var request = request
            // Not JSON at all is 400, as for every body; JSON of the wrong shape is 422 naming the field.
            let changeSet = try MasterChangeSet.read(try await jsonBody(&request))
            let summary = changeSet.summary ?? "change set of \(changeSet.records.count) records"
            return try jsonResponse(try await service.commit(changeSet.records, by: actor, summary: summary))
        case .masterImport:
            let kindName = try parameter("kind", context)
            let kind = try masterKind(kindName, csv: true)
            var request = request
            let buffer = try await body(&request, limit: configuration.maxBatchBytes)
            guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
                throw invalidBody("body", "the file is not UTF-8 text")
            }
            let commit = try await service.importCSV(text, kind: kind, by: actor, source: "HTTP import of \(kindName)")
            return try jsonResponse(commit)
        case .masterExport:
            let kind = try masterKind(try parameter("kind", context), csv: true)
            let records = try await store.masters(kind: kind, key: nil, company: company(query), scope: actor.companies)
            return Response(
                status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: MasterCSV.write(records, kind: kind))))
        case .masterVersions:
            // The log names changes of every company (actors, summaries): only for principals of every company.
            guard actor.companies == .all else {
                throw ProblemDetails.forbidden("the master version log spans every company; a principal of some companies reads masters instead")
            }
            let after = try integer(query, "after", range: 0...Int64.max) ?? 0
            let limit = try integer(query, "limit", range: 1...1000) ?? 100
            return try jsonResponse(MasterVersionsBody(versions: try await store.masterVersions(after: after, limit: Int(limit))))
        default:
            throw HTTPError(.notFound)
        }
    }

    /// A plant's pull: the masters meant for it that changed after `since`.
    func plantMasters(_ plant: PlantRecord, requested: String, query: Parameters) async throws -> Response {
        guard requested == plant.plantID else {
            throw ProblemDetails.forbidden("the token is plant \(plant.plantID)'s; it cannot read the masters of \(requested)")
        }
        let since = try integer(query, "since", range: 0...Int64.max) ?? 0
        let limit = try integer(query, "limit", range: 1...100_000) ?? 10_000
        return try jsonResponse(try await service.changes(for: plant, since: since, limit: Int(limit)))
    }

    func audit(_ endpoint: HubEndpoint, query: Parameters, actor: Actor) async throws -> Response {
        if endpoint == .auditVerify {
            let result = try await HubAdministration(store: store, configuration: configuration).verifyAudit()
            return try jsonResponse(AuditVerifyBody(
                intact: result.broken == nil, checked: result.checked, brokenAt: result.broken?.sequence,
                reason: result.broken?.reason, head: result.head))
        }
        let after = try integer(query, "after", range: 0...Int64.max) ?? 0
        let limit = try integer(query, "limit", range: 1...1000) ?? 100
        let entries = try await store.auditEntries(after: after, limit: Int(limit), scope: actor.companies)
        return try jsonResponse(AuditBody(entries: entries, next: entries.last?.sequence ?? after))
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

    /// The request's body, or 413 past `limit`.
    func body(_ request: inout Request, limit: Int) async throws -> ByteBuffer {
        do {
            return try await request.collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw ProblemDetails.bodyTooLarge(limit: limit)
        }
    }

    func jsonBody(_ request: inout Request) async throws -> JSONValue {
        let buffer = try await body(&request, limit: configuration.maxBatchBytes)
        do {
            return try SyncBatchReader.value(Data(buffer.readableBytesView))
        } catch {
            throw ProblemDetails(code: "malformed-body", title: "Malformed request body", status: 400, detail: error.detail)
        }
    }

    func integer(_ query: Parameters, _ name: String, range: ClosedRange<Int64>) throws -> Int64? {
        guard let text = query[Substring(name)] else { return nil }
        guard let value = Int64(text), range.contains(value) else {
            throw invalidQuery(name, "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    func invalidBody(_ field: String, _ detail: String) -> ProblemDetails {
        ProblemDetails(code: "invalid-request", title: "Invalid request", status: 422, detail: detail, field: field)
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

struct AuditBody: Codable, Sendable {
    var entries: [AuditEntry]
    var next: Int64
}

struct AuditVerifyBody: Codable, Sendable {
    var intact: Bool
    var checked: Int64
    var brokenAt: Int64?
    var reason: String?
    /// The hash of the last intact entry: keep it elsewhere to detect a trail cut short later.
    var head: String?
}
