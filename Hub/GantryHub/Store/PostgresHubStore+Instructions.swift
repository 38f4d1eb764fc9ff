import Foundation
import GantryCore
import PostgresNIO

/// Instructions to plants and requests for approval (docs/approvals.md).
extension PostgresHubStore {
    static let instructionColumns = "plant_id, seq, kind, reference, body::text, issued_at, issued_by, answer::text"
    private static let approvalColumns = "a.plant_id, a.request::text, a.state, a.requested_at, a.decision::text"

    /// Takes the locks under which instruction numbers of `plants` are handed out, one at a time per plant, until the
    /// transaction ends. They are not the plants' rows, which a batch holds while it applies: a batch that hands the
    /// receiving plant of a transfer its instruction would otherwise hold its own plant's row and wait for the other's,
    /// while that plant's batch does the reverse (a deadlock). Every transaction takes these after any row lock and all
    /// it needs at once, in plant order, so they never wait on each other in a circle.
    static func lockInstructionNumbers(of plants: some Sequence<String>, _ connection: PostgresConnection, logger: Logger) async throws {
        for plant in Set(plants).sorted() {
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtextextended(\("gantry-instructions:" + plant), 0))", logger: logger)
        }
    }

    public func issueInstruction(_ draft: InstructionDraft, audit: AuditDraft) async throws -> (instruction: PlantInstruction, created: Bool) {
        try await transaction { [logger] connection in
            // Numbers per plant are handed out one at a time.
            try await Self.lockInstructionNumbers(of: [draft.plant], connection, logger: logger)
            let held = try await Self.instructions(connection.query("""
                SELECT \(unescaped: Self.instructionColumns) FROM plant_instructions
                WHERE plant_id = \(draft.plant) AND kind = \(draft.kind.rawValue) AND reference = \(draft.reference)
                """, logger: logger))
            if let held = held.first { return (held, false) }
            let sequence = try await Self.nextInstruction(draft.plant, connection, logger: logger)
            try await connection.query("""
                INSERT INTO plant_instructions (plant_id, seq, kind, reference, body, issued_at, issued_by)
                VALUES (\(draft.plant), \(sequence), \(draft.kind.rawValue), \(draft.reference), \(draft.body.canonicalText)::jsonb,
                        \(draft.issuedAt), \(draft.issuedBy))
                """, logger: logger)
            try await Self.appendAudit(audit, at: draft.issuedAt, in: connection, logger: logger)
            return (draft.numbered(sequence), true)
        }
    }

    public func instructions(plantID: String, kind: PlantInstruction.Kind?, after: Int64, limit: Int) async throws -> [PlantInstruction] {
        try await run { [logger] client in
            try await Self.instructions(client.query("""
                SELECT \(unescaped: Self.instructionColumns) FROM plant_instructions
                WHERE plant_id = \(plantID) AND (\(kind?.rawValue)::text IS NULL OR kind = \(kind?.rawValue)) AND seq > \(after)
                ORDER BY seq LIMIT \(limit)
                """, logger: logger))
        }
    }

    public func latestInstruction(plantID: String) async throws -> Int64 {
        try await run { [logger] client in
            var latest: Int64 = 0
            for try await value in try await client.query(
                "SELECT coalesce(max(seq), 0)::bigint FROM plant_instructions WHERE plant_id = \(plantID)", logger: logger
            ).decode(Int64.self) {
                latest = value
            }
            return latest
        }
    }

    public func approvals(plantID: String?, state: String?, scope: CompanyScope) async throws -> [ApprovalRecord] {
        let scoped = PostgresCompanyFilter(scope)
        return try await run { [logger] client in
            try await Self.approvals(client.query("""
                SELECT \(unescaped: Self.approvalColumns) FROM approval_requests a JOIN plants p ON p.plant_id = a.plant_id
                WHERE (\(plantID)::text IS NULL OR a.plant_id = \(plantID)) AND (\(state)::text IS NULL OR a.state = \(state))
                  AND (\(scoped.everyCompany) OR p.company = ANY(\(scoped.companies)))
                ORDER BY a.requested_at DESC, a.plant_id, a.approval_id LIMIT 1000
                """, logger: logger))
        }
    }

    public func decideApproval(
        plantID: String, approval: String, decision: ApprovalDecisionInstruction,
        check: @escaping @Sendable (ApprovalRequested, String) throws -> Void, audit: AuditDraft
    ) async throws -> PlantInstruction {
        try await transaction { [logger] connection in
            try await connection.query("SELECT 1 FROM plants WHERE plant_id = \(plantID) FOR NO KEY UPDATE", logger: logger)
            let held = try await Self.approvals(connection.query("""
                SELECT \(unescaped: Self.approvalColumns) FROM approval_requests a
                WHERE a.plant_id = \(plantID) AND a.approval_id = \(approval) FOR UPDATE
                """, logger: logger))
            guard let request = held.first else { throw HubStoreError(.notFound, "no request for approval \(approval) from plant \(plantID)") }
            try check(request.request, request.state)
            try await Self.lockInstructionNumbers(of: [plantID], connection, logger: logger)
            let decided = ApprovalDecided(
                approval: approval, verdict: decision.verdict, decidedBy: decision.decidedBy, role: decision.role, place: .hub,
                decidedAt: decision.decidedAt, comment: decision.comment)
            try await connection.query("""
                UPDATE approval_requests SET state = \(decision.verdict.rawValue), decision = \(try decided.payloadJSON())::jsonb,
                    decided_at = \(decision.decidedAt)
                WHERE plant_id = \(plantID) AND approval_id = \(approval)
                """, logger: logger)
            let sequence = try await Self.nextInstruction(plantID, connection, logger: logger)
            let instruction = PlantInstruction(
                plant: plantID, sequence: sequence, kind: .approvalDecision, reference: approval, body: try JSONValue.encoding(decision),
                issuedAt: decision.decidedAt, issuedBy: decision.decidedBy)
            try await connection.query("""
                INSERT INTO plant_instructions (plant_id, seq, kind, reference, body, issued_at, issued_by)
                VALUES (\(plantID), \(sequence), \(instruction.kind.rawValue), \(approval), \(instruction.body.canonicalText)::jsonb,
                        \(decision.decidedAt), \(decision.decidedBy))
                """, logger: logger)
            try await Self.appendAudit(audit, at: decision.decidedAt, in: connection, logger: logger)
            return instruction
        }
    }

    static func nextInstruction(_ plant: String, _ connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        var next: Int64 = 1
        for try await value in try await connection.query(
            "SELECT coalesce(max(seq), 0)::bigint + 1 FROM plant_instructions WHERE plant_id = \(plant)", logger: logger
        ).decode(Int64.self) {
            next = value
        }
        return next
    }

    static func instructions(_ rows: PostgresRowSequence) async throws -> [PlantInstruction] {
        var instructions: [PlantInstruction] = []
        for try await (plant, sequence, kind, reference, body, issuedAt, issuedBy, answer) in rows
            .decode((String, Int64, String, String, String, Date, String, String?).self) {
            instructions.append(try PlantInstruction.stored(
                plant: plant, sequence: sequence, kind: kind, reference: reference, body: body, issuedAt: issuedAt, issuedBy: issuedBy,
                answer: answer))
        }
        return instructions
    }

    private static func approvals(_ rows: PostgresRowSequence) async throws -> [ApprovalRecord] {
        var approvals: [ApprovalRecord] = []
        for try await (plant, request, state, requestedAt, decision) in rows.decode((String, String, String, Date, String?).self) {
            approvals.append(try ApprovalRecord.stored(plant: plant, request: request, state: state, requestedAt: requestedAt, decision: decision))
        }
        return approvals
    }
}
