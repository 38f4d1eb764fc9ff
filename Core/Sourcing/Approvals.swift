import Foundation

/// What a request for approval is about (the `subject` of an `approval-policy` master).
public enum ApprovalSubject: String, Sendable, Codable, CaseIterable {
    case expedite
    case exceptionalBuy = "exceptional-buy"
    case purchaseOrder = "purchase-order"
}

/// An `approval-policy` master read for deciding: which role must approve an amount, and up to which amount
/// the plant decides on its own (offline too).
public struct ApprovalPolicy: Sendable, Equatable {
    public struct Tier: Sendable, Equatable {
        /// The largest amount this tier approves; `nil` for the last, open tier.
        public var upTo: Decimal?
        public var role: Role
    }

    public var key: String
    public var company: String?
    public var subject: ApprovalSubject
    public var category: String?
    public var currency: CurrencyCode
    public var plantLimit: Decimal?
    public var tiers: [Tier]

    /// Reads a validated master; `nil` for anything else (a record of another kind, a retired one, or one that
    /// does not read).
    public init?(_ record: MasterRecord) {
        guard record.active, let master = ApprovalPolicyMaster(record), !master.tiers.isEmpty else { return nil }
        key = master.key
        company = master.company
        subject = master.subject
        category = master.category
        currency = master.currency
        plantLimit = master.plantLimit
        tiers = master.tiers.map { Tier(upTo: $0.upTo, role: $0.role) }
    }

    /// The tier an amount falls in: the first whose limit it does not exceed, else the last.
    public func tier(for amount: Decimal) -> Int {
        tiers.firstIndex { $0.upTo.map { amount <= $0 } ?? true } ?? tiers.count - 1
    }

    /// Whether the plant decides this amount itself: below (or at) its limit.
    public func decidedAtPlant(_ amount: Decimal) -> Bool {
        plantLimit.map { amount <= $0 } ?? false
    }

    /// The roles that may approve an amount of tier `tier`: its own role and those of the tiers above it, whose
    /// authority covers larger amounts.
    public func approvingRoles(tier: Int) -> [Role] {
        var roles: [Role] = []
        for candidate in tiers[min(max(tier, 0), tiers.count - 1)...].map(\.role) where !roles.contains(candidate) {
            roles.append(candidate)
        }
        return roles
    }

    /// The policy that governs a request: for its subject, one naming a category of the supplier (the first
    /// by key), else one without a category. A company's own policy wins over a shared one.
    public static func governing(
        _ policies: [ApprovalPolicy], subject: ApprovalSubject, company: String, supplierCategories: [String]
    ) -> ApprovalPolicy? {
        let candidates = policies
            .filter { $0.subject == subject && ($0.company == nil || $0.company == company) }
            .sorted { ($0.company == nil ? 1 : 0, $0.key) < ($1.company == nil ? 1 : 0, $1.key) }
        return candidates.first { $0.category.map(supplierCategories.contains) ?? false }
            ?? candidates.first { $0.category == nil }
    }
}

/// Where a request is decided.
public enum ApprovalRoute: String, Sendable, Codable {
    /// Within the plant's limit: decided at the plant, offline too.
    case plant
    /// Above it: decided at the hub, whose decision reaches the plant with its next pull.
    case hub
}

/// Approve or reject.
public enum ApprovalVerdict: String, Sendable, Codable {
    case approved
    case rejected
}

/// Why someone may not decide a request; the same rules at the plant and at the hub.
public struct ApprovalRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        /// Who asked cannot decide (segregation of duties).
        case requester = "segregation-of-duties"
        /// The decider's role is not among those the policy names for this amount.
        case role = "role-not-permitted"
        /// Decided already.
        case decided = "already-decided"
        /// Decided at the other place (plant or hub).
        case route = "wrong-place"
    }

    public var reason: Reason
    public var detail: String
    public var description: String { detail }
    /// As an HTTP answer: `403` for who decides, `409` for the request's state or place.
    public var status: Int { reason == .requester || reason == .role ? 403 : 409 }

    /// Checks a decision by `name` in `role` at `place` on a request.
    public static func check(
        decider name: String, role: Role, at place: ApprovalRoute, request: ApprovalRequested, state: String
    ) -> ApprovalRefusal? {
        if state != "pending" {
            return ApprovalRefusal(reason: .decided, detail: "approval \(request.approval) is \(state) already")
        }
        if request.route != place {
            return ApprovalRefusal(reason: .route, detail: request.route == .plant
                ? "approval \(request.approval) is within the plant's limit and is decided at the plant"
                : "approval \(request.approval) is above the plant's limit and is decided at the hub")
        }
        if name.caseInsensitiveCompare(request.requestedBy) == .orderedSame {
            return ApprovalRefusal(reason: .requester, detail: "\(name) requested approval \(request.approval) and cannot decide it")
        }
        if !request.approvingRoles.contains(role) {
            return ApprovalRefusal(reason: .role, detail: "approval \(request.approval) of \(request.amount) \(request.currency) needs "
                + request.approvingRoles.map(\.rawValue).joined(separator: " or ") + "; \(name) is \(role.rawValue)")
        }
        return nil
    }
}

