import Foundation
import GantryCore
import Hummingbird

/// Demand handed to plants, each plant's pull of its instructions, and requests for approval above a plant's
/// limit decided here (docs/approvals.md, docs/work-orders.md).
extension HubAPI {
    func plantInstructions(_ plant: PlantRecord, requested: String, query: Parameters) async throws -> Response {
        guard requested == plant.plantID else {
            throw ProblemDetails.forbidden("the token is plant \(plant.plantID)'s; it cannot read the instructions of \(requested)")
        }
        let after = try integer(query, "after", range: 0...Int64.max) ?? 0
        let limit = Int(try integer(query, "limit", range: 1...1000) ?? 200)
        let found = try await store.instructions(plantID: plant.plantID, kind: nil, after: after, limit: limit + 1)
        let latest = try await store.latestInstruction(plantID: plant.plantID)
        return try jsonResponse(PlantInstructions(
            after: after, instructions: Array(found.prefix(limit)), more: found.count > limit, latest: latest))
    }

    /// Hands demand to a plant; the same reference again answers what was handed (200), or 409 if it differs.
    func sendDemand(_ request: Request, plantID: String, actor: Actor) async throws -> Response {
        let plant = try await enrolled(plantID, scope: actor.companies)
        var request = request
        let demand = try decode(DemandInstruction.self, from: try await jsonBody(&request))
        if let problem = demand.problems.first { throw invalidBody(problem.field, problem.detail) }
        let items = try await store.masters(kind: .item, key: demand.item, company: nil, scope: .all)
            .filter { $0.active && $0.isMeant(forPlant: plant.plantID, company: plant.company) }
        guard !items.isEmpty else { throw invalidBody("item", "no item \(demand.item) among the masters meant for plant \(plant.plantID)") }
        let body = try JSONValue.encoding(demand)
        let draft = InstructionDraft(
            plant: plant.plantID, kind: .demand, reference: demand.reference, body: body, issuedAt: Date(), issuedBy: actor.name)
        let audit = AuditDraft(
            actor: actor.name, action: "demand.sent", subject: "plant \(plant.plantID) demand \(demand.reference)", company: plant.company,
            before: nil, after: body.canonicalText)
        let (instruction, created) = try await store.issueInstruction(draft, audit: audit)
        guard created || instruction.body == body else {
            throw ProblemDetails(code: "duplicate", title: "Refused", status: 409,
                                 detail: "demand \(demand.reference) was handed to \(plant.plantID) already with other figures")
        }
        return try jsonResponse(instruction, status: created ? .created : .ok)
    }

    func demandList(plantID: String, query: Parameters, actor: Actor) async throws -> Response {
        let plant = try await enrolled(plantID, scope: actor.companies)
        let after = try integer(query, "after", range: 0...Int64.max) ?? 0
        let found = try await store.instructions(plantID: plant.plantID, kind: .demand, after: after, limit: 1000)
        return try jsonResponse(["demand": found])
    }

    func approvalList(query: Parameters, actor: Actor) async throws -> Response {
        let state = query["state"].map(String.init)
        if let state, !["pending", "approved", "rejected"].contains(state) {
            throw invalidQuery("state", "state is pending, approved or rejected")
        }
        let plant = try await plantFilter(query, scope: actor.companies)
        return try jsonResponse(["approvals": try await store.approvals(plantID: plant, state: state, scope: actor.companies)])
    }

    /// A decision at the hub on a request above the plant's limit, by a role the policy names for its amount
    /// and never by who asked; it reaches the plant with the plant's next pull.
    func decideApproval(_ request: Request, plantID: String, approval: String, actor: Actor, principal: PrincipalRecord) async throws -> Response {
        try requireScope(actor.companies, plant: plantID)
        var request = request
        let body = try decode(DecisionBody.self, from: try await jsonBody(&request))
        if (body.comment?.count ?? 0) > 1000 { throw invalidBody("comment", "at most 1000 characters") }
        let decision = ApprovalDecisionInstruction(
            approval: approval, verdict: body.verdict, decidedBy: principal.name, role: principal.role, decidedAt: Date(),
            comment: body.comment)
        let audit = AuditDraft(
            actor: actor.name, action: "approval.\(body.verdict.rawValue)", subject: "plant \(plantID) approval \(approval)",
            company: PlantIdentity.company(of: plantID), before: nil, after: try JSONValue.encoding(decision).canonicalText)
        let name = principal.name, role = principal.role
        let instruction: PlantInstruction
        do {
            instruction = try await store.decideApproval(plantID: plantID, approval: approval, decision: decision, check: { requested, state in
                if let refusal = ApprovalRefusal.check(decider: name, role: role, at: .hub, request: requested, state: state) { throw refusal }
            }, audit: audit)
        } catch let refusal as ApprovalRefusal {
            throw ProblemDetails(code: refusal.reason.rawValue, title: "Decision refused", status: refusal.status, detail: refusal.detail)
        }
        return try jsonResponse(instruction)
    }

    private func enrolled(_ plantID: String, scope: CompanyScope) async throws -> PlantRecord {
        try requireScope(scope, plant: plantID)
        guard let plant = try await store.plants().first(where: { $0.plantID == plantID }) else {
            throw ProblemDetails(code: "not-found", title: "Not found", status: 404, detail: "no plant \(plantID)")
        }
        return plant
    }

    private func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        do {
            return try StrictJSON.decode(T.self, from: value)
        } catch {
            throw ProblemDetails(refused: error)
        }
    }
}

struct DecisionBody: Codable, Sendable {
    var verdict: ApprovalVerdict
    var comment: String?
}
