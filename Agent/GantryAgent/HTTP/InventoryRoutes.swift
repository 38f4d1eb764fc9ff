import Foundation
import GantryCore
import Hummingbird

/// Scan workflows and stock through the local API (docs/inventory.md). Every answer says what happened in
/// words an operator can act on; every refusal is a problem document naming the reason.
struct InventoryRoutes: Sendable {
    let store: any PlantStore
    let limit: Int
    let parser: GS1Parser
    let allowExpiredIssue: Bool

    /// Bulk requests (counts of whole locations, reservations of whole work orders) may be larger.
    var bulkLimit: Int { max(limit, 16 << 20) }

    func add(to router: Router<BasicRequestContext>) {
        router.post("/v1/locations") { request, _ in
            var request = request
            let body = try await request.decodeJSON(LocationBody.self, limit: limit)
            let location = LocationDefined(
                code: body.code, type: body.type, warehouse: body.warehouse, zone: body.zone, bin: body.bin, active: body.active ?? true)
            try await refusals { try await store.defineLocation(location) }
            return try jsonResponse(location, status: .created)
        }
        router.get("/v1/locations") { _, _ in
            try jsonResponse(["locations": try await store.locations()])
        }
        router.post("/v1/purchase-orders") { request, _ in
            var request = request
            let body = try await request.decodeJSON(PurchaseOrderBody.self, limit: bulkLimit)
            let order = PurchaseOrderPlaced(order: body.order, supplier: body.supplier, lines: try body.lines.map { line in
                PurchaseOrderLine(
                    line: line.line, item: line.item, quantity: line.quantity, tolerancePercent: line.tolerancePercent ?? .zero, due: line.due)
            })
            try await refusals { try await store.placePurchaseOrder(order) }
            return try jsonResponse(order, status: .created)
        }
        router.get("/v1/purchase-orders") { request, _ in
            try jsonResponse(["lines": try await store.purchaseOrderLines(order: request.uri.queryParameters["order"].map(String.init))])
        }
        router.post("/v1/receipts") { request, _ in
            var request = request
            let body = try await request.decodeJSON(WithUnit<ReceiptFields>.self, limit: limit)
            let intent = ReceiptIntent(
                requestID: body.fields.id ?? UUID(), order: body.fields.order, line: body.fields.line, unit: try unit(body.unit),
                location: body.fields.location)
            return try await answer(try await refusals { try await store.receive(intent) })
        }
        router.post("/v1/moves") { request, _ in
            var request = request
            let body = try await request.decodeJSON(WithUnit<MoveFields>.self, limit: limit)
            let intent = MoveIntent(requestID: body.fields.id ?? UUID(), unit: try unit(body.unit), from: body.fields.from, to: body.fields.to)
            return try await answer(try await refusals { try await store.move(intent) })
        }
        router.post("/v1/issues") { request, _ in
            var request = request
            let body = try await request.decodeJSON(WithUnit<IssueFields>.self, limit: limit)
            let intent = IssueIntent(
                requestID: body.fields.id ?? UUID(), workOrder: body.fields.workOrder, unit: try unit(body.unit), from: body.fields.from)
            return try await answer(try await refusals { try await store.issue(intent, allowExpired: allowExpiredIssue) })
        }
        router.post("/v1/outputs") { request, _ in
            var request = request
            let body = try await request.decodeJSON(WithUnit<OutputFields>.self, limit: limit)
            let intent = OutputIntent(
                requestID: body.fields.id ?? UUID(), workOrder: body.fields.workOrder, unit: try unit(body.unit), to: body.fields.to)
            return try await answer(try await refusals { try await store.recordOutput(intent) })
        }
        router.post("/v1/counts") { request, _ in
            var request = request
            let body = try await request.decodeJSON(CountBody.self, limit: bulkLimit)
            let intent = CountIntent(
                requestID: body.id ?? UUID(), location: body.location, lines: try body.lines.map(unit), complete: body.complete ?? false)
            let counted = try await refusals { try await store.count(intent) }
            return try jsonResponse(counted, status: counted.duplicate ? .ok : .created)
        }
        router.post("/v1/reservations") { request, _ in
            var request = request
            let body = try await request.decodeJSON(ReservationBody.self, limit: bulkLimit)
            let reserved = try await refusals {
                try await store.reserve(workOrder: body.workOrder, lines: body.lines, requestID: body.id ?? UUID())
            }
            return try jsonResponse(reserved, status: reserved.duplicate ? .ok : .created)
        }
        router.get("/v1/reservations") { request, _ in
            try jsonResponse(["reservations": try await store.reservations(workOrder: request.uri.queryParameters["workOrder"].map(String.init))])
        }
        router.post("/v1/reservations/:workOrder/release") { _, context in
            let order = context.parameters.decoded("workOrder") ?? ""
            let released = try await store.releaseReservations(workOrder: order, reason: "released by request")
            return try jsonResponse(["workOrder": .string(order), "released": JSONValue.number(Double(released))])
        }
        for (action, status) in [("quarantine", LotStatusChanged.Status.quarantined), ("release", .released)] {
            router.post(RouterPath("/v1/lots/:item/:lot/\(action)")) { request, context in
                var request = request
                let body = try await request.decodeJSON(ReasonBody.self, limit: limit)
                let item = context.parameters.decoded("item") ?? "", lot = context.parameters.decoded("lot") ?? ""
                try await refusals { try await store.setLotStatus(item: item, lot: lot, status: status, reason: body.reason) }
                return try jsonResponse(LotStatusChanged(item: item, lot: lot, status: status, reason: body.reason))
            }
        }
        router.get("/v1/stock") { request, _ in
            let query = request.uri.queryParameters
            return try jsonResponse(["stock": try await store.stock(
                item: query["item"].map(String.init), location: query["location"].map(String.init), lot: query["lot"].map(String.init))])
        }
        router.get("/v1/moves") { request, _ in
            let query = request.uri.queryParameters
            let after = try query["after"].map { text -> Int64 in
                guard let value = Int64(text), value >= 0 else { throw invalid("after", "after is a sequence ≥ 0") }
                return value
            } ?? 0
            let limit = try query["limit"].map { text -> Int in
                guard let value = Int(text), (1...10_000).contains(value) else { throw invalid("limit", "limit is 1 to 10000") }
                return value
            } ?? 1000
            let moves = try await store.moves(item: query["item"].map(String.init), lot: query["lot"].map(String.init), after: after, limit: limit)
            return try jsonResponse(LedgerBody(moves: moves, next: moves.last?.sequence ?? after))
        }
        router.get("/v1/counts") { _, _ in
            try jsonResponse(["counts": try await store.counts(limit: 100)])
        }
        router.get("/v1/genealogy") { request, _ in
            let query = request.uri.queryParameters
            guard let item = query["item"].map(String.init), !item.isEmpty else {
                throw ProblemDetails(code: "invalid-query", title: "Invalid query", status: 400, detail: "item is required", field: "item")
            }
            let direction = query["direction"].map(String.init) ?? "backward"
            guard direction == "backward" || direction == "forward" else {
                throw ProblemDetails(code: "invalid-query", title: "Invalid query", status: 400,
                                     detail: "direction is backward (what went into it) or forward (where it went)", field: "direction")
            }
            let unit = StockUnit(item: item, lot: query["lot"].map(String.init), serial: query["serial"].map(String.init))
            return try jsonResponse(GenealogyBody(unit: unit, direction: direction,
                                                  links: try await store.genealogy(of: unit, forward: direction == "forward")))
        }
    }

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

