import GantryCore
import Hummingbird

/// Every route of the agent's local API and what its caller must be, listed once. The routes themselves are
/// registered by their domains (`InventoryRoutes`, `WorkOrderRoutes`, …); the endpoint tests walk the router
/// against this table both ways, so a route cannot ship without its rule, nor a rule outlive its route, and
/// they ask each route without a token to check the rule holds.
public struct AgentEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// What a route asks of its caller.
    public enum Access: Sendable, Hashable {
        /// Whoever reaches the port: the local API trusts the terminal that calls it (it listens on loopback
        /// by default; docs/work-orders.md "Known limits").
        case local
        /// Like `local`, but an override in the body (`{"override": {"reason"}}`) needs a plant user's bearer
        /// token whose role is in `workorders.override_roles` (`401 unauthenticated`, `403 no-users`,
        /// `403 override-not-permitted`).
        case localWithOverride
        /// A plant user's bearer token (`users.file`), any role; the route may check the role further
        /// (`403 segregation-of-duties`, `role-not-permitted`). `401 unauthenticated` without one, `403 no-users`
        /// when the agent has no users file.
        case plantUser
        /// Nobody: global masters change only at the hub (`405 governed-at-hub`).
        case governedAtHub
    }

    public var method: HTTPRequest.Method
    /// The path pattern (`:name` is a parameter).
    public var path: String
    public var access: Access
    /// Where the route is documented: a file in docs/ and a heading's anchor.
    public var doc: String

    init(_ method: HTTPRequest.Method, _ path: String, _ access: Access, _ doc: String) {
        self.method = method
        self.path = path
        self.access = access
        self.doc = doc
    }

    public var description: String { "\(method) \(path)" }
}

extension AgentEndpoint {
    /// The agent's routes, by domain.
    public static let all: [AgentEndpoint] = health + scans + machines + inventory + production + sourcing + shipping + approvals + masters

    static let health: [AgentEndpoint] = [
        .init(.get, "/healthz", .local, "http-api.md#get-healthz"),
        .init(.get, "/v1/status", .local, "http-api.md#get-v1status"),
        .init(.get, "/v1/dead-letters", .local, "http-api.md#get-v1dead-letterslimitn"),
        .init(.get, "/metrics", .local, "operations.md#metrics"),
    ]

    static let scans: [AgentEndpoint] = [
        .init(.post, "/v1/scans", .local, "http-api.md#post-v1scans"),
    ]

    static let machines: [AgentEndpoint] = [
        .init(.get, "/v1/reports/machine-time", .local, "http-api.md#get-v1reportsmachine-timefromt1tot2"),
        .init(.get, "/v1/downtime", .local, reliability),
        .init(.get, "/v1/reports/reliability", .local, reliability),
        .init(.get, "/v1/maintenance/requests", .local, maintenance),
        .init(.post, "/v1/maintenance/requests", .local, maintenance),
        .init(.post, "/v1/maintenance/requests/:id/complete", .local, maintenance),
        .init(.get, "/v1/maintenance/plans", .local, maintenance),
        .init(.post, "/v1/maintenance/plans", .local, maintenance),
    ]
    private static let reliability = "http-api.md#get-v1downtimefromt1tot2-and-get-v1reportsreliabilityfromt1tot2"
    private static let maintenance = "http-api.md#v1maintenancerequests-v1maintenanceplans"

    static let inventory = routes(.local, "http-api.md#inventory", [
        (.post, "/v1/locations"), (.get, "/v1/locations"),
        (.post, "/v1/purchase-orders"), (.get, "/v1/purchase-orders"),
        (.post, "/v1/receipts"), (.post, "/v1/moves"), (.get, "/v1/moves"), (.post, "/v1/issues"), (.post, "/v1/outputs"),
        (.post, "/v1/counts"), (.get, "/v1/counts"),
        (.post, "/v1/reservations"), (.get, "/v1/reservations"), (.post, "/v1/reservations/:workOrder/release"),
        (.post, "/v1/lots/:item/:lot/quarantine"), (.post, "/v1/lots/:item/:lot/release"),
        (.get, "/v1/stock"), (.get, "/v1/genealogy"),
    ])

