import Foundation
import GantryCore
import Hummingbird

/// Work orders, their definitions and quality through the local API (docs/work-orders.md).
///
/// `add(to:)` only binds paths to the named handlers below, which take and return Codable values; refusals
/// answer with their own status (`ProductionRefusal`, `InventoryRefusal` and `StoreError` are `ProblemReporting`).
struct WorkOrderRoutes: Sendable {
    let store: any ProductionDefinitions & WorkOrderStore & QualityStore
    let limit: Int
    let inventory: InventoryRoutes
    let overrideRoles: Set<String>
    let allowExpiredIssue: Bool
    let users: PlantUsers
    /// The agent's clock: a work order without an earliest start is scheduled from now.
    var now: @Sendable () -> Date = { Date() }

    func add(to router: Router<BasicRequestContext>) {
        router.post("/v1/work-centres") { request, _ in try jsonResponse(try await defineWorkCentre(try await decode(request)), status: .created) }
        router.put("/v1/boms/:item") { request, context in
            try jsonResponse(try await defineBOM(item: context.parameters.decoded("item") ?? "", try await decode(request)))
        }
        router.get("/v1/boms/:item/explosion") { request, context in
            try jsonResponse(try await explode(
                item: context.parameters.decoded("item") ?? "", quantity: request.uri.queryParameters["quantity"].map(String.init)))
        }
        router.put("/v1/routings/:item") { request, context in
            try jsonResponse(try await defineRouting(item: context.parameters.decoded("item") ?? "", try await decode(request)))
        }
        router.post("/v1/quality-points") { request, _ in try jsonResponse(try await defineQualityPoint(try await decode(request)), status: .created) }
        router.post("/v1/quality-checks") { request, _ in try jsonResponse(try await recordQualityCheck(try await decode(request)), status: .created) }
        router.get("/v1/nonconformances") { _, _ in try jsonResponse(try await nonconformances()) }
        router.post("/v1/work-orders") { request, _ in try jsonResponse(try await createWorkOrder(try await decode(request)), status: .created) }
        router.get("/v1/work-orders") { _, _ in try jsonResponse(try await workOrders()) }
        router.get("/v1/work-orders/:id") { _, context in try jsonResponse(try await store.workOrder(context.parameters.decoded("id") ?? "")) }
        router.post("/v1/work-orders/:id/release") { request, context in
            let body: ReleaseBody = try await decode(request)
            return try jsonResponse(try await release(context.parameters.decoded("id") ?? "", override: try users.override(body.override, request)))
        }
        for (step, verb) in [(OperationProgressed.Step.started, "start"), (.paused, "pause"), (.resumed, "resume"), (.finished, "finish")] {
            router.post(RouterPath("/v1/work-orders/:id/operations/:sequence/\(verb)")) { request, context in
                let body: ProgressBody = try await decode(request)
                guard let sequence = context.parameters.decoded("sequence").flatMap(Int.init) else {
                    throw ProblemDetails(code: "invalid-request", title: "Invalid request", status: 422, detail: "the operation is a sequence number")
                }
                return try jsonResponse(try await progress(context.parameters.decoded("id") ?? "", sequence: sequence, step: step, body))
            }
        }
        router.post("/v1/work-orders/:id/consume") { request, context in
            let body: WithUnit<ConsumeFields> = try await decode(request)
            let unit = try inventory.unit(body.unit)
            let moved = try await consume(
                context.parameters.decoded("id") ?? "", body.fields, unit: unit, override: try users.override(body.fields.override, request))
            return try jsonResponse(moved, status: moved.duplicate ? .ok : .created)
        }
        router.post("/v1/work-orders/:id/output") { request, context in
            let moved = try await reportOutput(context.parameters.decoded("id") ?? "", try await decode(request))
            return try jsonResponse(moved, status: moved.duplicate ? .ok : .created)
        }
        router.post("/v1/work-orders/:id/complete") { _, context in
            try jsonResponse(try await store.completeWorkOrder(context.parameters.decoded("id") ?? ""))
        }
        router.get("/v1/work-orders/:id/readiness") { _, context in
            try jsonResponse(try await store.readiness(workOrder: context.parameters.decoded("id") ?? "").first)
        }
        router.get("/v1/readiness") { _, _ in try jsonResponse(ReadinessList(workOrders: try await store.readiness(workOrder: nil))) }
        router.patch("/v1/purchase-orders/:order/lines/:line") { request, context in
            let body: DueBody = try await decode(request)
            guard let line = context.parameters.decoded("line").flatMap(Int.init) else {
                throw ProblemDetails(code: "invalid-request", title: "Invalid request", status: 422, detail: "the line is a number")
            }
            return try jsonResponse(try await reschedule(order: context.parameters.decoded("order") ?? "", line: line, body))
        }
    }

    private func decode<Body: Decodable>(_ request: Request) async throws -> Body {
        var request = request
        return try await request.decodeJSON(Body.self, limit: limit)
    }
}
