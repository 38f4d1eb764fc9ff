import Foundation
import GantryCore
import GRDB

/// Instructions to plants and requests for approval (docs/approvals.md).
extension SQLiteHubStore {
    public func issueInstruction(_ draft: InstructionDraft, audit: AuditDraft) async throws -> (instruction: PlantInstruction, created: Bool) {
        try await pool.write { db in
            if let held = try Row.fetchOne(db, sql: """
                SELECT * FROM plant_instructions WHERE plant_id = ? AND kind = ? AND reference = ?
                """, arguments: [draft.plant, draft.kind.rawValue, draft.reference]) {
                return (try Self.instruction(held), false)
            }
            let sequence = try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) + 1 FROM plant_instructions WHERE plant_id = ?",
                                              arguments: [draft.plant]) ?? 1
            try db.execute(sql: """
                INSERT INTO plant_instructions (plant_id, seq, kind, reference, body, issued_at, issued_by) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [draft.plant, sequence, draft.kind.rawValue, draft.reference, draft.body.canonicalText,
                                 Timestamp.format(draft.issuedAt), draft.issuedBy])
            try Self.appendAudit(audit, at: draft.issuedAt, in: db)
            return (draft.numbered(sequence), true)
        }
    }

    public func instructions(plantID: String, kind: PlantInstruction.Kind?, after: Int64, limit: Int) async throws -> [PlantInstruction] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM plant_instructions WHERE plant_id = ? AND (?2 IS NULL OR kind = ?2) AND seq > ? ORDER BY seq LIMIT ?
                """, arguments: [plantID, kind?.rawValue, after, limit]).map(Self.instruction)
        }
    }

    public func latestInstruction(plantID: String) async throws -> Int64 {
        try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM plant_instructions WHERE plant_id = ?", arguments: [plantID]) ?? 0
        }
    }

    public func approvals(plantID: String?, state: String?, scope: CompanyScope) async throws -> [ApprovalRecord] {
        var sql = """
            SELECT a.* FROM approval_requests a JOIN plants p ON p.plant_id = a.plant_id
            WHERE (?1 IS NULL OR a.plant_id = ?1) AND (?2 IS NULL OR a.state = ?2)
            """
        var arguments: StatementArguments = [plantID, state]
        if let companies = scope.companies {
            sql += " AND p.company IN (\(Array(repeating: "?", count: companies.count).joined(separator: ", ")))"
            arguments += StatementArguments(companies.sorted())
        }
        let query = sql + " ORDER BY a.requested_at DESC, a.plant_id, a.approval_id LIMIT 1000", values = arguments
        return try await pool.read { db in try Row.fetchAll(db, sql: query, arguments: values).map(Self.approval) }
    }

    public func decideApproval(
        plantID: String, approval: String, decision: ApprovalDecisionInstruction,
        check: @escaping @Sendable (ApprovalRequested, String) throws -> Void, audit: AuditDraft
    ) async throws -> PlantInstruction {
        try await pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM approval_requests WHERE plant_id = ? AND approval_id = ?",
                                             arguments: [plantID, approval]) else {
                throw HubStoreError(.notFound, "no request for approval \(approval) from plant \(plantID)")
            }
            let held = try Self.approval(row)
            try check(held.request, held.state)
            let decided = ApprovalDecided(
                approval: approval, verdict: decision.verdict, decidedBy: decision.decidedBy, role: decision.role, place: .hub,
                decidedAt: decision.decidedAt, comment: decision.comment)
            try db.execute(sql: """
                UPDATE approval_requests SET state = ?, decision = ?, decided_at = ? WHERE plant_id = ? AND approval_id = ?
                """, arguments: [decision.verdict.rawValue, try decided.payloadJSON(), Timestamp.format(decision.decidedAt), plantID, approval])
            let sequence = try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) + 1 FROM plant_instructions WHERE plant_id = ?",
                                              arguments: [plantID]) ?? 1
            let instruction = PlantInstruction(
                plant: plantID, sequence: sequence, kind: .approvalDecision, reference: approval, body: try JSONValue.encoding(decision),
                issuedAt: decision.decidedAt, issuedBy: decision.decidedBy)
            try db.execute(sql: """
                INSERT INTO plant_instructions (plant_id, seq, kind, reference, body, issued_at, issued_by) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [plantID, sequence, instruction.kind.rawValue, approval, instruction.body.canonicalText,
                                 Timestamp.format(decision.decidedAt), decision.decidedBy])
            try Self.appendAudit(audit, at: decision.decidedAt, in: db)
            return instruction
        }
    }

    private static func instruction(_ row: Row) throws -> PlantInstruction {
        try PlantInstruction.stored(
            plant: row["plant_id"], sequence: row["seq"], kind: row["kind"], reference: row["reference"], body: row["body"],
            issuedAt: try Timestamp.parse(row["issued_at"]).orThrow("unreadable issued_at"), issuedBy: row["issued_by"], answer: row["answer"])
    }

    private static func approval(_ row: Row) throws -> ApprovalRecord {
        try ApprovalRecord.stored(
            plant: row["plant_id"], request: row["request"], state: row["state"],
            requestedAt: try Timestamp.parse(row["requested_at"]).orThrow("unreadable requested_at"), decision: row["decision"])
    }
}