    static let production = routes(.local, "http-api.md#work-orders", [
        (.post, "/v1/work-centres"), (.put, "/v1/boms/:item"), (.get, "/v1/boms/:item/explosion"),
        (.put, "/v1/routings/:item"), (.post, "/v1/quality-points"), (.post, "/v1/quality-checks"), (.get, "/v1/nonconformances"),
        (.post, "/v1/work-orders"), (.get, "/v1/work-orders"), (.get, "/v1/work-orders/:id"),
        (.post, "/v1/work-orders/:id/operations/:sequence/start"), (.post, "/v1/work-orders/:id/operations/:sequence/pause"),
        (.post, "/v1/work-orders/:id/operations/:sequence/resume"), (.post, "/v1/work-orders/:id/operations/:sequence/finish"),
        (.post, "/v1/work-orders/:id/output"), (.post, "/v1/work-orders/:id/complete"),
        (.get, "/v1/work-orders/:id/readiness"), (.get, "/v1/readiness"),
        (.patch, "/v1/purchase-orders/:order/lines/:line"),
    ]) + routes(.localWithOverride, "work-orders.md#life-of-a-work-order", [
        (.post, "/v1/work-orders/:id/release"), (.post, "/v1/work-orders/:id/consume"),
    ])

    static let sourcing: [AgentEndpoint] = [
        .init(.post, "/v1/purchase-orders/:order/lines/:line/confirmation", .local, "sourcing.md#supplier-commitments-and-late-lines"),
        .init(.get, "/v1/purchase-orders/exceptions", .local, "sourcing.md#supplier-commitments-and-late-lines"),
        .init(.get, "/v1/alerts", .local, "sourcing.md#alerts-and-webhooks"),
        .init(.post, "/v1/returns", .local, "sourcing.md#incoming-inspection"),
        .init(.get, "/v1/reorder/rules", .local, "http-api.md#reorder-rules"),
        .init(.put, "/v1/reorder/rules/:item", .local, "http-api.md#reorder-rules"),
        .init(.delete, "/v1/reorder/rules/:item", .local, "http-api.md#reorder-rules"),
        .init(.get, "/v1/reorder/proposals", .local, "http-api.md#reorder-rules"),
        .init(.post, "/v1/reorder/run", .local, "http-api.md#reorder-rules"),
    ]

    static let shipping = routes(.local, "shipping.md#at-the-plant", [
        (.get, "/v1/outbound-orders"), (.post, "/v1/outbound-orders/:order/pick-list"),
        (.post, "/v1/logistic-units"), (.get, "/v1/logistic-units"), (.post, "/v1/logistic-units/:sscc/contents"),
        (.post, "/v1/shipments"),
        (.get, "/v1/inbound-transfers"), (.post, "/v1/inbound-transfers/:transfer/receipts"), (.post, "/v1/inbound-transfers/:transfer/close"),
    ])

    static let approvals = routes(.plantUser, "approvals.md#requests-for-approval", [
        (.post, "/v1/approvals"), (.get, "/v1/approvals"), (.get, "/v1/approvals/:id"), (.post, "/v1/approvals/:id/decision"),
    ])

    static let masters: [AgentEndpoint] = [
        .init(.get, "/v1/masters", .local, mastersDoc),
        .init(.get, "/v1/masters/:kind/:key", .local, mastersDoc),
    ] + [HTTPRequest.Method.put, .post, .patch, .delete].flatMap { method in
        ["/v1/masters", "/v1/masters/:kind/:key"].map { AgentEndpoint(method, $0, .governedAtHub, mastersDoc) }
    }
    private static let mastersDoc = "http-api.md#get-v1masterskindk-and-get-v1masterskindkey"

    /// Routes sharing one rule and one doc anchor.
    private static func routes(_ access: Access, _ doc: String, _ routes: [(HTTPRequest.Method, String)]) -> [AgentEndpoint] {
        routes.map { AgentEndpoint($0.0, $0.1, access, doc) }
    }
}
