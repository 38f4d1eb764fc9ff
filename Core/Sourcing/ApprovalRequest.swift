import Foundation

/// What a request for approval says, as the local API takes it.
public struct ApprovalDraft: Sendable, Equatable, Codable {
    public var subject: ApprovalSubject
    public var purchaseOrder: String
    public var line: Int?
    public var amount: String
    public var currency: String?
    public var reason: String
    public var neededBy: String?

    public init(
        subject: ApprovalSubject, purchaseOrder: String, line: Int? = nil, amount: String, currency: String? = nil, reason: String,
        neededBy: String? = nil
    ) {
        self.subject = subject
        self.purchaseOrder = purchaseOrder
        self.line = line
        self.amount = amount
        self.currency = currency
        self.reason = reason
        self.neededBy = neededBy
    }
}

/// The rule for asking approval: which policy governs a draft, which tier its amount falls in, who may approve it
/// and where it is decided. Pure: the store reads the snapshot in its write transaction and writes the request.
public enum ApprovalRequest {
    /// What the store knows when a draft arrives.
    public struct Snapshot: Sendable, Equatable {
        /// The purchase order line the draft is about (its first line when the draft names none); nil: no such order.
        public var supplier: String?
        public var item: String?
        /// The supplier's categories (from its master), for the policy that names one.
        public var supplierCategories: [String]
        /// Every `approval-policy` master the plant holds, read.
        public var policies: [ApprovalPolicy]
        /// The plant's company.
        public var company: String
        /// The request's number: `APR-n`.
        public var number: Int

        public init(
            supplier: String?, item: String?, supplierCategories: [String], policies: [ApprovalPolicy], company: String, number: Int
        ) {
            self.supplier = supplier
            self.item = item
            self.supplierCategories = supplierCategories
            self.policies = policies
            self.company = company
            self.number = number
        }
    }

    /// The request a draft becomes, or the refusal naming what is wrong: the reason (1 to 500 characters), a
    /// positive amount below 10¹², an expedite's line and wanted-by day, the order, a governing policy and its currency.
    public static func decide(_ draft: ApprovalDraft, by name: String, role: Role, snapshot: Snapshot) throws(SourcingRefusal) -> ApprovalRequested {
        let reason = draft.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...500).contains(reason.count) else { throw SourcingRefusal(.invalid, "reason: say why, in at most 500 characters") }
        guard let amount = DecimalText.parse(draft.amount), amount > 0, amount < 1_000_000_000_000 else {
            throw SourcingRefusal(.invalid, "amount: a positive decimal such as \"1250.00\"")
        }
        if draft.subject == .expedite {
            guard draft.line != nil else { throw SourcingRefusal(.invalid, "line: an expedite is for one purchase order line") }
            guard let wanted = draft.neededBy, DemandInstruction.day(wanted) != nil else {
                throw SourcingRefusal(.invalid, "neededBy: an expedite says when the goods are wanted, YYYY-MM-DD")
            }
        }
        guard let supplier = snapshot.supplier else {
            throw SourcingRefusal(.notFound, "no purchase order \(draft.purchaseOrder)\(draft.line.map { " line \($0)" } ?? "")")
        }
        let categories = snapshot.supplierCategories
        guard let policy = ApprovalPolicy.governing(
            snapshot.policies, subject: draft.subject, company: snapshot.company, supplierCategories: categories) else {
            throw SourcingRefusal(.invalid, "no approval policy for \(draft.subject.rawValue)"
                + (categories.isEmpty ? "" : " (supplier categories \(categories.joined(separator: ", ")))")
                + " in this plant's masters; the hub's approval-policy masters govern who approves")
        }
        let currency = draft.currency ?? policy.currency.code
        guard currency == policy.currency.code else {
            throw SourcingRefusal(.invalid, "currency: policy \(policy.key) is in \(policy.currency), not \(currency)")
        }
        let tier = policy.tier(for: amount)
        return ApprovalRequested(
            approval: "APR-\(snapshot.number)", subject: draft.subject, purchaseOrder: draft.purchaseOrder, line: draft.line, supplier: supplier,
            item: draft.line == nil ? nil : snapshot.item, amount: "\(amount)", currency: currency, policy: policy.key, tier: tier,
            approvingRoles: policy.approvingRoles(tier: tier), route: policy.decidedAtPlant(amount) ? .plant : .hub,
            requestedBy: name, requesterRole: role, reason: reason, neededBy: draft.neededBy)
    }
}

/// The rule for deciding a request at the plant: a comment of at most 1000 characters, then `ApprovalRefusal.check`
/// (who may decide, where, and whether it is still pending).
public enum ApprovalDecision {
    /// The decision to record on request `approval` (`held`: as stored, nil when there is none), or why it is
    /// refused: `SourcingRefusal` for the comment or a request that does not exist, `ApprovalRefusal` for the rest.
    public static func decide(
        _ verdict: ApprovalVerdict, comment: String?, by name: String, role: Role, at date: Date, approval: String, held: ApprovalRecord?
    ) throws -> ApprovalDecided {
        guard (comment?.count ?? 0) <= 1000 else { throw SourcingRefusal(.invalid, "comment: at most 1000 characters") }
        guard let held else { throw SourcingRefusal(.notFound, "no approval \(approval)") }
        if let refusal = ApprovalRefusal.check(decider: name, role: role, at: .plant, request: held.request, state: held.state) {
            throw refusal
        }
        return ApprovalDecided(
            approval: held.request.approval, verdict: verdict, decidedBy: name, role: role, place: .plant, decidedAt: date, comment: comment)
    }
}
