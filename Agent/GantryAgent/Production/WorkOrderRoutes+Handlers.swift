import Foundation
import GantryCore

/// The handlers of `WorkOrderRoutes`: one per route, Codable values in and out.
extension WorkOrderRoutes {
    /// `POST /v1/work-centres`.
    func defineWorkCentre(_ body: WorkCentreDefined) async throws -> WorkCentreDefined {
        try await store.defineWorkCentre(body)
        return body
    }

    /// `PUT /v1/boms/:item`.
    func defineBOM(item: String, _ body: BOMBody) async throws -> BOMDefined {
        let bom = BOMDefined(item: item, lines: body.lines, byProducts: body.byProducts ?? [])
        try await store.defineBOM(bom)
        return bom
    }

    /// `GET /v1/boms/:item/explosion?quantity=`: every level's components for the quantity (1 when not given).
    func explode(item: String, quantity text: String?) async throws -> ExplosionBody {
        let quantity = try text.map { text -> Quantity in
            guard let quantity = Quantity(text: text), quantity > .zero else {
                throw ProblemDetails(
                    code: "invalid-query", title: "Invalid query", status: 400,
                    detail: "quantity must be a decimal number more than 0, e.g. 12.5, got \"\(text)\"", field: "quantity")
            }
            return quantity
        } ?? Quantity(1)
        return ExplosionBody(item: item, quantity: quantity, requirements: try await store.explodeBOM(item: item, quantity: quantity))
    }

    /// `PUT /v1/routings/:item`.
    func defineRouting(item: String, _ body: RoutingBody) async throws -> RoutingDefined {
        let routing = RoutingDefined(item: item, operations: body.operations)
        try await store.defineRouting(routing)
        return routing
    }

    /// `POST /v1/quality-points`.
    func defineQualityPoint(_ body: QualityPointDefined) async throws -> QualityPointDefined {
        try await store.defineQualityPoint(body)
        return body
    }

    /// `POST /v1/quality-checks`: a failure at a quarantine point moves stock, so inventory may refuse it.
    func recordQualityCheck(_ body: QualityCheckBody) async throws -> QualityCheckRecorded {
        try await store.recordQualityCheck(
            point: body.point, workOrder: body.workOrder, lot: body.lot, location: body.location, quantity: body.quantity,
            passed: body.passed, value: body.value, quarantineLocation: body.quarantineLocation, supplier: body.supplier)
    }

    /// `GET /v1/nonconformances`.
    func nonconformances() async throws -> NonconformanceList {
        NonconformanceList(nonconformances: try await store.nonconformances())
    }

    /// `POST /v1/work-orders`: scheduled from `earliestStart`, or from now; inventory refuses unknown locations.
    func createWorkOrder(_ body: WorkOrderBody) async throws -> WorkOrderView {
        try await store.createWorkOrder(
            body.workOrder, item: body.item, quantity: body.quantity, due: body.due, source: body.sourceLocation,
            output: body.outputLocation, earliest: body.earliestStart ?? now())
    }

    /// `GET /v1/work-orders`.
    func workOrders() async throws -> WorkOrderList {
        WorkOrderList(workOrders: try await store.workOrders())
    }

    /// `POST /v1/work-orders/:id/release`, with the override the request's user gave, if any.
    func release(_ workOrder: String, override: Override?) async throws -> WorkOrderView {
        try await store.releaseWorkOrder(workOrder, override: override, permittedRoles: overrideRoles)
    }

    /// `POST /v1/work-orders/:id/operations/:sequence/{start,pause,resume,finish}`.
    func progress(_ workOrder: String, sequence: Int, step: OperationProgressed.Step, _ body: ProgressBody) async throws -> WorkOrderView {
        try await store.progressOperation(
            workOrder, sequence: sequence, step: step, good: body.good, scrap: body.scrap, rework: body.rework, reasons: body.reasons ?? [])
    }

    /// `POST /v1/work-orders/:id/consume` of `unit`, with the override the request's user gave, if any.
    func consume(_ workOrder: String, _ fields: ConsumeFields, unit: UnitSpec, override: Override?) async throws -> MoveAnswer {
        let intent = IssueIntent(requestID: fields.id ?? UUID(), workOrder: workOrder, unit: unit, from: fields.from)
        return try await store.consume(intent, override: override, permittedRoles: overrideRoles, allowExpired: allowExpiredIssue)
    }

    /// `POST /v1/work-orders/:id/output`: into `to`, or the order's output location.
    func reportOutput(_ workOrder: String, _ body: WithUnit<OutputToFields>) async throws -> MoveAnswer {
        let target: String
        if let to = body.fields.to { target = to } else { target = try await store.workOrder(workOrder).outputLocation }
        let intent = OutputIntent(requestID: body.fields.id ?? UUID(), workOrder: workOrder, unit: try inventory.unit(body.unit), to: target)
        return try await store.reportOutput(intent)
    }

    /// `PATCH /v1/purchase-orders/:order/lines/:line`: a new due date for the line, or none.
    func reschedule(order: String, line: Int, _ body: DueBody) async throws -> RescheduleAnswer {
        try await store.rescheduleSupply(order: order, line: line, due: body.due)
        return RescheduleAnswer(order: order, line: String(line), due: body.due ?? "")
    }
}
