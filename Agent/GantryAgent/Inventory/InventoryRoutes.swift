import Foundation
import GantryCore
import Hummingbird

/// Scan workflows and stock through the local API (docs/inventory.md). Every answer says what happened in
/// words an operator can act on; every refusal is a problem document naming the reason (`InventoryRefusal` is
/// `ProblemReporting`, so the error middleware answers it).
struct InventoryRoutes: Sendable {
    let store: any StockLedger & StockMovements & StockReservations
    let limit: Int
    let parser: GS1Parser
    let allowExpiredIssue: Bool

    /// Bulk requests (counts of whole locations, reservations of whole work orders) may be larger.
    var bulkLimit: Int { max(limit, 16 << 20) }

    func add(to router: Router<BasicRequestContext>) {
        router.post("/v1/locations") { request, _ in
            var request = request
            return try jsonResponse(try await defineLocation(request.decodeJSON(LocationBody.self, limit: limit)), status: .created)
        }
        router.get("/v1/locations") { _, _ in try jsonResponse(try await locations()) }
        router.post("/v1/receipts") { request, _ in
            var request = request
            return try answered(try await receive(request.decodeJSON(WithUnit<ReceiptFields>.self, limit: limit)))
        }
        router.post("/v1/moves") { request, _ in
            var request = request
            return try answered(try await move(request.decodeJSON(WithUnit<MoveFields>.self, limit: limit)))
        }
        router.post("/v1/issues") { request, _ in
            var request = request
            return try answered(try await issue(request.decodeJSON(WithUnit<IssueFields>.self, limit: limit)))
        }
        router.post("/v1/outputs") { request, _ in
            var request = request
            return try answered(try await output(request.decodeJSON(WithUnit<OutputFields>.self, limit: limit)))
        }
        router.post("/v1/counts") { request, _ in
            var request = request
            return try answered(try await count(request.decodeJSON(CountBody.self, limit: bulkLimit)))
        }
        router.post("/v1/reservations") { request, _ in
            var request = request
            return try answered(try await reserve(request.decodeJSON(ReservationBody.self, limit: bulkLimit)))
        }
        router.get("/v1/reservations") { request, _ in
            try jsonResponse(try await reservations(workOrder: request.uri.queryParameters["workOrder"].map(String.init)))
        }
        router.post("/v1/reservations/:workOrder/release") { _, context in
            try jsonResponse(try await releaseReservations(workOrder: context.parameters.decoded("workOrder") ?? ""))
        }
        for (action, status) in [("quarantine", LotStatusChanged.Status.quarantined), ("release", .released)] {
            router.post(RouterPath("/v1/lots/:item/:lot/\(action)")) { request, context in
                var request = request
                let body = try await request.decodeJSON(ReasonBody.self, limit: limit)
                return try jsonResponse(try await setLotStatus(LotStatusRequest(
                    item: context.parameters.decoded("item") ?? "", lot: context.parameters.decoded("lot") ?? "", status: status, reason: body.reason)))
            }
        }
        router.get("/v1/stock") { request, _ in
            let query = request.uri.queryParameters
            return try jsonResponse(try await stock(
                item: query["item"].map(String.init), location: query["location"].map(String.init), lot: query["lot"].map(String.init)))
        }
        router.get("/v1/moves") { request, _ in
            let query = request.uri.queryParameters
            return try jsonResponse(try await moves(
                item: query["item"].map(String.init), lot: query["lot"].map(String.init), after: query["after"].map(String.init),
                limit: query["limit"].map(String.init)))
        }
        router.get("/v1/counts") { _, _ in try jsonResponse(try await counts()) }
        router.get("/v1/genealogy") { request, _ in
            let query = request.uri.queryParameters
            return try jsonResponse(try await genealogy(
                item: query["item"].map(String.init), lot: query["lot"].map(String.init), serial: query["serial"].map(String.init),
                direction: query["direction"].map(String.init)))
        }
    }

    // MARK: Handlers

    func defineLocation(_ body: LocationBody) async throws -> LocationDefined {
        let location = LocationDefined(
            code: body.code, type: body.type, warehouse: body.warehouse, zone: body.zone, bin: body.bin, active: body.active ?? true)
        try await store.defineLocation(location)
        return location
    }

    func locations() async throws -> [String: [LocationDefined]] {
        let locations = try await store.locations()
        return ["locations": locations]
    }

    func receive(_ body: WithUnit<ReceiptFields>) async throws -> MoveAnswer {
        try await store.receive(ReceiptIntent(
            requestID: body.fields.id ?? UUID(), order: body.fields.order, line: body.fields.line, unit: try unit(body.unit),
            location: body.fields.location))
    }

