import Foundation
import GantryCore
import Hummingbird

/// Requests for approval at the plant (docs/approvals.md). Every route needs a plant user's bearer token
/// (`users.file`): asking and deciding so the log says who asked and who decided, and nobody decides their own
/// request; reading because a plant's requests (amounts, orders, reasons) are not for whoever reaches the port.
struct ApprovalRoutes: Sendable {
    let store: any PlantStore
    let limit: Int
    let users: PlantUsers

    func add(to router: Router<BasicRequestContext>) {
        router.post("/v1/approvals") { request, _ in
            let user = try users.authenticate(request, for: "asking for approval")
            var request = request
            let draft = try await request.decodeJSON(ApprovalDraft.self, limit: limit)
            let record = try await refusals { try await store.requestApproval(draft, by: user) }
            return try jsonResponse(record, status: .created)
        }
        router.get("/v1/approvals") { request, _ in
            _ = try users.authenticate(request, for: "reading requests for approval")
            let state = request.uri.queryParameters["state"].map(String.init)
            if let state, !["pending", "approved", "rejected"].contains(state) {
                throw ProblemDetails(code: "invalid-query", title: "Invalid query", status: 400,
                                     detail: "state is pending, approved or rejected", field: "state")
            }
            return try jsonResponse(["approvals": try await store.approvals(state: state)])
        }
        router.get("/v1/approvals/:id") { request, context in
            _ = try users.authenticate(request, for: "reading a request for approval")
            return try jsonResponse(try await refusals { try await store.approval(context.parameters.get("id") ?? "") })
        }
        router.post("/v1/approvals/:id/decision") { request, context in
            let user = try users.authenticate(request, for: "deciding a request")
            var request = request
            let body = try await request.decodeJSON(ApprovalDecisionBody.self, limit: limit)
            let record = try await refusals {
                try await store.decideApproval(context.parameters.get("id") ?? "", verdict: body.verdict, comment: body.comment, by: user)
            }
            return try jsonResponse(record)
        }
    }

    private func refusals<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await ProductionRefusal.asProblem(body)
        } catch let refusal as ApprovalRefusal {
            throw ProblemDetails(code: refusal.reason.rawValue, title: "Decision refused", status: refusal.status, detail: refusal.detail)
        }
    }
}

struct ApprovalDecisionBody: Decodable, Sendable {
    var verdict: ApprovalVerdict
    var comment: String?
}
