import Foundation
import GantryCore
import Hummingbird
import Logging

/// The plant's local HTTP API: scans in, health and sync status out.
struct AgentAPI: Sendable {
    let store: any PlantStore
    let board: SyncStatusBoard
    let configuration: AgentConfiguration
    let logger: Logger

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ProblemMiddleware(logger: logger))
        router.get("/healthz") { _, _ in try await health() }
        router.get("/v1/status") { _, _ in try await status() }
        router.post("/v1/scans") { request, _ in
            var request = request
            return try await recordScan(request.decodeJSON(ScanRequest.self, limit: configuration.maxRequestBytes))
        }
        return router
    }

    /// 201 with the receipt once the scan is durable; 200 with the first receipt for a repeated key.
    func recordScan(_ body: ScanRequest) async throws -> Response {
        let (scan, occurredAt) = try body.validated(now: Date())
        do {
            let receipt = try await store.recordScan(scan, occurredAt: occurredAt)
            return try jsonResponse(receipt, status: receipt.duplicate ? .ok : .created)
        } catch let error as StoreError where error.code == .idempotencyConflict {
            throw ProblemDetails(
                code: "idempotency-conflict", title: "Scan id reused", status: 409, detail: error.message, field: "id")
        }
    }

    func status() async throws -> Response {
        let position = try await store.position()
        return try jsonResponse(AgentStatus(
            plantID: store.plantID, position: position, hub: board.current, now: Date(),
            alarmBytes: configuration.backlogAlarmBytes, alarmAge: configuration.backlogAlarmAge))
    }

    func health() async throws -> Response {
        do {
            _ = try await store.position()
            return try jsonResponse(["status": "ok"])
        } catch {
            logger.error("health check failed", metadata: ["error": "\(error)"])
            throw ProblemDetails(code: "store-unavailable", title: "Store unavailable", status: 503,
                                 detail: "the plant store cannot be read")
        }
    }
}
