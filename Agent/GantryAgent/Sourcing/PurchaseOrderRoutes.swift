import Foundation
import GantryCore
import Hummingbird

/// Purchase orders through the local API (docs/sourcing.md): placing one, and listing lines with what was
/// received and returned against them.
struct PurchaseOrderRoutes: Sendable {
    let store: any PurchaseOrders
    let limit: Int

    func add(to router: Router<BasicRequestContext>) {
        // Orders may be large (thousands of lines); a reused order number answers 409 like a reused request id.
        router.post("/v1/purchase-orders") { request, _ in
            var request = request
            return try jsonResponse(
                try await placePurchaseOrder(request.decodeJSON(PurchaseOrderBody.self, limit: max(limit, 16 << 20))), status: .created)
        }
        router.get("/v1/purchase-orders") { request, _ in
            try jsonResponse(try await purchaseOrderLines(order: request.uri.queryParameters["order"].map(String.init)))
        }
    }

    /// `POST /v1/purchase-orders`: the order as placed.
    func placePurchaseOrder(_ body: PurchaseOrderBody) async throws -> PurchaseOrderPlaced {
        let order = PurchaseOrderPlaced(order: body.order, supplier: body.supplier, lines: body.lines.map { line in
            PurchaseOrderLine(line: line.line, item: line.item, quantity: line.quantity, tolerancePercent: line.tolerancePercent ?? .zero, due: line.due)
        })
        try await store.placePurchaseOrder(order)
        return order
    }

    /// `GET /v1/purchase-orders?order=`: the lines of one order or of all.
    func purchaseOrderLines(order: String?) async throws -> [String: [PurchaseOrderLineRecord]] {
        ["lines": try await store.purchaseOrderLines(order: order)]
    }
}

/// The body of `POST /v1/purchase-orders`.
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
