import Foundation
import GantryCore
import Hummingbird

/// Requests for approval at the plant (docs/approvals.md). Every route needs a plant user's bearer token
/// (`users.file`): asking and deciding so the log says who asked and who decided, and nobody decides their own
/// request; reading because a plant's requests (amounts, orders, reasons) are not for whoever reaches the port.
/// Refusals answer with their own status (`SourcingRefusal`, `ApprovalRefusal`).
struct ApprovalRoutes: Sendable {
    let store: any ApprovalStore
    let limit: Int
    let users: PlantUsers

    func add(to router: Router<BasicRequestContext>) {
        router.post("/v1/approvals") { request, _ in
            let user = try users.authenticate(request, for: "asking for approval")
            var request = request
            let draft = try await request.decodeJSON(ApprovalDraft.self, limit: limit)
            return try jsonResponse(try await ask(draft, by: user), status: .created)
        }
        router.get("/v1/approvals") { request, _ in
            _ = try users.authenticate(request, for: "reading requests for approval")
            return try jsonResponse(try await list(state: request.uri.queryParameters["state"].map(String.init)))
        }
        router.get("/v1/approvals/:id") { request, context in
            _ = try users.authenticate(request, for: "reading a request for approval")
            return try jsonResponse(try await store.approval(context.parameters.get("id") ?? ""))
        }
        router.post("/v1/approvals/:id/decision") { request, context in
            let user = try users.authenticate(request, for: "deciding a request")
            var request = request
            let body = try await request.decodeJSON(ApprovalDecisionBody.self, limit: limit)
            return try jsonResponse(try await decide(context.parameters.get("id") ?? "", body, by: user))
        }
    }

    /// `POST /v1/approvals`: the request as recorded.
    func ask(_ draft: ApprovalDraft, by user: PlantUser) async throws -> ApprovalRecord {
        try await store.requestApproval(draft, by: user)
    }

    /// `GET /v1/approvals[?state=…]`, newest first.
    func list(state: String?) async throws -> ApprovalsBody {
        if let state, !["pending", "approved", "rejected"].contains(state) {
            throw ProblemDetails(code: "invalid-query", title: "Invalid query", status: 400,
                                 detail: "state is pending, approved or rejected", field: "state")
        }
        return ApprovalsBody(approvals: try await store.approvals(state: state))
    }

    /// `POST /v1/approvals/:id/decision`: the request with its decision.
    func decide(_ id: String, _ body: ApprovalDecisionBody, by user: PlantUser) async throws -> ApprovalRecord {
        try await store.decideApproval(id, verdict: body.verdict, comment: body.comment, by: user)
    }
}

struct ApprovalDecisionBody: Decodable, Sendable {
    var verdict: ApprovalVerdict
    var comment: String?
}

/// The answer of `GET /v1/approvals`.
struct ApprovalsBody: Codable, Sendable {
    var approvals: [ApprovalRecord]
}
