import Foundation
import GantryCore
import Hummingbird

/// Work orders, their definitions and quality through the local API (docs/work-orders.md).
struct WorkOrderRoutes: Sendable {
    let store: any PlantStore
    let limit: Int
    let inventory: InventoryRoutes
    let overrideRoles: Set<String>
    let allowExpiredIssue: Bool
    let users: PlantUsers

    func add(to router: Router<BasicRequestContext>) {
        router.post("/v1/work-centres") { request, _ in
            var request = request
            let body = try await request.decodeJSON(WorkCentreDefined.self, limit: limit)
            try await refusals { try await store.defineWorkCentre(body) }
            return try jsonResponse(body, status: .created)
        }
        router.put("/v1/boms/:item") { request, context in
            var request = request
            let body = try await request.decodeJSON(BOMBody.self, limit: limit)
            let bom = BOMDefined(item: context.parameters.decoded("item") ?? "", lines: body.lines, byProducts: body.byProducts ?? [])
            try await refusals { try await store.defineBOM(bom) }
            return try jsonResponse(bom)
        }
        router.get("/v1/boms/:item/explosion") { request, context in
            let quantity = try request.uri.queryParameters["quantity"].map { text -> Quantity in
                guard let quantity = Quantity(text: String(text)), quantity > .zero else {
                    throw ProblemDetails(
                        code: "invalid-query", title: "Invalid query", status: 400,
                        detail: "quantity must be a decimal number more than 0, e.g. 12.5, got \"\(text)\"", field: "quantity")
                }
                return quantity
            } ?? Quantity(1)
            let item = context.parameters.decoded("item") ?? ""
            let requirements = try await refusals { try await store.explodeBOM(item: item, quantity: quantity) }
            return try jsonResponse(ExplosionBody(item: item, quantity: quantity, requirements: requirements))
        }
        router.put("/v1/routings/:item") { request, context in
            var request = request
            let body = try await request.decodeJSON(RoutingBody.self, limit: limit)
            let routing = RoutingDefined(item: context.parameters.decoded("item") ?? "", operations: body.operations)
            try await refusals { try await store.defineRouting(routing) }
            return try jsonResponse(routing)
        }
        router.post("/v1/quality-points") { request, _ in
            var request = request
            let body = try await request.decodeJSON(QualityPointDefined.self, limit: limit)
            try await refusals { try await store.defineQualityPoint(body) }
            return try jsonResponse(body, status: .created)
        }
        router.post("/v1/quality-checks") { request, _ in
            var request = request
            let body = try await request.decodeJSON(QualityCheckBody.self, limit: limit)
            let check = try await refusals {
                try await store.recordQualityCheck(
                    point: body.point, workOrder: body.workOrder, lot: body.lot, location: body.location, quantity: body.quantity,
                    passed: body.passed, value: body.value, quarantineLocation: body.quarantineLocation, supplier: body.supplier)
            }
            return try jsonResponse(check, status: .created)
        }
        router.get("/v1/nonconformances") { _, _ in
            try jsonResponse(["nonconformances": try await store.nonconformances()])
        }
        router.post("/v1/work-orders") { request, _ in
            var request = request
            let body = try await request.decodeJSON(WorkOrderBody.self, limit: limit)
            let order = try await refusals {
                try await store.createWorkOrder(
                    body.workOrder, item: body.item, quantity: body.quantity, due: body.due, source: body.sourceLocation,
                    output: body.outputLocation, earliest: body.earliestStart ?? Date())
            }
            return try jsonResponse(order, status: .created)
        }
        router.get("/v1/work-orders") { _, _ in
            try jsonResponse(["workOrders": try await store.workOrders()])
        }
        router.get("/v1/work-orders/:id") { _, context in
            try jsonResponse(try await refusals { try await store.workOrder(context.parameters.decoded("id") ?? "") })
        }
        router.post("/v1/work-orders/:id/release") { request, context in
            var request = request
            let body = try await request.decodeJSON(ReleaseBody.self, limit: limit)
            let order = try await refusals {
                try await store.releaseWorkOrder(
                    context.parameters.decoded("id") ?? "", override: try users.override(body.override, request), permittedRoles: overrideRoles)
            }
            return try jsonResponse(order)
        }
        for step in [OperationProgressed.Step.started, .paused, .resumed, .finished] {
            let verb = ["started": "start", "paused": "pause", "resumed": "resume", "finished": "finish"][step.rawValue]!
            router.post(RouterPath("/v1/work-orders/:id/operations/:sequence/\(verb)")) { request, context in
                var request = request
                let body = try await request.decodeJSON(ProgressBody.self, limit: limit)
                guard let sequence = context.parameters.decoded("sequence").flatMap(Int.init) else {
                    throw ProblemDetails(code: "invalid-request", title: "Invalid request", status: 422, detail: "the operation is a sequence number")
                }
                let order = try await refusals {
                    try await store.progressOperation(
                        context.parameters.decoded("id") ?? "", sequence: sequence, step: step, good: body.good, scrap: body.scrap,
                        rework: body.rework, reasons: body.reasons ?? [])
                }
                return try jsonResponse(order)
            }
        }
        router.post("/v1/work-orders/:id/consume") { request, context in
            var request = request
            let body = try await request.decodeJSON(WithUnit<ConsumeFields>.self, limit: limit)
            let intent = IssueIntent(
                requestID: body.fields.id ?? UUID(), workOrder: context.parameters.decoded("id") ?? "", unit: try inventory.unit(body.unit),
                from: body.fields.from)
            let moved = try await refusals {
                try await store.consume(
                    intent, override: try users.override(body.fields.override, request), permittedRoles: overrideRoles,
                    allowExpired: allowExpiredIssue)
            }
            return try jsonResponse(moved, status: moved.duplicate ? .ok : .created)
        }
        router.post("/v1/work-orders/:id/output") { request, context in
            var request = request
            let body = try await request.decodeJSON(WithUnit<OutputToFields>.self, limit: limit)
            let order = context.parameters.decoded("id") ?? ""
            var destination = body.fields.to
            if destination == nil { destination = try await refusals { try await store.workOrder(order).outputLocation } }
            guard let target = destination else { throw HTTPError(.notFound) }
            let intent = OutputIntent(requestID: body.fields.id ?? UUID(), workOrder: order, unit: try inventory.unit(body.unit), to: target)
            let moved = try await refusals { try await store.reportOutput(intent) }
            return try jsonResponse(moved, status: moved.duplicate ? .ok : .created)
        }
        router.post("/v1/work-orders/:id/complete") { _, context in
            try jsonResponse(try await refusals { try await store.completeWorkOrder(context.parameters.decoded("id") ?? "") })
        }
        router.get("/v1/work-orders/:id/readiness") { _, context in
            try jsonResponse(try await refusals { try await store.readiness(workOrder: context.parameters.decoded("id") ?? "") }.first)
        }
        router.get("/v1/readiness") { _, _ in
            try jsonResponse(["workOrders": try await refusals { try await store.readiness(workOrder: nil) }])
        }
        router.patch("/v1/purchase-orders/:order/lines/:line") { request, context in
            var request = request
            let body = try await request.decodeJSON(DueBody.self, limit: limit)
            guard let line = context.parameters.decoded("line").flatMap(Int.init) else {
                throw ProblemDetails(code: "invalid-request", title: "Invalid request", status: 422, detail: "the line is a number")
            }
            try await refusals { try await store.rescheduleSupply(order: context.parameters.decoded("order") ?? "", line: line, due: body.due) }
            return try jsonResponse(["order": context.parameters.decoded("order") ?? "", "line": String(line), "due": body.due ?? ""])
        }
    }

