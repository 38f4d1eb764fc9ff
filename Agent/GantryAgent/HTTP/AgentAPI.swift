import Foundation
import GantryCore
import Hummingbird
import Logging

/// The plant's local HTTP API: scans in; health, sync status, machine reports, dead letters and maintenance.
struct AgentAPI: Sendable {
    let store: any PlantStore
    let board: SyncStatusBoard
    let machines: MQTTStatusBoard
    let masters: MasterPullBoard
    let reasons: DowntimeReasons
    let configuration: AgentConfiguration
    let logger: Logger
    /// The agent's clock: machine reports end at now at the latest; scans and the status are judged by it.
    let now: @Sendable () -> Date
    /// This agent's own metrics (`ApplicationMetrics` says why not the process-wide `MetricsSystem`).
    let metrics = ApplicationMetrics()
    /// The store's disk: writes are refused below its reserve (507), and `/v1/status` shows it.
    var capacity: StoreCapacity? = nil
    /// The plant's clock against the hub's: `/v1/status` shows it and raises `clock-skew` beyond the threshold.
    var clock: ClockSkewWatch? = nil

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: AccessLogMiddleware<BasicRequestContext>(logger: logger, enabled: configuration.log.accessLog))
        router.add(middleware: HTTPMetricsMiddleware<BasicRequestContext>(metrics))
        router.add(middleware: ProblemMiddleware(logger: logger, server: "the agent"))
        if let capacity { router.add(middleware: StoreCapacityMiddleware<BasicRequestContext>(capacity: capacity)) }
        router.get("/healthz") { _, _ in try await health() }
        router.get("/metrics") { _, _ in try await metricsExposition() }
        router.get("/v1/status") { _, _ in try await status() }
        router.get("/v1/reports/machine-time") { request, _ in
            let (window, history, _) = try await machineHistory(request)
            let machines = history.timeReports(plant: store.plantID, from: window.from, to: window.to)
            return try jsonResponse(MachineTimeReportBody(window: window, machines: machines))
        }
        router.get("/v1/downtime") { request, _ in
            let (window, history, now) = try await machineHistory(request)
            return try jsonResponse(DowntimeBody(
                from: window.from, to: window.to, requestedTo: window.requestedTo,
                intervals: history.downtime(
                    from: window.from, to: window.to, now: now, reasons: try await store.downtimeReasons(base: reasons))))
        }
        router.get("/v1/reports/reliability") { request, _ in
            let (window, history, now) = try await machineHistory(request)
            return try jsonResponse(ReliabilityBody(
                from: window.from, to: window.to, requestedTo: window.requestedTo,
                machines: history.reliability(
                    from: window.from, to: window.to, now: now, reasons: try await store.downtimeReasons(base: reasons))))
        }
        MaintenanceRoutes(store: store, limit: configuration.maxRequestBytes, now: now).add(to: router)
        router.get("/v1/dead-letters") { request, _ in
            let limit = try request.uri.queryParameters["limit"].map { text -> Int in
                guard let value = Int(text), (1...1000).contains(value) else { throw invalidQuery("limit", "limit must be from 1 to 1000") }
                return value
            } ?? 100
            return try jsonResponse(["deadLetters": try await store.deadLetters(limit: limit)])
        }
        addMasterRoutes(to: router)
        let inventory = InventoryRoutes(
            store: store, limit: configuration.maxRequestBytes,
            parser: GS1Parser(referenceYear: Calendar(identifier: .gregorian).component(.year, from: now()), separators: configuration.scanSeparators),
            allowExpiredIssue: configuration.issueExpiredLots)
        inventory.add(to: router)
        PurchaseOrderRoutes(store: store, limit: configuration.maxRequestBytes).add(to: router)
        ShippingRoutes(store: store, limit: configuration.maxRequestBytes, parser: inventory.parser, inventory: inventory).add(to: router)
        let users = PlantUsers(path: configuration.usersFile)
        WorkOrderRoutes(
            store: store, limit: configuration.maxRequestBytes, inventory: inventory, overrideRoles: configuration.overrideRoles,
            allowExpiredIssue: configuration.issueExpiredLots, users: users, now: now
        ).add(to: router)
        SourcingRoutes(store: store, limit: configuration.maxRequestBytes, inventory: inventory, confirmWithin: configuration.alerts.confirmWithin)
            .add(to: router)
        ApprovalRoutes(store: store, limit: configuration.maxRequestBytes, users: users).add(to: router)
        ReorderRoutes(store: store, limit: configuration.maxRequestBytes).add(to: router)
        router.post("/v1/scans") { request, _ in
            var request = request
            return try await recordScan(request.decodeJSON(ScanRequest.self, limit: configuration.maxRequestBytes))
        }
        return router
    }

    /// 201 with the receipt once the scan is durable; 200 with the first receipt for a repeated key.
    func recordScan(_ body: ScanRequest) async throws -> Response {
        let (scan, occurredAt) = try body.validated(now: now())
        do {
            let receipt = try await store.recordScan(scan, occurredAt: occurredAt)
            return try jsonResponse(receipt, status: receipt.duplicate ? .ok : .created)
        } catch let error as StoreError where error.code == .idempotencyConflict {
            throw ProblemDetails(
                code: "idempotency-conflict", title: "Scan id reused", status: 409, detail: error.message, field: "id")
        }
    }

    /// The window of a report request, cut at now (time after now has not happened), and the machine history it needs.
    private func machineHistory(_ request: Request) async throws -> (ReportWindow, MachineHistory, now: Date) {
        let query = request.uri.queryParameters
        let now = self.now()
        let window = try ReportWindow(from: query["from"].map(String.init), to: query["to"].map(String.init)).elapsed(now: now)
        return (window, try await store.machineHistory(from: window.from, to: window.to), now)
    }

    func status() async throws -> Response {
        let position = try await store.position()
        var status = AgentStatus(
            plantID: store.plantID, position: position, hub: board.current, now: now(),
            alarmBytes: configuration.backlogAlarmBytes, alarmAge: configuration.backlogAlarmAge)
        status.mqtt = machines.current
        status.masters = masters.current
        status.deadLettersKept = try await store.deadLetterCount()
        if let clock = clock?.status {
            status.clock = clock
            if clock.alarm { status.alarms.append(ClockSkewPolicy.alarm) }
        }
        if let space = capacity?.status {
            status.store = space
            if let alarm = space.level.alarm { status.alarms.append(alarm) }
        }
        return try jsonResponse(status)
    }

    func invalidQuery(_ field: String, _ detail: String) -> ProblemDetails {
        ProblemDetails(code: "invalid-query", title: "Invalid query", status: 400, detail: detail, field: field)
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

struct DowntimeBody: Encodable, Sendable {
    var from: Date
    var to: Date
    var requestedTo: Date?
    var intervals: [DowntimeInterval]
}

struct ReliabilityBody: Encodable, Sendable {
    var from: Date
    var to: Date
    var requestedTo: Date?
    var machines: [ReliabilityReport]
}
