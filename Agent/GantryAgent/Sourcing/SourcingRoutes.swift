import Foundation
import GantryCore
import Hummingbird

/// Supplier commitments, late lines, alerts and returns through the local API (docs/sourcing.md).
struct SourcingRoutes: Sendable {
    let store: any SourcingStore
    let limit: Int
    let inventory: InventoryRoutes
    let confirmWithin: Duration

    func add(to router: Router<BasicRequestContext>) {
        router.post("/v1/purchase-orders/:order/lines/:line/confirmation") { request, context in
            var request = request
            let body = try await request.decodeJSON(ConfirmationBody.self, limit: limit)
            guard let line = context.parameters.decoded("line").flatMap(Int.init) else {
                throw ProblemDetails(code: "invalid-request", title: "Invalid request", status: 422, detail: "the line is a number")
            }
            let order = context.parameters.decoded("order") ?? ""
            let delay = try await store.recordCommitment(order: order, line: line, due: body.due, quantity: body.quantity)
            return try jsonResponse(ConfirmationAnswer(order: order, line: line, due: body.due, quantity: body.quantity, delay: delay))
        }
        router.get("/v1/purchase-orders/exceptions") { _, _ in
            try jsonResponse(["exceptions": try await store.purchaseExceptions(unconfirmedAfter: confirmWithin.seconds)])
        }
        router.get("/v1/alerts") { _, _ in
            try jsonResponse(["alerts": try await store.alerts()])
        }
        router.post("/v1/returns") { request, _ in
            var request = request
            let body = try await request.decodeJSON(WithUnit<ReturnFields>.self, limit: limit)
            let intent = IssueIntent(requestID: body.fields.id ?? UUID(), workOrder: body.fields.order, unit: try inventory.unit(body.unit), from: body.fields.from)
            let moved = try await store.returnToSupplier(intent, reason: body.fields.reason)
            return try jsonResponse(moved, status: moved.duplicate ? .ok : .created)
        }
    }
}

struct ConfirmationBody: Decodable, Sendable {
    var due: String
    var quantity: Quantity
}

struct ConfirmationAnswer: Encodable, Sendable {
    var order: String
    var line: Int
    var due: String
    var quantity: Quantity
    /// Set when the confirmed date is later than the work orders fed by the line need it (an alert was raised).
    var delay: PurchaseLineException?
}

struct ReturnFields: Decodable, Sendable {
    var id: UUID?
    /// The purchase order line, `ORDER/LINE`, the goods go back against.
    var order: String
    var from: String
    var reason: String
}
