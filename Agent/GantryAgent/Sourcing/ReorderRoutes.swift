import Foundation
import GantryCore
import Hummingbird

/// Reorder rules, their proposals and the run that places them, through the local API (docs/sourcing.md).
/// Refusals answer with their own status (`SourcingRefusal`).
struct ReorderRoutes: Sendable {
    let store: any ReorderStore
    let limit: Int

    func add(to router: Router<BasicRequestContext>) {
        router.get("/v1/reorder/rules") { _, _ in try jsonResponse(try await rules()) }
        router.put("/v1/reorder/rules/:item") { request, context in
            var request = request
            let body = try await request.decodeJSON(ReorderRuleBody.self, limit: limit)
            return try jsonResponse(try await defineRule(item: context.parameters.decoded("item") ?? "", body))
        }
        router.delete("/v1/reorder/rules/:item") { _, context in
            try jsonResponse(try await deleteRule(item: context.parameters.decoded("item") ?? ""))
        }
        router.get("/v1/reorder/proposals") { _, _ in try jsonResponse(try await store.reorderProposals()) }
        router.post("/v1/reorder/run") { _, _ in
            let run = try await store.runReorder()
            return try jsonResponse(run, status: run.placed.isEmpty ? .ok : .created)
        }
    }

    /// `GET /v1/reorder/rules`.
    func rules() async throws -> ReorderRulesBody {
        ReorderRulesBody(rules: try await store.reorderRules())
    }

    /// `PUT /v1/reorder/rules/:item`: the rule as kept, in the item's base unit.
    func defineRule(item: String, _ body: ReorderRuleBody) async throws -> ReorderRuleDefined {
        let rule = ReorderRuleDefined(
            item: item, minimum: body.minimum, maximum: body.maximum, multiple: body.multiple ?? Quantity(1), supplier: body.supplier,
            leadTimeDays: body.leadTimeDays)
        return try await store.defineReorderRule(rule, uom: body.uom)
    }

    /// `DELETE /v1/reorder/rules/:item`.
    func deleteRule(item: String) async throws -> ReorderRuleDeletedBody {
        try await store.deleteReorderRule(item: item)
        return ReorderRuleDeletedBody(deleted: item)
    }
}

struct ReorderRuleBody: Decodable, Sendable {
    var minimum: Quantity
    var maximum: Quantity
    /// Orders are whole multiples of it; 1 base unit when not given.
    var multiple: Quantity?
    /// The unit of `minimum`, `maximum` and `multiple` when not the item's base unit.
    var uom: String?
    var supplier: String?
    var leadTimeDays: Int?
}

/// The answer of `GET /v1/reorder/rules`.
struct ReorderRulesBody: Codable, Sendable {
    var rules: [ReorderRuleDefined]
}

/// The answer of `DELETE /v1/reorder/rules/:item`.
struct ReorderRuleDeletedBody: Codable, Sendable {
    var deleted: String
}
