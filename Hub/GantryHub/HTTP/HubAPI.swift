import Foundation
import GantryCore
import Hummingbird
import Logging
import NIOCore

/// The hub's HTTP API: the sync endpoint for plants, reports and the event feed for administrators.
struct HubAPI: Sendable {
    let store: any HubStore
    let configuration: HubConfiguration
    let logger: Logger

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: HubProblemMiddleware(logger: logger))
        router.get("/healthz") { _, _ in try await health() }
        router.post("/v1/sync/batches") { request, _ in
            let plant = try await authenticatePlant(request)
            var request = request
            let batch = try await decodeBatch(&request)
            return try await sync(batch, from: plant)
        }
        router.get("/v1/reports/sync") { request, _ in
            try await authenticateAdmin(request)
            return try jsonResponse(SyncReportBody(plants: try await store.syncReport(now: Date())))
        }
        router.get("/v1/reports/machine-time") { request, _ in
            try await authenticateAdmin(request)
            return try await machineTime(request.uri.queryParameters)
        }
        router.get("/v1/events") { request, _ in
            try await authenticateAdmin(request)
            return try await eventFeed(request.uri.queryParameters)
        }
        return router
    }

    // MARK: Routes

    func sync(_ batch: SyncBatch, from plant: PlantRecord) async throws -> Response {
        guard batch.plant == plant.plantID else {
            throw problem(
                SyncBatchError(code: .wrongPlant, detail: "the token is plant \(plant.plantID)'s; the batch claims \(batch.plant)"),
                status: 403)
        }
        guard batch.events.count <= configuration.maxBatchEvents else {
            throw ProblemDetails(
                code: "batch-too-large", title: "Batch too large", status: 413,
                detail: "\(batch.events.count) events; at most \(configuration.maxBatchEvents) per batch")
        }
        do {
            try batch.validate()
            switch try await store.applyBatch(batch, receivedAt: Date()) {
            case .acknowledged(let ack):
                if ack.applied > 0 {
                    logger.debug("batch applied", metadata: ["plant": "\(plant.plantID)", "through": "\(ack.acknowledgedThrough)"])
                }
                return try jsonResponse(ack)
            case .refused(let expected):
                throw ProblemDetails(
                    code: "sequence-gap", title: "Batch starts past the next expected sequence", status: 409,
                    detail: "the batch starts at \(batch.events.first?.sequence ?? 0); the hub expects \(expected) next",
                    expectedSequence: expected)
            }
        } catch let error as SyncBatchError {
            throw problem(error, status: error.code == .sequenceConflict ? 409 : 422)
        }
    }

    func eventFeed(_ query: Parameters) async throws -> Response {
        guard let plant = query["plant"].map(String.init), !plant.isEmpty else {
            throw invalidQuery("plant", "the plant query parameter is required")
        }
        let after = try query["after"].map { text -> Int64 in
            guard let value = Int64(text), value >= 0 else { throw invalidQuery("after", "after must be a sequence ≥ 0") }
            return value
        } ?? 0
        let limit = try query["limit"].map { text -> Int in
            guard let value = Int(text), (1...10_000).contains(value) else {
                throw invalidQuery("limit", "limit must be from 1 to 10000")
            }
            return value
        } ?? 1000
        let events = try await store.events(plantID: plant, after: after, limit: limit)
        return try jsonResponse(EventFeedBody(plant: plant, events: events, next: events.last?.sequence ?? after))
    }

    func machineTime(_ query: Parameters) async throws -> Response {
        let window: ReportWindow
        do {
            window = try ReportWindow(from: query["from"].map(String.init), to: query["to"].map(String.init))
        } catch let error as ReportWindow.Invalid {
            throw invalidQuery(error.field, error.detail)
        }
        let machines = try await store.machineTime(plantID: query["plant"].map(String.init), from: window.from, to: window.to)
        return try jsonResponse(MachineTimeReportBody(from: window.from, to: window.to, machines: machines))
    }

    func health() async throws -> Response {
        do {
            try await store.checkReadable()
            return try jsonResponse(["status": "ok"])
        } catch {
            logger.error("health check failed", metadata: ["error": "\(error)"])
            throw ProblemDetails(code: "store-unavailable", title: "Store unavailable", status: 503,
                                 detail: "the hub database cannot be read")
        }
    }

    // MARK: Access

    private func bearerToken(_ request: Request) throws -> String {
        guard let header = request.headers[.authorization] else {
            throw ProblemDetails.unauthorized("an Authorization: Bearer token is required")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw ProblemDetails.unauthorized("the Authorization header must be `Bearer <token>`")
        }
        return String(parts[1])
    }

    func authenticatePlant(_ request: Request) async throws -> PlantRecord {
        let hash = SecretToken.hash(try bearerToken(request))
        if let plant = try await store.plant(tokenHash: hash) { return plant }
        if try await store.adminTokenName(tokenHash: hash) != nil {
            throw ProblemDetails.forbidden("an administrator token cannot send a plant's events")
        }
        throw ProblemDetails.unauthorized("unknown or replaced plant token")
    }

    func authenticateAdmin(_ request: Request) async throws {
        let hash = SecretToken.hash(try bearerToken(request))
        if try await store.adminTokenName(tokenHash: hash) != nil { return }
        if try await store.plant(tokenHash: hash) != nil {
            throw ProblemDetails.forbidden("a plant token cannot read hub reports")
        }
        throw ProblemDetails.unauthorized("unknown or revoked administrator token")
    }

    // MARK: Bodies

    private func decodeBatch(_ request: inout Request) async throws -> SyncBatch {
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: configuration.maxBatchBytes)
        } catch is NIOTooManyBytesError {
            throw ProblemDetails(
                code: "batch-too-large", title: "Batch too large", status: 413,
                detail: "the body exceeds \(configuration.maxBatchBytes) bytes; send smaller batches")
        }
        do {
            return try SyncBatchReader.read(Data(buffer.readableBytesView))
        } catch {
            throw ProblemDetails(code: "malformed-body", title: "Malformed request body", status: 400, detail: error.detail)
        }
    }

    private func problem(_ error: SyncBatchError, status: Int) -> ProblemDetails {
        ProblemDetails(code: error.code.rawValue, title: "Batch refused", status: status, detail: error.detail)
    }

    private func invalidQuery(_ field: String, _ detail: String) -> ProblemDetails {
        ProblemDetails(code: "invalid-query", title: "Invalid query", status: 400, detail: detail, field: field)
    }
}

struct SyncReportBody: Codable, Sendable {
    var plants: [PlantSyncReport]
}

struct EventFeedBody: Codable, Sendable {
    var plant: String
    var events: [EventEnvelope]
    /// Pass as `after` to read on.
    var next: Int64
}
