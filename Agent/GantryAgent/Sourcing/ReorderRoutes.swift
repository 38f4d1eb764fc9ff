import Foundation
import GantryCore
import Hummingbird

/// Reorder rules, their proposals and the run that places them, through the local API (docs/sourcing.md).
struct ReorderRoutes: Sendable {
    let store: any PlantStore
    let limit: Int

    func add(to router: Router<BasicRequestContext>) {
        router.get("/v1/reorder/rules") { _, _ in
            try jsonResponse(["rules": try await store.reorderRules()])
        }
        router.put("/v1/reorder/rules/:item") { request, context in
            var request = request
            let body = try await request.decodeJSON(ReorderRuleBody.self, limit: limit)
            let rule = ReorderRuleDefined(
                item: context.parameters.decoded("item") ?? "", minimum: body.minimum, maximum: body.maximum, multiple: body.multiple ?? Quantity(1),
                supplier: body.supplier, leadTimeDays: body.leadTimeDays)
            return try jsonResponse(try await ProductionRefusal.asProblem { try await store.defineReorderRule(rule, uom: body.uom) })
        }
        router.delete("/v1/reorder/rules/:item") { _, context in
            let item = context.parameters.decoded("item") ?? ""
            try await ProductionRefusal.asProblem { try await store.deleteReorderRule(item: item) }
            return try jsonResponse(["deleted": item])
        }
        router.get("/v1/reorder/proposals") { _, _ in
            try jsonResponse(try await store.reorderProposals())
        }
        router.post("/v1/reorder/run") { _, _ in
            let run = try await store.runReorder()
            return try jsonResponse(run, status: run.placed.isEmpty ? .ok : .created)
        }
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
