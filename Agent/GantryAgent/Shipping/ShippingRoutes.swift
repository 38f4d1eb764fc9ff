import Foundation
import GantryCore
import Hummingbird

/// Shipping through the local API (docs/shipping.md): outbound orders and their pick lists, logistic units packed
/// by scan, shipments, and receipts of transfers by SSCC. Refusals are `ShippingRefusal`s and `InventoryRefusal`s,
/// answered as problem documents by the error middleware.
struct ShippingRoutes: Sendable {
    let store: any ShippingStore
    let limit: Int
    let parser: GS1Parser
    let inventory: InventoryRoutes

    func add(to router: Router<BasicRequestContext>) {
        router.get("/v1/outbound-orders") { request, _ in
            try jsonResponse(["orders": try await store.outboundOrders(reference: request.uri.queryParameters["order"].map(String.init))])
        }
        router.post("/v1/outbound-orders/:order/pick-list") { _, context in
            try jsonResponse(try await store.pickList(reference: try context.parameters.decodedStrictly("order") ?? ""))
        }
        router.post("/v1/logistic-units") { request, _ in
            var request = request
            return try answered(try await openUnit(request.decodeJSON(OpenUnitBody.self, limit: limit)))
        }
        router.get("/v1/logistic-units") { request, _ in
            let query = request.uri.queryParameters
            return try jsonResponse(["units": try await store.logisticUnits(
                reference: query["order"].map(String.init), sscc: try query["sscc"].map { try sscc(String($0), field: "sscc").digits })])
        }
        router.post("/v1/logistic-units/:sscc/contents") { request, context in
            var request = request
            let body = try await request.decodeJSON(WithUnit<PackFields>.self, limit: limit)
            return try answered(try await pack(sscc: try context.parameters.decodedStrictly("sscc") ?? "", body))
        }
        router.post("/v1/shipments") { request, _ in
            var request = request
            return try answered(try await ship(request.decodeJSON(ShipBody.self, limit: max(limit, 4 << 20))))
        }
        router.get("/v1/inbound-transfers") { request, _ in
            try jsonResponse(["transfers": try await store.inboundTransfers(transfer: request.uri.queryParameters["transfer"].map(String.init))])
        }
        router.post("/v1/inbound-transfers/:transfer/receipts") { request, context in
            var request = request
            let body = try await request.decodeJSON(TransferReceiptBody.self, limit: limit)
            return try answered(try await receive(transfer: try context.parameters.decodedStrictly("transfer") ?? "", body))
        }
        router.post("/v1/inbound-transfers/:transfer/close") { request, context in
            var request = request
            let body = try await request.decodeJSON(CloseReceiptBody.self, limit: limit)
            return try jsonResponse(try await close(transfer: try context.parameters.decodedStrictly("transfer") ?? "", body))
        }
    }

    // MARK: Handlers

    func openUnit(_ body: OpenUnitBody) async throws -> LogisticUnitView {
        try await store.openUnit(reference: body.order, location: body.location, requestID: body.id ?? UUID())
    }

    func pack(sscc text: String, _ body: WithUnit<PackFields>) async throws -> PackAnswer {
        try await store.pack(PackIntent(
            requestID: body.fields.id ?? UUID(), sscc: try sscc(text, field: "sscc"), unit: try inventory.unit(body.unit), from: body.fields.from,
            line: body.fields.line))
    }

    func ship(_ body: ShipBody) async throws -> ShipmentAnswer {
        guard !body.carrier.trimmingCharacters(in: .whitespaces).isEmpty, body.carrier.count <= 100 else {
            throw ShippingRefusal(.invalid, "carrier is 1 to 100 characters", field: "carrier")
        }
        guard !body.trackingReference.trimmingCharacters(in: .whitespaces).isEmpty, body.trackingReference.count <= 100 else {
            throw ShippingRefusal(.invalid, "trackingReference is 1 to 100 characters", field: "trackingReference")
        }
        let units = try body.units.enumerated().map { try sscc($0.element, field: "units[\($0.offset)]") }
        return try await store.ship(ShipIntent(
            requestID: body.id ?? UUID(), reference: body.order, units: units, carrier: body.carrier, trackingReference: body.trackingReference))
    }

    func receive(transfer: String, _ body: TransferReceiptBody) async throws -> TransferReceiptAnswer {
        guard let text = body.sscc ?? body.scan else { throw ShippingRefusal(.invalid, "name the unit by sscc or scan", field: "sscc") }
        try requireName(body.receivedBy, field: "receivedBy")
        let findings = try (body.findings ?? []).enumerated().map { index, finding in
            if let counted = finding.counted, counted < .zero {
                throw ShippingRefusal(.invalid, "counted must not be negative", field: "findings[\(index)].counted")
            }
            if let damaged = finding.damaged, damaged < .zero {
                throw ShippingRefusal(.invalid, "damaged must not be negative", field: "findings[\(index)].damaged")
            }
            return TransferReceiptDecision.Finding(
                unit: StockUnit(item: finding.item, lot: finding.lot, serial: finding.serial), counted: finding.counted,
                damaged: finding.damaged ?? .zero, reason: finding.reason)
        }
        return try await store.receiveTransferUnit(TransferReceiptIntent(
            requestID: body.id ?? UUID(), transfer: transfer, sscc: try sscc(text, field: body.sscc == nil ? "scan" : "sscc"), location: body.location,
            damagedLocation: body.damagedLocation, findings: findings, receivedBy: body.receivedBy))
    }

    func close(transfer: String, _ body: CloseReceiptBody) async throws -> TransferReceiptClosed {
        try requireName(body.closedBy, field: "closedBy")
        return try await store.closeTransferReceipt(transfer: transfer, closedBy: body.closedBy)
    }

    // MARK: Helpers

    /// An SSCC as digits, in its bracketed form, or as a scanned GS1 label carrying AI (00).
    func sscc(_ text: String, field: String) throws -> SSCC {
        if let sscc = try? SSCC(text) { return sscc }
        guard text.count > 18 else { throw ShippingRefusal(.invalid, "\"\(text)\" is not an SSCC: 18 digits with a valid check digit", field: field) }
        let message: GS1Message
        do { message = try parser.parse(text) } catch {
            throw ProblemDetails(code: "invalid-scan", title: "Invalid scan", status: 422, detail: error.description, field: field)
        }
        guard let digits = message.sscc else { throw ShippingRefusal(.invalid, "the scan carries no SSCC (AI 00)", field: field) }
        do { return try SSCC(digits) } catch { throw ShippingRefusal(.invalid, error.description, field: field) }
    }

    private func requireName(_ name: String, field: String) throws {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 100 else {
            throw ShippingRefusal(.invalid, "\(field) names who did it: 1 to 100 characters", field: field)
        }
    }
}
