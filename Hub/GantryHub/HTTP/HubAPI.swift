import Foundation
import GantryCore
import Hummingbird
import Logging
import NIOCore

/// The hub's HTTP API: the sync endpoint for plants, reports and the event feed for administrators.
///
/// Every route comes from `HubEndpoint` (its path, method and access rule); `respond` hands each to one named
/// handler that takes the request's values and returns a Codable body. Refusals carry their own status
/// (`ProblemReporting`) and `HubProblemMiddleware` answers them.
struct HubAPI: Sendable {
    let store: any HubStore
    let configuration: HubConfiguration
    let logger: Logger
    /// The hub's clock: token expiry, machine-time windows, and the times of audit entries, instructions and
    /// decisions.
    let now: @Sendable () -> Date
    /// This hub's own metrics (`ApplicationMetrics` says why not the process-wide `MetricsSystem`).
    let metrics = HubMetrics()

    /// The operator's tasks, on the hub's clock.
    var administration: HubAdministration { HubAdministration(store: store, configuration: configuration, now: now) }

    /// The masters' rules, on the hub's clock.
    var service: MasterService { MasterService(store: store, now: now) }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: AccessLogMiddleware<BasicRequestContext>(logger: logger, enabled: configuration.log.accessLog))
        router.add(middleware: HTTPMetricsMiddleware<BasicRequestContext>(metrics.application))
        router.add(middleware: HubProblemMiddleware(logger: logger))
        for endpoint in HubEndpoint.allCases {
            router.on(RouterPath(endpoint.path), method: endpoint.method) { request, context in
                let caller = try await admit(request, context: context, to: endpoint)
                RequestLogScope.current?.identify(caller.logMetadata)
                return try await respond(to: endpoint, request, context: context, caller: caller)
            }
        }
        return router
    }

    /// The handler of each route: reads what the route takes from the request, calls the handler, and encodes
    /// its answer. Exhaustive over `HubEndpoint`, so a route cannot be listed without its handler.
    func respond(
        to endpoint: HubEndpoint, _ request: Request, context: BasicRequestContext, caller: Caller
    ) async throws -> Response {
        var request = request
        let query = request.uri.queryParameters
        switch endpoint {
        case .health:
            return try jsonResponse(try await health())
        case .metrics:
            return try await metricsExposition(scope: try caller.principal().companies)
        case .syncBatches:
            return try jsonResponse(try await syncTimed(&request, from: try caller.plant()))
        case .plantMasters:
            return try jsonResponse(try await plantMasters(try caller.plant(), requested: try parameter("plant", context), query: query))
        case .plantInstructions:
            return try jsonResponse(
                try await plantInstructions(try caller.plant(), requested: try parameter("plant", context), query: query))
        case .syncReport:
            return try jsonResponse(try await syncReport(scope: try caller.principal().companies))
        case .machineTimeReport:
            return try jsonResponse(try await machineTime(query, scope: try caller.principal().companies))
        case .eventFeed:
            return try jsonResponse(try await eventFeed(query, scope: try caller.principal().companies))
        case .kpiReport, .kpiReportCSV, .kpiDowntime, .kpiOperations:
            return try await respondKPIs(to: endpoint, query: query, scope: try caller.principal().companies)
        case .stockReport:
            return try jsonResponse(try await stockReport(query, scope: try caller.principal().companies))
        case .lotTrace:
            return try jsonResponse(try await lotTrace(query, scope: try caller.principal().companies))
        case .supplierReport:
            return try jsonResponse(try await supplierReport(query, scope: try caller.principal().companies))
        case .masterList:
            return try jsonResponse(try await masterList(query, actor: try caller.actor()))
        case .masterVersions:
            return try jsonResponse(try await masterVersions(query, actor: try caller.actor()))
        case .masterRead:
            let record = try await masterRead(
                kind: try masterKind(try parameter("kind", context), csv: false), key: try parameter("key", context), query: query,
                actor: try caller.actor())
            var response = try jsonResponse(record)
            response.headers[.eTag] = "\"\(record.version)\""
            return response
        case .masterWrite:
            let kind = try masterKind(try parameter("kind", context), csv: false)
            let body = try await jsonBody(&request)
            return try jsonResponse(try await masterWrite(
                body, kind: kind, key: try parameter("key", context), query: query, ifMatch: request.headers[.ifMatch],
                actor: try caller.actor()))
        case .masterChangeSet:
            // Not JSON at all is 400, as for every body; JSON of the wrong shape is 422 naming the field.
            return try jsonResponse(try await masterChangeSet(try MasterChangeSet.read(try await jsonBody(&request)), actor: try caller.actor()))
        case .masterImport:
            let name = try parameter("kind", context)
            let kind = try masterKind(name, csv: true)
            let csv = try await textBody(&request)
            return try jsonResponse(try await masterImport(csv, kind: kind, source: "HTTP import of \(name)", actor: try caller.actor()))
        case .masterExport:
            let csv = try await masterExport(
                kind: try masterKind(try parameter("kind", context), csv: true), query: query, actor: try caller.actor())
            return textResponse(csv, contentType: "text/csv; charset=utf-8")
        case .auditTrail:
            return try jsonResponse(try await auditTrail(query, actor: try caller.actor()))
        case .auditVerify:
            return try jsonResponse(try await auditVerify())
        case .principalList:
            return try jsonResponse(try await principalList(actor: try caller.actor()))
        case .principalAdd:
            let body = try await decode(PrincipalRequest.self, &request)
            return try jsonResponse(try await principalAdd(body, actor: try caller.actor()), status: .created)
        case .principalRevoke:
            try await principalRevoke(name: try parameter("name", context), actor: try caller.actor())
            return Response(status: .noContent)
        case .principalRotate:
            let body = try await decode(RotateRequest.self, &request, emptyAllowed: true) ?? RotateRequest()
            return try jsonResponse(try await principalRotate(name: try parameter("name", context), body, actor: try caller.actor()))
        case .plantEnrol:
            let body = try await decode(EnrolRequest.self, &request)
            let configuration = try await plantEnrol(body, actor: try caller.actor())
            return textResponse(configuration + "\n", contentType: "text/plain; charset=utf-8", status: .created)
        case .demandSend:
            let actor = try caller.actor()
            let plant = try await enrolled(try parameter("plant", context), scope: actor.companies)
            let demand = try decode(DemandInstruction.self, from: try await jsonBody(&request))
            let sent = try await sendDemand(demand, to: plant, actor: actor)
            return try jsonResponse(sent.instruction, status: sent.created ? .created : .ok)
        case .demandList:
            return try jsonResponse(try await demandList(plantID: try parameter("plant", context), query: query, actor: try caller.actor()))
        case .approvalList:
            return try jsonResponse(try await approvalList(query: query, actor: try caller.actor()))
        case .approvalDecide:
            let plantID = try parameter("plant", context), approval = try parameter("approval", context)
            let principal = try caller.principal()
            try requireScope(principal.companies, plant: plantID)
            let body = try decode(DecisionBody.self, from: try await jsonBody(&request))
            return try jsonResponse(try await decideApproval(body, plantID: plantID, approval: approval, principal: principal))
        case .customerOrderSend:
            let placed = try await placeCustomerOrder(
                try decode(CustomerOrderRequest.self, from: try await jsonBody(&request)), actor: try caller.actor())
            return try jsonResponse(placed, status: placed.created ? .created : .ok)
        case .transferSend:
            let placed = try await placeTransfer(try decode(TransferRequest.self, from: try await jsonBody(&request)), actor: try caller.actor())
            return try jsonResponse(placed, status: placed.created ? .created : .ok)
        case .customerOrderList:
            return try jsonResponse(try await customerOrderList(query, scope: try caller.principal().companies))
        case .transferList:
            return try jsonResponse(try await transferList(query, scope: try caller.principal().companies))
        case .inTransitReport:
            return try jsonResponse(try await inTransitReport(query, scope: try caller.principal().companies))
        case .serviceLevelReport:
            return try jsonResponse(try await serviceLevelReport(query, scope: try caller.principal().companies))
        case .shipmentTrace:
            return try jsonResponse(try await shipmentTrace(
                plant: try parameter("plant", context), shipment: try parameter("shipment", context), scope: try caller.principal().companies))
        case .recall:
            return try jsonResponse(try await recall(query, scope: try caller.principal().companies))
        case .ledgerEntries, .ledgerEntriesCSV, .trialBalance, .trialBalanceCSV, .heldPostings, .heldRetry, .periodList, .periodClose:
            return try await respondLedger(to: endpoint, query: query, context: context, caller: caller)
        case .invoiceSubmit, .invoiceImport, .invoiceList, .invoiceRead, .invoiceRelease, .grniAgeing, .grniAgeingCSV, .openInvoices,
             .openInvoicesCSV:
            return try await respondInvoices(to: endpoint, &request, query: query, context: context, caller: caller)
        case .balanceSheet, .balanceSheetCSV, .incomeStatement, .incomeStatementCSV, .inventoryReconciliation, .inventoryReconciliationCSV,
             .margin, .marginCSV, .workingCapital, .workingCapitalCSV, .ledgerExportBeancount, .ledgerExportCSV:
            return try await respondStatements(to: endpoint, query: query, scope: try caller.principal().companies)
        case .groupConsolidation, .groupConsolidationCSV, .groupConsolidationSources:
            return try await respondConsolidation(to: endpoint, query: query, context: context, caller: caller)
        case .discrepancySettle:
            let body = try decode(SettleBody.self, from: try await jsonBody(&request))
            return try jsonResponse(try await settleDiscrepancy(
                body, transfer: try parameter("transfer", context), number: try parameter("number", context), actor: try caller.actor()))
        }
    }

    /// A text answer (CSV, an agent's configuration).
    func textResponse(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
