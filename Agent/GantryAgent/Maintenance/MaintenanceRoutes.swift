import Foundation
import GantryCore
import Hummingbird

/// `/v1/maintenance/…`: requests (opened by the watch or by hand, completed with spare parts) and plans.
struct MaintenanceRoutes: Sendable {
    let store: any PlantStore
    let limit: Int

    func add(to router: Router<BasicRequestContext>) {
        router.get("/v1/maintenance/requests") { request, _ in
            let status = request.uri.queryParameters["status"].map(String.init)
            guard status == nil || ["open", "done", "all"].contains(status!) else {
                throw problem(400, "invalid-query", "status must be open, done or all", field: "status")
            }
            return try jsonResponse(["requests": try await store.maintenanceRequests(status: status)])
        }
        router.post("/v1/maintenance/requests") { request, _ in
            var request = request
            let body = try await request.decodeJSON(ManualRequest.self, limit: limit)
            let machine = try body.machineID()
            guard let opened = try await store.openMaintenanceRequest(
                machine: machine, kind: "corrective", trigger: .manual, reason: body.reason, planID: nil, stopAt: nil, at: Date())
            else {
                throw problem(409, "request-open", "\(machine) already has an open corrective maintenance request")
            }
            return try jsonResponse(opened, status: .created)
        }
        router.post("/v1/maintenance/requests/:id/complete") { request, context in
            guard let id = context.parameters.decoded("id").flatMap(UUID.init(uuidString:)) else {
                throw problem(404, "not-found", "no maintenance request with that id")
            }
            var request = request
            let body = try await request.decodeJSON(Completion.self, limit: limit)
            try body.validate()
            do {
                return try jsonResponse(try await store.completeMaintenanceRequest(id, note: body.note, parts: body.parts ?? [], at: Date()))
            } catch let error as StoreError where error.code == .notFound {
                throw problem(404, "not-found", error.message)
            } catch let error as StoreError where error.code == .invalidTransition {
                throw problem(409, "already-completed", error.message)
            }
        }
        router.get("/v1/maintenance/plans") { _, _ in
            try jsonResponse(["plans": try await store.maintenancePlans()])
        }
        router.post("/v1/maintenance/plans") { request, _ in
            var request = request
            let body = try await request.decodeJSON(PlanRequest.self, limit: limit)
            let plan = try body.plan(now: Date())
            try await store.defineMaintenancePlan(plan)
            return try jsonResponse(plan, status: .created)
        }
    }

    struct ManualRequest: Decodable {
        var line: String
        var machine: String
        var reason: String?

        func machineID() throws -> MachineID {
            guard MachineID.isValidName(line) else { throw problem(422, "invalid-request", "line must be 1 to 64 letters, digits, '-', '_' or '.'", field: "line") }
            guard MachineID.isValidName(machine) else { throw problem(422, "invalid-request", "machine must be 1 to 64 letters, digits, '-', '_' or '.'", field: "machine") }
            return MachineID(line: line, machine: machine)
        }
    }

    struct Completion: Decodable {
        var note: String?
        var parts: [SparePart]?

        func validate() throws {
            for (index, part) in (parts ?? []).enumerated() {
                guard !part.item.isEmpty, part.item.count <= 64 else {
                    throw problem(422, "invalid-part", "item must be 1 to 64 characters", field: "parts[\(index)].item")
                }
                guard let quantity = Decimal(string: part.quantity, locale: Locale(identifier: "en_US_POSIX")), quantity > 0,
                      part.quantity.allSatisfy({ $0.isNumber || $0 == "." })
                else {
                    throw problem(422, "invalid-part", "quantity must be a positive decimal such as 2 or 0.5", field: "parts[\(index)].quantity")
                }
            }
        }
    }

    struct PlanRequest: Decodable {
        var line: String
        var machine: String
        var everyDays: Int?
        var everyGoodParts: Int64?
        var description: String

        func plan(now: Date) throws -> MaintenancePlan {
            let machine = try ManualRequest(line: line, machine: self.machine, reason: nil).machineID()
            guard everyDays != nil || everyGoodParts != nil else {
                throw problem(422, "invalid-plan", "a plan needs everyDays, everyGoodParts or both", field: "everyDays")
            }
            if let days = everyDays, !(1...3660).contains(days) {
                throw problem(422, "invalid-plan", "everyDays must be from 1 to 3660", field: "everyDays")
            }
            if let parts = everyGoodParts, parts < 1 {
                throw problem(422, "invalid-plan", "everyGoodParts must be 1 or more", field: "everyGoodParts")
            }
            guard !description.isEmpty, description.count <= 200 else {
                throw problem(422, "invalid-plan", "description must be 1 to 200 characters", field: "description")
            }
            return MaintenancePlan(
                planId: UUID(), line: machine.line, machine: machine.machine, everyDays: everyDays,
                everyGoodParts: everyGoodParts, description: description, createdAt: now)
        }
    }
}

private func problem(_ status: Int, _ code: String, _ detail: String, field: String? = nil) -> ProblemDetails {
    ProblemDetails(code: code, title: "Maintenance request refused", status: status, detail: detail, field: field)
}
