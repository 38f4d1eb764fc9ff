import Foundation
import GantryCore
import GRDB

/// Requests for approval under the hub's policies, and the hub's instructions to this plant (docs/approvals.md).
extension SQLitePlantStore {
    /// Asks for approval of an expedite, an exceptional buy or a purchase order. The governing policy (by
    /// subject and the supplier's categories) sets which roles may approve the amount and whether the plant
    /// decides it itself (within its limit, offline too) or the hub does.
    public func requestApproval(_ draft: ApprovalDraft, by user: PlantUser) async throws -> ApprovalRecord {
        let at = now()
        return try await writer.write { [plantID] db in
            let reason = draft.reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...500).contains(reason.count) else { throw ProductionRefusal(.invalid, "reason: say why, in at most 500 characters") }
            guard let amount = DecimalText.parse(draft.amount), amount > 0, amount < 1_000_000_000_000 else {
                throw ProductionRefusal(.invalid, "amount: a positive decimal such as \"1250.00\"")
            }
            if draft.subject == .expedite {
                guard draft.line != nil else { throw ProductionRefusal(.invalid, "line: an expedite is for one purchase order line") }
                guard let wanted = draft.neededBy, DemandInstruction.day(wanted) != nil else {
                    throw ProductionRefusal(.invalid, "neededBy: an expedite says when the goods are wanted, YYYY-MM-DD")
                }
            }
            guard let line = try Row.fetchOne(db, sql: """
                SELECT supplier, item FROM purchase_order_lines WHERE purchase_order = ? AND (?2 IS NULL OR line = ?2) ORDER BY line LIMIT 1
                """, arguments: [draft.purchaseOrder, draft.line]) else {
                throw ProductionRefusal(.notFound, "no purchase order \(draft.purchaseOrder)\(draft.line.map { " line \($0)" } ?? "")")
            }
            let supplier: String = line["supplier"]
            var categories: [String] = []
            if let record = try Self.master(.supplier, supplier, in: db), case .object(let data) = record.data,
               case .array(let values)? = data["categories"] {
                categories = values.compactMap { if case .string(let code) = $0 { code } else { nil } }
            }
            let policies = try Row.fetchAll(db, sql: "SELECT * FROM hub_masters WHERE kind = ?", arguments: [MasterKind.approvalPolicy.rawValue])
                .compactMap(Self.heldMaster).compactMap(ApprovalPolicy.init)
            let company = PlantIdentity.company(of: plantID)
            guard let policy = ApprovalPolicy.governing(policies, subject: draft.subject, company: company, supplierCategories: categories) else {
                throw ProductionRefusal(.invalid, "no approval policy for \(draft.subject.rawValue)"
                    + (categories.isEmpty ? "" : " (supplier categories \(categories.joined(separator: ", ")))")
                    + " in this plant's masters; the hub's approval-policy masters govern who approves")
            }
            let currency = draft.currency ?? policy.currency
            guard currency == policy.currency else {
                throw ProductionRefusal(.invalid, "currency: policy \(policy.key) is in \(policy.currency), not \(currency)")
            }
            let tier = policy.tier(for: amount)
            let number = (try Int.fetchOne(db, sql: "SELECT count(*) FROM approvals") ?? 0) + 1
            let request = ApprovalRequested(
                approval: "APR-\(number)", subject: draft.subject, purchaseOrder: draft.purchaseOrder, line: draft.line, supplier: supplier,
                item: draft.line == nil ? nil : line["item"], amount: "\(amount)", currency: currency, policy: policy.key, tier: tier,
                approvingRoles: policy.approvingRoles(tier: tier), route: policy.decidedAtPlant(amount) ? .plant : .hub,
                requestedBy: user.name, requesterRole: user.role, reason: reason, neededBy: draft.neededBy)
            try db.execute(sql: "INSERT INTO approvals (approval_id, request, state, requested_at) VALUES (?, ?, 'pending', ?)",
                           arguments: [request.approval, try request.payloadJSON(), Timestamp.format(at)])
            _ = try Self.append(request, occurredAt: at, recordedAt: at, in: db)
            // Whoever approves hears of it: an alert, out as a signed webhook like every other.
            try Self.raiseAlert(
                kind: "approval-requested", key: "approval-requested:\(request.approval)",
                summary: "\(user.name) asks for approval of \(request.subject.rawValue) on \(request.purchaseOrder)"
                    + (request.line.map { "/\($0)" } ?? "") + ": \(request.amount) \(request.currency), decided "
                    + (request.route == .plant ? "at the plant" : "at the hub") + " by " + request.approvingRoles.map(\.rawValue).joined(separator: " or "),
                details: try JSONValue.encoding(request), at: at, in: db)
            return try Self.approval(request.approval, in: db, plant: plantID)
        }
    }

    /// Decides a request within the plant's limit: by a role its policy names for the amount, never by who asked.
    public func decideApproval(_ id: String, verdict: ApprovalVerdict, comment: String?, by user: PlantUser) async throws -> ApprovalRecord {
        let at = now()
        return try await writer.write { [plantID] db in
            guard (comment?.count ?? 0) <= 1000 else { throw ProductionRefusal(.invalid, "comment: at most 1000 characters") }
            let held = try Self.approval(id, in: db, plant: plantID)
            if let refusal = ApprovalRefusal.check(decider: user.name, role: user.role, at: .plant, request: held.request, state: held.state) {
                throw refusal
            }
            try Self.decide(ApprovalDecided(
                approval: id, verdict: verdict, decidedBy: user.name, role: user.role, place: .plant, decidedAt: at, comment: comment), at: at, in: db)
            return try Self.approval(id, in: db, plant: plantID)
        }
    }

    public func approvals(state: String?) async throws -> [ApprovalRecord] {
        try await pool.read { [plantID] db in
            try Row.fetchAll(db, sql: "SELECT * FROM approvals WHERE ?1 IS NULL OR state = ?1 ORDER BY requested_at DESC, approval_id DESC",
                             arguments: [state]).map { try Self.approval($0, plant: plantID) }
        }
    }

    public func approval(_ id: String) async throws -> ApprovalRecord {
        try await pool.read { [plantID] db in try Self.approval(id, in: db, plant: plantID) }
    }

    // MARK: Instructions from the hub

    public func instructionsApplied() async throws -> Int64 {
        try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT applied_through FROM hub_instruction_progress") ?? 0 }
    }

    /// Applies the hub's instructions after the newest applied, in order, in one transaction with the progress:
    /// demand becomes a planned work order (or a refusal saying why), a decision settles its request. Each
    /// answer is an event, so the hub learns the outcome with the plant's log.
    public func applyInstructions(_ instructions: [PlantInstruction], defaults: DemandDefaults) async throws {
        let at = now()
        try await writer.write { [plantID] db in
            var applied = try Int64.fetchOne(db, sql: "SELECT applied_through FROM hub_instruction_progress") ?? 0
            for instruction in instructions.sorted(by: { $0.sequence < $1.sequence }) where instruction.sequence > applied {
                guard instruction.sequence == applied + 1 else {
                    throw ProductionRefusal(.invalid, "instruction \(instruction.sequence) does not follow \(applied): the hub's numbers have a gap")
                }
                guard instruction.plant == plantID else {
                    throw ProductionRefusal(.invalid, "instruction \(instruction.sequence) is for plant \(instruction.plant), not \(plantID)")
                }
                switch instruction.kind {
                case .demand:
                    if let demand = try? instruction.decode(DemandInstruction.self) {
                        try Self.plan(demand, instruction: instruction.sequence, defaults: defaults, at: at, in: db)
                    } else {
                        _ = try Self.append(DemandAnswered(
                            reference: instruction.reference, instruction: instruction.sequence, accepted: false, workOrder: nil,
                            plannedFinish: nil, reason: "this agent cannot read the demand"), occurredAt: at, recordedAt: at, in: db)
                    }
                case .approvalDecision:
                    // Only a request waiting for the hub takes the hub's decision; anything else was settled already.
                    // A decision this agent cannot read, or for a request it does not hold, has nothing to settle.
                    if let decision = try? instruction.decode(ApprovalDecisionInstruction.self),
                       let row = try Row.fetchOne(db, sql: "SELECT * FROM approvals WHERE approval_id = ?", arguments: [decision.approval]),
                       case let held = try Self.approval(row, plant: plantID), held.state == "pending", held.request.route == .hub {
                        try Self.decide(ApprovalDecided(
                            approval: decision.approval, verdict: decision.verdict, decidedBy: decision.decidedBy, role: decision.role,
                            place: .hub, decidedAt: decision.decidedAt, comment: decision.comment), at: at, in: db)
                    }
                }
                applied = instruction.sequence
            }
            try db.execute(sql: "UPDATE hub_instruction_progress SET applied_through = ?", arguments: [applied])
        }
    }

    /// Plans a work order for demand from the hub, or records why it cannot be planned.
    private static func plan(_ demand: DemandInstruction, instruction: Int64, defaults: DemandDefaults, at: Date, in db: Database) throws {
        let workOrder = "HUB-\(instruction)"
        var answer = DemandAnswered(reference: demand.reference, instruction: instruction, accepted: false, workOrder: nil, plannedFinish: nil, reason: nil)
        if let problem = demand.problems.first {
            answer.reason = "\(problem.field): \(problem.detail)"
        } else if let source = demand.sourceLocation ?? defaults.sourceLocation, let output = demand.outputLocation ?? defaults.outputLocation {
            do {
                // A refusal leaves nothing behind: the attempt runs in a savepoint.
                try db.inSavepoint {
                    let order = try createWorkOrder(
                        workOrder, item: demand.item, quantity: demand.quantity, due: DemandInstruction.day(demand.due), source: source,
                        output: output, earliest: at, at: at, in: db)
                    answer.accepted = true
                    answer.workOrder = workOrder
                    answer.plannedFinish = order.plannedFinish
                    return .commit
                }
            } catch let refusal as ProductionRefusal {
                answer.reason = refusal.detail
            } catch let refusal as InventoryRefusal {
                answer.reason = refusal.detail
            }
        } else {
            answer.reason = "the demand names no source and output locations and workorders.demand_source_location / "
                + "workorders.demand_output_location are not set at this plant"
        }
        _ = try append(answer, occurredAt: at, recordedAt: at, in: db)
    }

    private static func decide(_ decision: ApprovalDecided, at: Date, in db: Database) throws {
        try db.execute(sql: "UPDATE approvals SET state = ?, decision = ?, decided_at = ? WHERE approval_id = ?",
                       arguments: [decision.verdict.rawValue, try decision.payloadJSON(), Timestamp.format(decision.decidedAt), decision.approval])
        _ = try append(decision, occurredAt: at, recordedAt: at, in: db)
        // The requester hears of it.
        try raiseAlert(
            kind: "approval-decided", key: "approval-decided:\(decision.approval)",
            summary: "\(decision.approval) \(decision.verdict.rawValue) by \(decision.decidedBy) (\(decision.role.rawValue)) at the \(decision.place.rawValue)",
            details: try JSONValue.encoding(decision), at: at, in: db)
    }

    private static func approval(_ id: String, in db: Database, plant: String) throws -> ApprovalRecord {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM approvals WHERE approval_id = ?", arguments: [id]) else {
            throw ProductionRefusal(.notFound, "no approval \(id)")
        }
        return try approval(row, plant: plant)
    }

    private static func approval(_ row: Row, plant: String) throws -> ApprovalRecord {
        try ApprovalRecord.stored(
            plant: plant, request: row["request"], state: row["state"], requestedAt: Timestamp.parse(row["requested_at"]) ?? .distantPast,
            decision: row["decision"])
    }
}

/// What a request for approval says, as the local API takes it.
public struct ApprovalDraft: Sendable, Equatable, Codable {
    public var subject: ApprovalSubject
    public var purchaseOrder: String
    public var line: Int?
    public var amount: String
    public var currency: String?
    public var reason: String
    public var neededBy: String?
}

/// Where a work order for the hub's demand takes components from and puts output, unless the demand says.
public struct DemandDefaults: Sendable, Equatable {
    public var sourceLocation: String?
    public var outputLocation: String?

    public init(sourceLocation: String? = nil, outputLocation: String? = nil) {
        self.sourceLocation = sourceLocation
        self.outputLocation = outputLocation
    }
}
