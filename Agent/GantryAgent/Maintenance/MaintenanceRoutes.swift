import Foundation
import GantryCore
import Hummingbird

/// `/v1/maintenance/…`: requests (opened by the watch or by hand, completed with spare parts) and plans.
/// Each handler takes and returns Codable values; refusals answer with their own status (`MaintenanceRefusal`).
struct MaintenanceRoutes: Sendable {
    let store: any MaintenanceStore
    let limit: Int
    /// The agent's clock: when a request by hand opens, a request completes, a plan is created.
    var now: @Sendable () -> Date = { Date() }

    func add(to router: Router<BasicRequestContext>) {
        router.get("/v1/maintenance/requests") { request, _ in
            try jsonResponse(try await requests(status: request.uri.queryParameters["status"].map(String.init)))
        }
        router.post("/v1/maintenance/requests") { request, _ in
            var request = request
            return try jsonResponse(try await openByHand(try await request.decodeJSON(ManualRequest.self, limit: limit)), status: .created)
        }
        router.post("/v1/maintenance/requests/:id/complete") { request, context in
            guard let id = context.parameters.decoded("id").flatMap(UUID.init(uuidString:)) else {
                throw MaintenanceRefusal(.notFound, "no maintenance request with that id")
            }
            var request = request
            return try jsonResponse(try await complete(id, try await request.decodeJSON(Completion.self, limit: limit)))
        }
        router.get("/v1/maintenance/plans") { _, _ in try jsonResponse(try await plans()) }
        router.post("/v1/maintenance/plans") { request, _ in
            var request = request
            return try jsonResponse(try await definePlan(try await request.decodeJSON(PlanRequest.self, limit: limit)), status: .created)
        }
    }

    /// `GET /v1/maintenance/requests?status=open|done|all`.
    func requests(status: String?) async throws -> RequestList {
        guard status == nil || ["open", "done", "all"].contains(status!) else {
            throw MaintenanceRefusal(.invalidQuery, "status must be open, done or all", field: "status")
        }
        return RequestList(requests: try await store.maintenanceRequests(status: status))
    }

    /// `POST /v1/maintenance/requests`: a corrective request by hand, unless one is open for the machine.
    func openByHand(_ body: ManualRequest) async throws -> MaintenanceRequestRecord {
        let machine = try MaintenanceRequestRules.machine(line: body.line, machine: body.machine)
        guard let opened = try await store.openMaintenanceRequest(
            machine: machine, kind: "corrective", trigger: .manual, reason: body.reason, planID: nil, stopAt: nil, at: now())
        else {
            throw MaintenanceRefusal(.requestOpen, "\(machine) already has an open corrective maintenance request")
        }
        return opened
    }

    /// `POST /v1/maintenance/requests/:id/complete`.
    func complete(_ id: UUID, _ body: Completion) async throws -> MaintenanceRequestRecord {
        try MaintenanceRequestRules.checkParts(body.parts ?? [])
        return try await store.completeMaintenanceRequest(id, note: body.note, parts: body.parts ?? [], at: now())
    }

    /// `GET /v1/maintenance/plans`.
    func plans() async throws -> PlanList {
        PlanList(plans: try await store.maintenancePlans())
    }

    /// `POST /v1/maintenance/plans`.
    func definePlan(_ body: PlanRequest) async throws -> MaintenancePlan {
        let plan = try MaintenanceRequestRules.plan(
            id: UUID(), line: body.line, machine: body.machine, everyDays: body.everyDays, everyGoodParts: body.everyGoodParts,
            description: body.description, at: now())
        try await store.defineMaintenancePlan(plan)
        return plan
    }

    struct ManualRequest: Decodable {
        var line: String
        var machine: String
        var reason: String?
    }

    struct Completion: Decodable {
        var note: String?
        var parts: [SparePart]?
    }

    struct PlanRequest: Decodable {
        var line: String
        var machine: String
        var everyDays: Int?
        var everyGoodParts: Int64?
        var description: String
    }

    struct RequestList: Encodable {
        var requests: [MaintenanceRequestRecord]
    }

    struct PlanList: Encodable {
        var plans: [MaintenancePlan]
    }
}