    private func refusals<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await ProductionRefusal.asProblem(body)
    }
}

struct BOMBody: Decodable, Sendable {
    var lines: [BOMDefined.Line]
    var byProducts: [BOMDefined.ByProduct]?
}

struct RoutingBody: Decodable, Sendable {
    var operations: [RoutingOperation]
}

struct ExplosionBody: Encodable, Sendable {
    var item: String
    var quantity: Quantity
    var requirements: [BOMExplosion.Requirement]
}

struct WorkOrderBody: Decodable, Sendable {
    var workOrder: String
    var item: String
    var quantity: Quantity
    var due: Date?
    var sourceLocation: String
    var outputLocation: String
    var earliestStart: Date?
}

struct ReleaseBody: Decodable, Sendable {
    var override: OverrideRequest?
}

struct ProgressBody: Decodable, Sendable {
    var good: Quantity?
    var scrap: Quantity?
    var rework: Quantity?
    var reasons: [String]?
}

struct ConsumeFields: Decodable, Sendable {
    var id: UUID?
    var from: String
    var override: OverrideRequest?
}

struct OutputToFields: Decodable, Sendable {
    var id: UUID?
    var to: String?
}

struct QualityCheckBody: Decodable, Sendable {
    var point: String
    var workOrder: String?
    var lot: String?
    var location: String?
    var quantity: Quantity?
    var passed: Bool?
    var value: Quantity?
    var quarantineLocation: String?
    var supplier: String?
}

