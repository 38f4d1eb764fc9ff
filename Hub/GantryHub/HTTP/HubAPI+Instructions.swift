import Foundation
import GantryCore
import Hummingbird

/// Demand handed to plants, each plant's pull of its instructions, and requests for approval above a plant's
/// limit decided here (docs/approvals.md, docs/work-orders.md).
extension HubAPI {
    /// `GET /v1/plants/{plant}/instructions?after=…&limit=…`: a plant's pull of what the hub handed it.
    func plantInstructions(_ plant: PlantRecord, requested: String, query: Parameters) async throws -> PlantInstructions {
        guard requested == plant.plantID else {
            throw ProblemDetails.forbidden("the token is plant \(plant.plantID)'s; it cannot read the instructions of \(requested)")
        }
        let after = try integer(query, "after", range: 0...Int64.max) ?? 0
        let limit = Int(try integer(query, "limit", range: 1...1000) ?? 200)
        let found = try await store.instructions(plantID: plant.plantID, kind: nil, after: after, limit: limit + 1)
        let latest = try await store.latestInstruction(plantID: plant.plantID)
        return PlantInstructions(after: after, instructions: Array(found.prefix(limit)), more: found.count > limit, latest: latest)
    }

    /// `POST /v1/plants/{plant}/demand`: hands demand to an enrolled plant; the same reference again answers what
    /// was handed (`created == false`), or 409 if it differs.
    func sendDemand(_ demand: DemandInstruction, to plant: PlantRecord, actor: Actor) async throws -> DemandSent {
        if let problem = demand.problems.first { throw invalidBody(problem.field, problem.detail) }
        let items = try await store.masters(kind: .item, key: demand.item, company: nil, scope: .all)
            .filter { $0.active && $0.isMeant(forPlant: plant.plantID, company: plant.company) }
        guard !items.isEmpty else { throw invalidBody("item", "no item \(demand.item) among the masters meant for plant \(plant.plantID)") }
        let body = try JSONValue.encoding(demand)
        let draft = InstructionDraft(
            plant: plant.plantID, kind: .demand, reference: demand.reference, body: body, issuedAt: now(), issuedBy: actor.name)
        let audit = AuditDraft(
            actor: actor.name, action: "demand.sent", subject: "plant \(plant.plantID) demand \(demand.reference)", company: plant.company,
            before: nil, after: body.canonicalText)
        let (instruction, created) = try await store.issueInstruction(draft, audit: audit)
        guard created || instruction.body == body else {
            throw ProblemDetails(code: "duplicate", title: "Refused", status: 409,
                                 detail: "demand \(demand.reference) was handed to \(plant.plantID) already with other figures")
        }
        return DemandSent(instruction: instruction, created: created)
    }

    /// `GET /v1/plants/{plant}/demand?after=…`: the demand handed to a plant.
    func demandList(plantID: String, query: Parameters, actor: Actor) async throws -> DemandListBody {
        let plant = try await enrolled(plantID, scope: actor.companies)
        let after = try integer(query, "after", range: 0...Int64.max) ?? 0
        return DemandListBody(demand: try await store.instructions(plantID: plant.plantID, kind: .demand, after: after, limit: 1000))
    }

    /// `GET /v1/approvals[?state=…&plant=…]`: requests for approval within the actor's companies.
    func approvalList(query: Parameters, actor: Actor) async throws -> ApprovalListBody {
        let state = query["state"].map(String.init)
        if let state, !["pending", "approved", "rejected"].contains(state) {
            throw invalidQuery("state", "state is pending, approved or rejected")
        }
        let plant = try await plantFilter(query, scope: actor.companies)
        return ApprovalListBody(approvals: try await store.approvals(plantID: plant, state: state, scope: actor.companies))
    }

    /// `POST /v1/approvals/{plant}/{approval}/decision`: a decision at the hub on a request above the plant's
    /// limit, by a role the policy names for its amount and never by who asked; it reaches the plant with the
    /// plant's next pull. The caller checked the plant's company against the principal's first.
    func decideApproval(_ body: DecisionBody, plantID: String, approval: String, principal: PrincipalRecord) async throws -> PlantInstruction {
        let actor = Actor(principal)
        if (body.comment?.count ?? 0) > 1000 { throw invalidBody("comment", "at most 1000 characters") }
        let decision = ApprovalDecisionInstruction(
            approval: approval, verdict: body.verdict, decidedBy: principal.name, role: principal.role, decidedAt: now(),
            comment: body.comment)
        let audit = AuditDraft(
            actor: actor.name, action: "approval.\(body.verdict.rawValue)", subject: "plant \(plantID) approval \(approval)",
            company: PlantIdentity.company(of: plantID), before: nil, after: try JSONValue.encoding(decision).canonicalText)
        let name = principal.name, role = principal.role
        return try await store.decideApproval(plantID: plantID, approval: approval, decision: decision, check: { requested, state in
            if let refusal = ApprovalRefusal.check(decider: name, role: role, at: .hub, request: requested, state: state) { throw refusal }
        }, audit: audit)
    }
}

/// What `sendDemand` answers: the instruction, and whether it was handed now (201) or before (200).
struct DemandSent: Codable, Sendable {
    var instruction: PlantInstruction
    var created: Bool
}

struct DemandListBody: Codable, Sendable {
    var demand: [PlantInstruction]
}

struct ApprovalListBody: Codable, Sendable {
    var approvals: [ApprovalRecord]
}

struct DecisionBody: Codable, Sendable {
    var verdict: ApprovalVerdict
    var comment: String?
}