    func move(_ body: WithUnit<MoveFields>) async throws -> MoveAnswer {
        try await store.move(MoveIntent(requestID: body.fields.id ?? UUID(), unit: try unit(body.unit), from: body.fields.from, to: body.fields.to))
    }

    func issue(_ body: WithUnit<IssueFields>) async throws -> MoveAnswer {
        try await store.issue(
            IssueIntent(requestID: body.fields.id ?? UUID(), workOrder: body.fields.workOrder, unit: try unit(body.unit), from: body.fields.from),
            allowExpired: allowExpiredIssue)
    }

    func output(_ body: WithUnit<OutputFields>) async throws -> MoveAnswer {
        try await store.recordOutput(OutputIntent(
            requestID: body.fields.id ?? UUID(), workOrder: body.fields.workOrder, unit: try unit(body.unit), to: body.fields.to))
    }

    func count(_ body: CountBody) async throws -> CountAnswer {
        try await store.count(CountIntent(requestID: body.id ?? UUID(), location: body.location, lines: try body.lines.map(unit), complete: body.complete ?? false))
    }

    func reserve(_ body: ReservationBody) async throws -> ReservationAnswer {
        try await store.reserve(workOrder: body.workOrder, lines: body.lines, requestID: body.id ?? UUID())
    }

    func reservations(workOrder: String?) async throws -> [String: [StockReserved.Reservation]] {
        let reservations = try await store.reservations(workOrder: workOrder)
        return ["reservations": reservations]
    }

    func releaseReservations(workOrder: String) async throws -> [String: JSONValue] {
        let released = try await store.releaseReservations(workOrder: workOrder, reason: "released by request")
        return ["workOrder": .string(workOrder), "released": JSONValue.number(Double(released))]
    }

    func setLotStatus(_ request: LotStatusRequest) async throws -> LotStatusChanged {
        try await store.setLotStatus(item: request.item, lot: request.lot, status: request.status, reason: request.reason)
        return LotStatusChanged(item: request.item, lot: request.lot, status: request.status, reason: request.reason)
    }

    func stock(item: String?, location: String?, lot: String?) async throws -> [String: [StockRow]] {
        let rows = try await store.stock(item: item, location: location, lot: lot)
        return ["stock": rows]
    }

    func moves(item: String?, lot: String?, after: String?, limit: String?) async throws -> LedgerBody {
        let after = try after.map { text -> Int64 in
            guard let value = Int64(text), value >= 0 else { throw invalid("after", "after is a sequence ≥ 0") }
            return value
        } ?? 0
        let limit = try limit.map { text -> Int in
            guard let value = Int(text), (1...10_000).contains(value) else { throw invalid("limit", "limit is 1 to 10000") }
            return value
        } ?? 1000
        let moves = try await store.moves(item: item, lot: lot, after: after, limit: limit)
        return LedgerBody(moves: moves, next: moves.last?.sequence ?? after)
    }

    func counts() async throws -> [String: [CountRecord]] {
        let counts = try await store.counts(limit: 100)
        return ["counts": counts]
    }

    func genealogy(item: String?, lot: String?, serial: String?, direction: String?) async throws -> GenealogyBody {
        guard let item, !item.isEmpty else { throw invalid("item", "item is required") }
        let direction = direction ?? "backward"
        guard direction == "backward" || direction == "forward" else {
            throw invalid("direction", "direction is backward (what went into it) or forward (where it went)")
        }
        let unit = StockUnit(item: item, lot: lot, serial: serial)
        return GenealogyBody(unit: unit, direction: direction, links: try await store.genealogy(of: unit, forward: direction == "forward"))
    }

    // MARK: Helpers

    private func invalid(_ field: String, _ detail: String) -> ProblemDetails {
        ProblemDetails(code: "invalid-query", title: "Invalid query", status: 400, detail: detail, field: field)
    }

    /// The unit a body names, its scan parsed as GS1 (a scan that is not GS1 is refused with the parser's reason).
    func unit(_ body: UnitBody) throws -> UnitSpec {
        var spec = UnitSpec(
            scan: body.scan, item: body.item, lot: body.lot, serial: body.serial, expiry: body.expiry, quantity: body.quantity, uom: body.uom)
        if let scan = body.scan {
            do {
                spec.scanned = ScannedUnit(try parser.parse(scan))
            } catch {
                throw ProblemDetails(code: "invalid-scan", title: "Invalid scan", status: 422, detail: error.description, field: "scan")
            }
        }
        return spec
    }
}

/// 201 for a new answer, 200 for the first answer to a repeated request id (inventory and shipping scans alike).
func answered(_ answer: some Encodable & DuplicateMarking) throws -> Response {
    try jsonResponse(answer, status: answer.duplicate ? .ok : .created)
}
