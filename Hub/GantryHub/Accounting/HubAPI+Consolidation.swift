import Foundation
import GantryCore
import Hummingbird

/// The group's consolidation (docs/http-api.md, "Group consolidation"): only a principal who may see every member of
/// the group gets it; to anyone else the group is not found.
extension HubAPI {
    func respondConsolidation(to endpoint: HubEndpoint, query: Parameters, context: BasicRequestContext, caller: Caller) async throws -> Response {
        let scope = try caller.actor().companies
        if endpoint == .groupConsolidationSources {
            return try jsonResponse(try await consolidationSources(try parameter("group", context), query, scope: scope))
        }
        let consolidation = try await groupConsolidation(try parameter("group", context), query, scope: scope)
        if endpoint == .groupConsolidationCSV {
            return textResponse(consolidation.csv(), contentType: "text/csv; charset=utf-8")
        }
        return try jsonResponse(consolidation)
    }

    /// `GET /v1/groups/{group}/consolidation?from=PERIOD&to=PERIOD`.
    func groupConsolidation(_ group: String, _ query: Parameters, scope: CompanyScope) async throws -> GroupConsolidation {
        let (from, to) = try consolidationRange(group, query)
        return try await store.groupConsolidation(group: group, from: from, to: to, scope: scope)
    }

    /// `GET /v1/groups/{group}/consolidation/sources?from=PERIOD&to=PERIOD&source=COMPANY/PARTNER/ACCOUNT[/ITEM]&offset=&limit=`.
    func consolidationSources(_ group: String, _ query: Parameters, scope: CompanyScope) async throws -> ConsolidationSources {
        let (from, to) = try consolidationRange(group, query)
        guard let source = query["source"].map(String.init) else {
            throw invalidQuery("source", "source is required: a name from an elimination's sources, COMPANY/PARTNER/ACCOUNT[/ITEM]")
        }
        let offset = Int(try integer(query, "offset", range: 0...10_000_000) ?? 0)
        let limit = Int(try integer(query, "limit", range: 1...1000) ?? 100)
        return try await store.consolidationSources(group: group, from: from, to: to, source: source, offset: offset, limit: limit, scope: scope)
    }

    private func consolidationRange(_ group: String, _ query: Parameters) throws -> (String, String) {
        guard MasterKey.problem(group) == nil else {
            throw ProblemDetails(code: "not-found", title: "Not found", status: 404, detail: "no group \(group)")
        }
        var periods: [String] = []
        for name in ["from", "to"] {
            guard let text = query[Substring(name)].map(String.init) else { throw invalidQuery(name, "\(name) is required: a fiscal period") }
            if let problem = MasterKey.problem(text) { throw invalidQuery(name, "\(name): \(problem)") }
            periods.append(text)
        }
        return (periods[0], periods[1])
    }
}