struct DueBody: Decodable, Sendable {
    var due: String?
}

/// Supplier commitments, late lines, alerts and returns through the local API (docs/sourcing.md).
struct SourcingRoutes: Sendable {
    let store: any PlantStore
    let limit: Int
    let inventory: InventoryRoutes
    let confirmWithin: Duration

    func add(to router: Router<BasicRequestContext>) {
        router.post("/v1/purchase-orders/:order/lines/:line/confirmation") { request, context in
            var request = request
            let body = try await request.decodeJSON(ConfirmationBody.self, limit: limit)
            guard let line = context.parameters.decoded("line").flatMap(Int.init) else {
                throw ProblemDetails(code: "invalid-request", title: "Invalid request", status: 422, detail: "the line is a number")
            }
            let order = context.parameters.decoded("order") ?? ""
            let delay = try await ProductionRefusal.asProblem { try await store.recordCommitment(order: order, line: line, due: body.due, quantity: body.quantity) }
            return try jsonResponse(ConfirmationAnswer(order: order, line: line, due: body.due, quantity: body.quantity, delay: delay))
        }
        router.get("/v1/purchase-orders/exceptions") { _, _ in
            try jsonResponse(["exceptions": try await store.purchaseExceptions(unconfirmedAfter: confirmWithin.seconds)])
        }
        router.get("/v1/alerts") { _, _ in
            try jsonResponse(["alerts": try await store.alerts()])
        }
        router.post("/v1/returns") { request, _ in
            var request = request
            let body = try await request.decodeJSON(WithUnit<ReturnFields>.self, limit: limit)
            let intent = IssueIntent(requestID: body.fields.id ?? UUID(), workOrder: body.fields.order, unit: try inventory.unit(body.unit), from: body.fields.from)
            let moved = try await ProductionRefusal.asProblem { try await store.returnToSupplier(intent, reason: body.fields.reason) }
            return try jsonResponse(moved, status: moved.duplicate ? .ok : .created)
        }
    }
}

struct ConfirmationBody: Decodable, Sendable {
    var due: String
    var quantity: Quantity
}

struct ConfirmationAnswer: Encodable, Sendable {
    var order: String
    var line: Int
    var due: String
    var quantity: Quantity
    /// Set when the confirmed date is later than the work orders fed by the line need it (an alert was raised).
    var delay: PurchaseLineException?
}

struct ReturnFields: Decodable, Sendable {
    var id: UUID?
    /// The purchase order line, `ORDER/LINE`, the goods go back against.
    var order: String
    var from: String
    var reason: String
}

extension ProductionRefusal {
    /// Runs a store intent, turning production and inventory refusals into problem documents.
    static func asProblem<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let refusal as ProductionRefusal {
            let status: Int
            switch refusal.code {
            case .notFound: status = 404
            case .invalidTransition, .shortage, .beyondReservation, .blockedByQuality: status = 409
            case .overridePermission: status = 403
            case .invalid: status = 422
            }
            throw ProblemDetails(code: refusal.code.rawValue, title: "Refused", status: status, detail: refusal.detail, shortages: refusal.shortages)
        } catch let refusal as InventoryRefusal {
            throw refusal.problem
        } catch let error as StoreError where error.code == .idempotencyConflict {
            throw error.reusedIDProblem
        }
    }
}
