import Foundation
import GantryCore
import GRDB

/// Instructions to plants and requests for approval (docs/approvals.md).
extension SQLiteHubStore {
    public func issueInstruction(_ draft: InstructionDraft, audit: AuditDraft) async throws -> (instruction: PlantInstruction, created: Bool) {
        try await pool.write { db in
            if let held = try InstructionRow.fetchOne(db, sql: """
                SELECT * FROM plant_instructions WHERE plant_id = ? AND kind = ? AND reference = ?
                """, arguments: [draft.plant, draft.kind.rawValue, draft.reference]) {
                return (try held.record(), false)
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
            try InstructionRow.fetchAll(db, sql: """
                SELECT * FROM plant_instructions WHERE plant_id = ? AND (?2 IS NULL OR kind = ?2) AND seq > ? ORDER BY seq LIMIT ?
                """, arguments: [plantID, kind?.rawValue, after, limit]).map { try $0.record() }
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
        let scoped = SQLiteCompanyFilter(scope, column: "p.company")
        sql += scoped.and
        arguments += scoped.arguments
        let query = sql + " ORDER BY a.requested_at DESC, a.plant_id, a.approval_id LIMIT 1000", values = arguments
        return try await pool.read { db in try ApprovalRow.fetchAll(db, sql: query, arguments: values).map { try $0.record() } }
    }

    public func decideApproval(
        plantID: String, approval: String, decision: ApprovalDecisionInstruction,
        check: @escaping @Sendable (ApprovalRequested, String) throws -> Void, audit: AuditDraft
    ) async throws -> PlantInstruction {
        try await pool.write { db in
            guard let row = try ApprovalRow.fetchOne(db, sql: "SELECT * FROM approval_requests WHERE plant_id = ? AND approval_id = ?",
                                                     arguments: [plantID, approval]) else {
                throw HubStoreError(.notFound, "no request for approval \(approval) from plant \(plantID)")
            }
            let held = try row.record()
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

    /// A row of `plant_instructions`.
    struct InstructionRow: Decodable, FetchableRecord {
        var plantID: String
        var seq: Int64
        var kind: String
        var reference: String
        var body: String
        var issuedAt: String
        var issuedBy: String
        var answer: String?

        enum CodingKeys: String, CodingKey {
            case plantID = "plant_id", seq, kind, reference, body, issuedAt = "issued_at", issuedBy = "issued_by", answer
        }

        func record() throws -> PlantInstruction {
            try PlantInstruction.stored(
                plant: plantID, sequence: seq, kind: kind, reference: reference, body: body,
                issuedAt: try Timestamp.parse(issuedAt).orThrow("unreadable issued_at"), issuedBy: issuedBy, answer: answer)
        }
    }

    /// A row of `approval_requests`.
    private struct ApprovalRow: Decodable, FetchableRecord {
        var plantID: String
        var request: String
        var state: String
        var requestedAt: String
        var decision: String?

        enum CodingKeys: String, CodingKey { case plantID = "plant_id", request, state, requestedAt = "requested_at", decision }

        func record() throws -> ApprovalRecord {
            try ApprovalRecord.stored(
                plant: plantID, request: request, state: state,
                requestedAt: try Timestamp.parse(requestedAt).orThrow("unreadable requested_at"), decision: decision)
        }
    }
}
