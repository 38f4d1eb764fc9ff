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
            let request = try ApprovalRequest.decide(draft, by: user.name, role: user.role, snapshot: try Self.approvalSnapshot(
                for: draft, company: PlantIdentity.company(of: plantID), in: db))
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

    /// What `ApprovalRequest` decides on: the order line's supplier and item, the supplier's categories, the
    /// approval policies held and the next request number.
    private static func approvalSnapshot(for draft: ApprovalDraft, company: String, in db: Database) throws -> ApprovalRequest.Snapshot {
        let line = try PurchaseOrderLineParty.fetchOne(db, sql: """
            SELECT supplier, item FROM purchase_order_lines WHERE purchase_order = ? AND (?2 IS NULL OR line = ?2) ORDER BY line LIMIT 1
            """, arguments: [draft.purchaseOrder, draft.line])
        let categories = try line.flatMap { try Self.master(.supplier, $0.supplier, in: db) }.flatMap(SupplierMaster.init)?.categories ?? []
        let policies = try Self.heldMasters(of: .approvalPolicy, in: db).compactMap(ApprovalPolicy.init)
        let number = (try Int.fetchOne(db, sql: "SELECT count(*) FROM approvals") ?? 0) + 1
        return ApprovalRequest.Snapshot(
            supplier: line?.supplier, item: line?.item, supplierCategories: categories, policies: policies, company: company, number: number)
    }

    /// Decides a request within the plant's limit: by a role its policy names for the amount, never by who asked.
    public func decideApproval(_ id: String, verdict: ApprovalVerdict, comment: String?, by user: PlantUser) async throws -> ApprovalRecord {
        let at = now()
        return try await writer.write { [plantID] db in
            let held = try ApprovalRow.fetchOne(db, sql: "SELECT * FROM approvals WHERE approval_id = ?", arguments: [id])?.record(plant: plantID)
            let decision = try ApprovalDecision.decide(verdict, comment: comment, by: user.name, role: user.role, at: at, approval: id, held: held)
            try Self.decide(decision, at: at, in: db)
            return try Self.approval(id, in: db, plant: plantID)
        }
    }

    public func approvals(state: String?) async throws -> [ApprovalRecord] {
        try await pool.read { [plantID] db in
            try ApprovalRow.fetchAll(db, sql: "SELECT * FROM approvals WHERE ?1 IS NULL OR state = ?1 ORDER BY requested_at DESC, approval_id DESC",
                                     arguments: [state]).map { try $0.record(plant: plantID) }
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
                try instruction.checkApplicable(after: applied, at: plantID)
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
                       let row = try ApprovalRow.fetchOne(db, sql: "SELECT * FROM approvals WHERE approval_id = ?", arguments: [decision.approval]),
                       case let held = try row.record(plant: plantID), held.state == "pending", held.request.route == .hub {
                        try Self.decide(ApprovalDecided(
                            approval: decision.approval, verdict: decision.verdict, decidedBy: decision.decidedBy, role: decision.role,
                            place: .hub, decidedAt: decision.decidedAt, comment: decision.comment), at: at, in: db)
                    }
                case .customerOrder: try Self.takeCustomerOrder(instruction, at: at, in: db)
                case .transferOut: try Self.takeTransferOut(instruction, at: at, in: db)
                case .transferIn: try Self.expectTransfer(instruction, at: at, in: db)
                case .inboundShipment: try Self.expectUnits(instruction, at: at, in: db)
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
        guard let row = try ApprovalRow.fetchOne(db, sql: "SELECT * FROM approvals WHERE approval_id = ?", arguments: [id]) else {
            throw SourcingRefusal(.notFound, "no approval \(id)")
        }
        return try row.record(plant: plant)
    }
}

/// A row of `approvals`: the request and decision as their events' canonical JSON.
struct ApprovalRow: Decodable, FetchableRecord {
    var approvalId: String
    var request: String
    var state: String
    var requestedAt: String
    var decision: String?

    enum CodingKeys: String, CodingKey {
        case approvalId = "approval_id", request, state, requestedAt = "requested_at", decision
    }

    func record(plant: String) throws -> ApprovalRecord {
        try ApprovalRecord.stored(
            plant: plant, request: request, state: state, requestedAt: Timestamp.parse(requestedAt) ?? .distantPast, decision: decision)
    }
}

/// Who a purchase order line is with and for what.
struct PurchaseOrderLineParty: Decodable, FetchableRecord {
    var supplier: String
    var item: String
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
