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
    /// The hub's clock: machine-time reports end at now at the latest.
    var now: @Sendable () -> Date = { Date() }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: HubProblemMiddleware(logger: logger))
        for endpoint in HubEndpoint.allCases {
            router.on(RouterPath(endpoint.path), method: endpoint.method) { request, context in
                let caller = try await admit(request, context: context, to: endpoint)
                return try await handle(endpoint, request, context: context, caller: caller)
            }
        }
        return router
    }

    private func handle(
        _ endpoint: HubEndpoint, _ request: Request, context: BasicRequestContext, caller: Caller
    ) async throws -> Response {
        let query = request.uri.queryParameters
        switch (endpoint, caller) {
        case (.health, _):
            return try await health()
        case (.syncBatches, .plant(let plant)):
            var request = request
            let batch = try await decodeBatch(&request)
            return try await sync(batch, from: plant)
        case (.plantMasters, .plant(let plant)):
            return try await plantMasters(plant, requested: try parameter("plant", context), query: query)
        case (.plantInstructions, .plant(let plant)):
            return try await plantInstructions(plant, requested: try parameter("plant", context), query: query)
        case (.demandSend, .principal):
            return try await sendDemand(request, plantID: try parameter("plant", context), actor: caller.actor!)
        case (.demandList, .principal):
            return try await demandList(plantID: try parameter("plant", context), query: query, actor: caller.actor!)
        case (.approvalList, .principal):
            return try await approvalList(query: query, actor: caller.actor!)
        case (.approvalDecide, .principal(let principal)):
            return try await decideApproval(
                request, plantID: try parameter("plant", context), approval: try parameter("approval", context), actor: caller.actor!,
                principal: principal)
        case (.syncReport, .principal(let principal)):
            let plants = try await store.syncReport(now: Date()).filter { principal.companies.covers(PlantIdentity.company(of: $0.plant)) }
            return try jsonResponse(SyncReportBody(plants: plants))
        case (.machineTimeReport, .principal(let principal)):
            return try await machineTime(query, scope: principal.companies)
        case (.eventFeed, .principal(let principal)):
            return try await eventFeed(query, scope: principal.companies)
        case (.stockReport, .principal(let principal)):
            return try await stockReport(query, scope: principal.companies)
        case (.lotTrace, .principal(let principal)):
            return try await lotTrace(query, scope: principal.companies)
        case (.supplierReport, .principal(let principal)):
            return try await supplierReport(query, scope: principal.companies)
        case (.principalList, .principal), (.principalAdd, .principal), (.principalRevoke, .principal),
             (.principalRotate, .principal), (.plantEnrol, .principal):
            return try await access(endpoint, request, context: context, actor: caller.actor!)
        case (.auditTrail, .principal), (.auditVerify, .principal):
            return try await audit(endpoint, query: query, actor: caller.actor!)
        case (_, .principal):
            return try await masters(endpoint, request, context: context, actor: caller.actor!)
        default:
            throw ProblemDetails.forbidden("this route is not for this kind of caller")
        }
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

    func eventFeed(_ query: Parameters, scope: CompanyScope) async throws -> Response {
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
        return try jsonResponse(EventFeedBody(plant: plant, events: events, next: events.last?.sequence ?? after))
    }

    func machineTime(_ query: Parameters, scope: CompanyScope) async throws -> Response {
        let window = try reportWindow(query, cutAt: now())
        let plant = try await plantFilter(query, scope: scope)
        let machines = try await store.machineTime(plantID: plant, from: window.from, to: window.to)
            .filter { scope.covers(PlantIdentity.company(of: $0.plant)) }
        return try jsonResponse(MachineTimeReportBody(window: window, machines: machines))
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

    /// Authenticates the caller and checks the route's access rule before anything of the request is read.
    func admit(_ request: Request, context: BasicRequestContext, to endpoint: HubEndpoint) async throws -> Caller {
        if endpoint.access == .open { return .anonymous }
        let hash = SecretToken.hash(try bearerToken(request))
        let caller: Caller
        if let plant = try await store.plant(tokenHash: hash) {
            caller = .plant(plant)
        } else if let principal = try await store.principal(tokenHash: hash) {
            if let revoked = principal.revokedAt {
                throw ProblemDetails.unauthorized("the token of \(principal.name) was revoked at \(Timestamp.format(revoked))")
            }
            if let expires = principal.expiresAt, expires <= Date() {
                throw ProblemDetails.unauthorized("the token of \(principal.name) expired at \(Timestamp.format(expires))")
            }
            caller = .principal(principal)
        } else {
            throw ProblemDetails.unauthorized("unknown, replaced or revoked token")
        }
        switch (endpoint.access, caller) {
        case (.plant, .plant):
            return caller
        case (.plant, _):
            throw ProblemDetails.forbidden("only a plant's own token may use \(endpoint.path)")
        case (_, .plant):
            throw ProblemDetails.forbidden("a plant token may only send its events and read its masters")
        case (.principal(let permission), .principal(let principal)):
            guard principal.role.allows(permission) else {
                throw ProblemDetails.forbidden("the role \(principal.role.rawValue) lacks the permission \(permission.rawValue)")
            }
            return caller
        case (.masterWriter, .principal(let principal)):
            let needed: [Permission]
            if context.parameters.get("kind") != nil {
                needed = [try masterKind(try parameter("kind", context), csv: endpoint == .masterImport).writePermission]
            } else {
                needed = [.writeCatalogue, .writeOrganisation, .writeFinance, .writePolicies]
            }
            guard needed.contains(where: principal.role.allows) else {
                throw ProblemDetails.forbidden(
                    "the role \(principal.role.rawValue) lacks the permission \(needed.map(\.rawValue).joined(separator: " or "))")
            }
            return caller
        default:
            throw ProblemDetails.forbidden("not allowed")
        }
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

    func requireScope(_ scope: CompanyScope, plant: String) throws {
        guard scope.covers(PlantIdentity.company(of: plant)) else {
            throw ProblemDetails.forbidden("plant \(plant) belongs to a company outside this principal's companies")
        }
    }

    /// A path parameter, percent-decoded (`BOLT%2DM8` is `BOLT-M8`), or 400 when its escapes are malformed.
    func parameter(_ name: String, _ context: BasicRequestContext) throws -> String {
        guard let value = context.parameters.get(name) else { throw HTTPError(.notFound) }
        guard let decoded = value.removingPercentEncoding else {
            throw ProblemDetails(code: "invalid-path", title: "Invalid path", status: 400,
                                 detail: "the path segment \"\(value)\" has a malformed %-escape", field: name)
        }
        return decoded
    }

    private func problem(_ error: SyncBatchError, status: Int) -> ProblemDetails {
        ProblemDetails(code: error.code.rawValue, title: "Batch refused", status: status, detail: error.detail)
    }

    /// A report's `from` and `to`, or `400 invalid-query` naming the one at fault.
    /// The window of a report request; with `cutAt`, only the part that has passed by then.
    func reportWindow(_ query: Parameters, cutAt now: Date? = nil) throws -> ReportWindow {
        do {
            let window = try ReportWindow(from: query["from"].map(String.init), to: query["to"].map(String.init))
            if let now { return try window.elapsed(now: now) }
            return window
        } catch let error as ReportWindow.Invalid {
            throw invalidQuery(error.field, error.detail)
        }
    }

    func invalidQuery(_ field: String, _ detail: String) -> ProblemDetails {
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

