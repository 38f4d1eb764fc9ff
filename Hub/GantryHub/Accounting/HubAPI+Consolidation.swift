import Foundation
import GantryCore
import Hummingbird

/// The group's consolidation (docs/http-api.md, "Group consolidation"): only a principal who may see every member of
/// the group gets it; to anyone else the group is not found.
extension HubAPI {
    func respondConsolidation(to endpoint: HubEndpoint, query: Parameters, context: BasicRequestContext, caller: Caller) async throws -> Response {
        let consolidation = try await groupConsolidation(try parameter("group", context), query, scope: try caller.actor().companies)
        if endpoint == .groupConsolidationCSV {
            return textResponse(consolidation.csv(), contentType: "text/csv; charset=utf-8")
        }
        return try jsonResponse(consolidation)
    }

    /// `GET /v1/groups/{group}/consolidation?from=PERIOD&to=PERIOD`.
    func groupConsolidation(_ group: String, _ query: Parameters, scope: CompanyScope) async throws -> GroupConsolidation {
        guard MasterKey.problem(group) == nil else {
            throw ProblemDetails(code: "not-found", title: "Not found", status: 404, detail: "no group \(group)")
        }
        var periods: [String] = []
        for name in ["from", "to"] {
            guard let text = query[Substring(name)].map(String.init) else { throw invalidQuery(name, "\(name) is required: a fiscal period") }
            if let problem = MasterKey.problem(text) { throw invalidQuery(name, "\(name): \(problem)") }
            periods.append(text)
        }
        return try await store.groupConsolidation(group: group, from: periods[0], to: periods[1], scope: scope)
    }
}
