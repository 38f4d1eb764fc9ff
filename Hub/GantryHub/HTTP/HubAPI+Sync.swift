import Foundation
import GantryCore
import Hummingbird
import Logging
import NIOCore

/// The plants' sync endpoint, the hub's own health, and what administrators read of the plants' events: the
/// sync report, the event feed and the machine-time report.
extension HubAPI {
    /// `GET /healthz`: whether the hub's database can be read.
    func health() async throws -> [String: String] {
        do {
            try await store.checkReadable()
            return ["status": "ok"]
        } catch {
            logger.error("health check failed", metadata: ["error": "\(error)"])
            throw ProblemDetails(code: "store-unavailable", title: "Store unavailable", status: 503,
                                 detail: "the hub database cannot be read")
        }
    }

    /// `POST /v1/sync/batches`: applies a plant's batch exactly once, received at the hub's now.
    func sync(_ batch: SyncBatch, from plant: PlantRecord) async throws -> SyncAcknowledgement {
        guard batch.plant == plant.plantID else {
            throw SyncBatchError(code: .wrongPlant, detail: "the token is plant \(plant.plantID)'s; the batch claims \(batch.plant)")
        }
        guard batch.events.count <= configuration.maxBatchEvents else {
            throw ProblemDetails(
                code: "batch-too-large", title: "Batch too large", status: 413,
                detail: "\(batch.events.count) events; at most \(configuration.maxBatchEvents) per batch")
        }
        try batch.validate()
        switch try await store.applyBatch(batch, receivedAt: now()) {
        case .acknowledged(let ack):
            if ack.applied > 0 {
                logger.debug("batch applied", metadata: ["plant": "\(plant.plantID)", "through": "\(ack.acknowledgedThrough)"])
            }
            return ack
        case .refused(let expected):
            throw ProblemDetails(
                code: "sequence-gap", title: "Batch starts past the next expected sequence", status: 409,
                detail: "the batch starts at \(batch.events.first?.sequence ?? 0); the hub expects \(expected) next",
                expectedSequence: expected)
        }
    }

    /// `GET /v1/reports/sync`: every plant within `scope`, as of the hub's now.
    func syncReport(scope: CompanyScope) async throws -> SyncReportBody {
        let plants = try await store.syncReport(now: now()).filter { scope.covers(PlantIdentity.company(of: $0.plant)) }
        return SyncReportBody(plants: try await withClocks(plants))
    }

    /// `GET /v1/events?plant=…&after=…&limit=…`: a plant's events in sequence order.
    func eventFeed(_ query: Parameters, scope: CompanyScope) async throws -> EventFeedBody {
        let plant = try await plantFilter(query, scope: scope, required: true)!
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
        return EventFeedBody(plant: plant, events: events, next: events.last?.sequence ?? after)
    }

    /// `GET /v1/reports/machine-time?from=…&to=…[&plant=…]`: the window cut at the hub's now.
    func machineTime(_ query: Parameters, scope: CompanyScope) async throws -> MachineTimeReportBody {
        let window = try reportWindow(query, cutAt: now())
        let plant = try await plantFilter(query, scope: scope)
        let machines = try await store.machineTime(plantID: plant, from: window.from, to: window.to)
            .filter { scope.covers(PlantIdentity.company(of: $0.plant)) }
        return MachineTimeReportBody(window: window, machines: machines)
    }

    /// A sync batch body, plain or gzip (`Content-Encoding: gzip`): 413 past `sync.max_batch_bytes` sent or
    /// inflated, 400 when it cannot be read or inflated, 415 for another content coding.
    func decodeBatch(_ request: inout Request) async throws -> SyncBatch {
        let buffer: ByteBuffer
        do {
            buffer = try await request.decodedBody(limit: configuration.maxBatchBytes)
        } catch let problem as ProblemDetails where problem.status == 413 {
            throw ProblemDetails(
                code: "batch-too-large", title: "Batch too large", status: 413,
                detail: "\(problem.detail); send smaller batches")
        }
        do {
            return try SyncBatchReader.read(Data(buffer.readableBytesView))
        } catch {
            throw ProblemDetails(code: "malformed-body", title: "Malformed request body", status: 400, detail: error.detail)
        }
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