    private func answer(_ moved: MoveAnswer) async throws -> Response {
        try jsonResponse(moved, status: moved.duplicate ? .ok : .created)
    }

    /// Runs a store intent, turning its refusals into problem documents (an issue to a work order may be refused
    /// by the order's rules).
    private func refusals<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await ProductionRefusal.asProblem(body)
    }
}

// MARK: Bodies

/// How a request names a unit of stock: a scan, fields, or both.
struct UnitBody: Decodable, Sendable {
    var scan: String?
    var item: String?
    var lot: String?
    var serial: String?
    var expiry: String?
    var quantity: Quantity?
    var uom: String?
}

struct LocationBody: Decodable, Sendable {
    var code: String
    var type: LocationType
    var warehouse: String
    var zone: String?
    var bin: String?
    var active: Bool?
}

struct PurchaseOrderBody: Decodable, Sendable {
    struct Line: Decodable, Sendable {
        var line: Int
        var item: String
        var quantity: Quantity
        var tolerancePercent: Quantity?
        var due: String?
    }

    var order: String
    var supplier: String
    var lines: [Line]
}

/// A route's own fields and, in the same JSON object, the unit it is about.
struct WithUnit<Fields: Decodable & Sendable>: Decodable, Sendable {
    var fields: Fields
    var unit: UnitBody

    init(from decoder: any Decoder) throws {
        fields = try Fields(from: decoder)
        unit = try UnitBody(from: decoder)
    }
}

struct ReceiptFields: Decodable, Sendable {
    var id: UUID?
    var order: String
    var line: Int
    var location: String
}

struct MoveFields: Decodable, Sendable {
    var id: UUID?
    var from: String
    var to: String
}

struct IssueFields: Decodable, Sendable {
    var id: UUID?
    var workOrder: String
    var from: String
}

struct OutputFields: Decodable, Sendable {
    var id: UUID?
    var workOrder: String
    var to: String
}

struct CountBody: Decodable, Sendable {
    var id: UUID?
    var location: String
    var complete: Bool?
    var lines: [UnitBody]
}

struct ReservationBody: Decodable, Sendable {
    var id: UUID?
    var workOrder: String
    var lines: [ReservationLine]
}

struct ReasonBody: Decodable, Sendable {
    var reason: String
}

struct LedgerBody: Encodable, Sendable {
    var moves: [LedgerMove]
    /// Pass as `after` to read on.
    var next: Int64
}

struct GenealogyBody: Encodable, Sendable {
    var unit: StockUnit
    var direction: String
    var links: [GenealogyLink]
}

extension InventoryRefusal {
    /// The refusal as a problem document: 404 for what does not exist, 409 for stock states, 422 for the request.
    var problem: ProblemDetails {
        let status: Int
        switch code {
        case .unknownOrder, .unknownLocation: status = 404
        case .overReceipt, .serialInStock, .reservedElsewhere, .insufficientStock, .notInStock, .quarantined, .expired, .shortage,
             .overReturn, .lotLabelConflict: status = 409
        default: status = 422
        }
        return ProblemDetails(code: code.rawValue, title: "Refused", status: status, detail: detail, field: field, shortages: shortages)
    }
}

extension StoreError {
    /// A request id used before for another request.
    var reusedIDProblem: ProblemDetails {
        ProblemDetails(code: "idempotency-conflict", title: "Request id reused", status: 409, detail: message, field: "id")
    }
}