/// A plant asked for approval of an expedite, an exceptional buy or a purchase order, under a hub policy.
public struct ApprovalRequested: PlantEvent {
    public static let eventType = "ApprovalRequested"
    public static let schemaVersion = 1

    public var approval: String
    public var subject: ApprovalSubject
    public var purchaseOrder: String
    public var line: Int?
    public var supplier: String
    public var item: String?
    /// The amount at stake, in the policy's currency: the surcharge of an expedite, the value of a buy.
    public var amount: String
    public var currency: String
    public var policy: String
    public var tier: Int
    public var approvingRoles: [Role]
    public var route: ApprovalRoute
    public var requestedBy: String
    public var requesterRole: Role
    public var reason: String
    /// For an expedite: the date the goods are wanted by.
    public var neededBy: String?

    public init(
        approval: String, subject: ApprovalSubject, purchaseOrder: String, line: Int?, supplier: String, item: String?,
        amount: String, currency: String, policy: String, tier: Int, approvingRoles: [Role], route: ApprovalRoute,
        requestedBy: String, requesterRole: Role, reason: String, neededBy: String?
    ) {
        self.approval = approval
        self.subject = subject
        self.purchaseOrder = purchaseOrder
        self.line = line
        self.supplier = supplier
        self.item = item
        self.amount = amount
        self.currency = currency
        self.policy = policy
        self.tier = tier
        self.approvingRoles = approvingRoles
        self.route = route
        self.requestedBy = requestedBy
        self.requesterRole = requesterRole
        self.reason = reason
        self.neededBy = neededBy
    }
}

/// A request was approved or rejected, at the plant or (arriving with the plant's pull) at the hub.
public struct ApprovalDecided: PlantEvent {
    public static let eventType = "ApprovalDecided"
    public static let schemaVersion = 1

    public var approval: String
    public var verdict: ApprovalVerdict
    public var decidedBy: String
    public var role: Role
    public var place: ApprovalRoute
    public var decidedAt: Date
    public var comment: String?

    public init(
        approval: String, verdict: ApprovalVerdict, decidedBy: String, role: Role, place: ApprovalRoute, decidedAt: Date,
        comment: String?
    ) {
        self.approval = approval
        self.verdict = verdict
        self.decidedBy = decidedBy
        self.role = role
        self.place = place
        self.decidedAt = decidedAt
        self.comment = comment
    }
}

/// A request for approval and where it stands, at the plant or at the hub.
public struct ApprovalRecord: Sendable, Equatable, Codable {
    public var plant: String
    public var request: ApprovalRequested
    /// `pending`, `approved` or `rejected`.
    public var state: String
    public var requestedAt: Date
    public var decision: ApprovalDecided?

    public init(plant: String, request: ApprovalRequested, state: String, requestedAt: Date, decision: ApprovalDecided?) {
        self.plant = plant
        self.request = request
        self.state = state
        self.requestedAt = requestedAt
        self.decision = decision
    }

    /// Reads a stored request: the request and decision as their events' canonical JSON.
    public static func stored(plant: String, request: String, state: String, requestedAt: Date, decision: String?) throws -> ApprovalRecord {
        let requested = try ApprovalRequested(payload: try JSONValue.parse(request))
        let decided = try decision.map { try ApprovalDecided(payload: try JSONValue.parse($0)) }
        return ApprovalRecord(plant: plant, request: requested, state: state, requestedAt: requestedAt, decision: decided)
    }
}

extension ApprovalRefusal: ProblemReporting {
    /// `403` for who decides (`segregation-of-duties`, `role-not-permitted`), `409` for the request's state or
    /// place (`already-decided`, `wrong-place`).
    public var problem: ProblemDetails {
        ProblemDetails(code: reason.rawValue, title: "Decision refused", status: status, detail: detail)
    }
}
