import Foundation
import GantryCore
import GRDB

extension SQLiteHubStore {
    // MARK: Principals

    public func addPrincipal(_ principal: PrincipalRecord, tokenHash: String, audit: AuditDraft) async throws {
        try await pool.write { db in
            if let existing = try String.fetchOne(
                db, sql: "SELECT name FROM principals WHERE lower(name) = lower(?)", arguments: [principal.name]) {
                throw HubStoreError(.duplicate, existing == principal.name
                    ? "a principal named \(principal.name) exists already"
                    : "a principal named \(existing) exists already (names are unique whatever their case)")
            }
            try db.execute(sql: """
                INSERT INTO principals (name, kind, role, companies, token_hash, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    principal.name, principal.kind.rawValue, principal.role.rawValue, principal.companies.description, tokenHash,
                    Timestamp.format(principal.createdAt), principal.expiresAt.map(Timestamp.format),
                ])
            try Self.appendAudit(audit, at: principal.createdAt, in: db)
        }
    }

    public func principal(tokenHash: String) async throws -> PrincipalRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM principals WHERE token_hash = ?", arguments: [tokenHash]).map(Self.principal)
        }
    }

    public func principals() async throws -> [PrincipalRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM principals ORDER BY name").map(Self.principal)
        }
    }

    public func revokePrincipal(name: String, at: Date, audit: AuditDraft) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE principals SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                arguments: [Timestamp.format(at), name])
            guard db.changesCount > 0 else { return false }
            try Self.appendAudit(audit, at: at, in: db)
            return true
        }
    }

    public func replacePrincipalToken(name: String, tokenHash: String, expiresAt: Date?, audit: AuditDraft) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE principals SET token_hash = ?, expires_at = ? WHERE name = ? AND revoked_at IS NULL",
                arguments: [tokenHash, expiresAt.map(Timestamp.format), name])
            guard db.changesCount > 0 else { throw HubStoreError(.notFound, "no active principal named \(name)") }
            try Self.appendAudit(audit, at: Date(), in: db)
        }
    }

    private static func principal(_ row: Row) throws -> PrincipalRecord {
        PrincipalRecord(
            name: row["name"], kind: PrincipalRecord.Kind(rawValue: row["kind"]) ?? .service,
            role: try Role(rawValue: row["role"]).orThrow("unknown role \(row["role"] as String)"),
            companies: try CompanyScope(text: row["companies"]),
            createdAt: Timestamp.parse(row["created_at"]) ?? .distantPast,
            expiresAt: (row["expires_at"] as String?).flatMap(Timestamp.parse),
            revokedAt: (row["revoked_at"] as String?).flatMap(Timestamp.parse))
    }

    // MARK: Masters

    public func existingMasters(_ identities: Set<MasterIdentity>) async throws -> Set<MasterIdentity> {
        try await pool.read { db in
            let statement = try db.cachedStatement(sql: "SELECT 1 FROM masters WHERE kind = ? AND company = ? AND key = ?")
            return try identities.filter { identity in
                try Bool.fetchOne(statement, arguments: [identity.kind.rawValue, identity.company ?? "", identity.key]) == true
            }
        }
    }

    public func commitMasters(_ drafts: [MasterDraft], actor: String, summary: String, at: Date) async throws -> MasterCommit {
        let now = Timestamp.format(at)
        return try await pool.write { db in
            let head = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(version), 0) FROM master_versions") ?? 0
            let version = head + 1
            let stored = try drafts.map { draft in
                try Row.fetchOne(
                    db, sql: "SELECT m.*, m.updated_at AS committed_at, m.updated_by AS actor FROM masters m WHERE kind = ? AND company = ? AND key = ?",
                    arguments: [draft.kind.rawValue, draft.company ?? "", draft.key]
                ).map(Self.master)
            }
            let changed = try MasterChangePlan.changed(drafts, stored: stored)
            guard !changed.isEmpty else { return MasterCommit(version: head, changed: 0, unchanged: drafts.count) }
            try db.execute(
                sql: "INSERT INTO master_versions (version, committed_at, actor, summary, records) VALUES (?, ?, ?, ?, ?)",
                arguments: [version, now, actor, summary, changed.count])
            for (draft, before) in changed {
                let plants = draft.plants.joined(separator: " "), data = draft.data.canonicalText
                try db.cachedStatement(sql: """
                    INSERT INTO master_revisions (version, kind, company, key, active, plants, data) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [version, draft.kind.rawValue, draft.company ?? "", draft.key, draft.active, plants, data])
                try db.cachedStatement(sql: """
                    INSERT INTO masters (kind, company, key, version, active, plants, data, updated_at, updated_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (kind, company, key) DO UPDATE SET version = excluded.version, active = excluded.active,
                        plants = excluded.plants, data = excluded.data, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                    """).execute(arguments: [draft.kind.rawValue, draft.company ?? "", draft.key, version, draft.active, plants, data, now, actor])
                try Self.appendAudit(MasterAudit.draft(draft, before: before, actor: actor), at: at, in: db)
            }
            return MasterCommit(version: version, changed: changed.count, unchanged: drafts.count - changed.count)
        }
    }

    public func masters(kind: MasterKind?, key: String?, company: String??, scope: CompanyScope) async throws -> [MasterRecord] {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let kind { conditions.append("kind = ?"); arguments += [kind.rawValue] }
        if let key { conditions.append("key = ?"); arguments += [key] }
        if let company { conditions.append("company = ?"); arguments += [company ?? ""] }
        if let companies = scope.companies {
            conditions.append("(company = '' OR company IN (\(Array(repeating: "?", count: companies.count).joined(separator: ", "))))")
            arguments += StatementArguments(companies.sorted())
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT *, updated_at AS committed_at, updated_by AS actor FROM masters \(filter) ORDER BY kind, company, key"
        let values = arguments
        return try await pool.read { db in try Row.fetchAll(db, sql: sql, arguments: values).map(Self.master) }
    }

    public func masterVersions(after version: Int64, limit: Int) async throws -> [MasterVersion] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM master_versions WHERE version > ? ORDER BY version LIMIT ?", arguments: [version, limit]
            ).map { row in
                MasterVersion(
                    version: row["version"], committedAt: Timestamp.parse(row["committed_at"]) ?? .distantPast,
                    actor: row["actor"], summary: row["summary"], records: row["records"])
            }
        }
    }

    public func masterRevisions(company: String, after: Int64, through: Int64) async throws -> [MasterRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.*, v.committed_at, v.actor FROM master_revisions r JOIN master_versions v USING (version)
                WHERE r.version > ? AND r.version <= ? AND r.company IN ('', ?) ORDER BY r.version, r.kind, r.company, r.key
                """, arguments: [after, through, company]).map(Self.master)
        }
    }

    public func masterRevision(_ identity: MasterIdentity, atOrBefore version: Int64) async throws -> MasterRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT r.*, v.committed_at, v.actor FROM master_revisions r JOIN master_versions v USING (version)
                WHERE r.kind = ? AND r.company = ? AND r.key = ? AND r.version <= ? ORDER BY r.version DESC LIMIT 1
                """, arguments: [identity.kind.rawValue, identity.company ?? "", identity.key, version]).map(Self.master)
        }
    }

    private static func master(_ row: Row) throws -> MasterRecord {
        let company: String = row["company"], plants: String = row["plants"]
        return MasterRecord(
            kind: try MasterKind(rawValue: row["kind"]).orThrow("unknown master kind \(row["kind"] as String)"),
            company: company.isEmpty ? nil : company, key: row["key"], active: row["active"],
            plants: plants.split(separator: " ").map(String.init), data: try JSONValue.parse(row["data"] as String),
            version: row["version"], updatedAt: Timestamp.parse(row["committed_at"]) ?? .distantPast, updatedBy: row["actor"])
    }

    // MARK: Audit

    public func auditEntries(after sequence: Int64, limit: Int, scope: CompanyScope) async throws -> [AuditEntry] {
        var sql = "SELECT * FROM audit_log WHERE seq > ?"
        var arguments: StatementArguments = [sequence]
        if let companies = scope.companies {
            sql += " AND (company IS NULL OR company IN (\(Array(repeating: "?", count: companies.count).joined(separator: ", "))))"
            arguments += StatementArguments(companies.sorted())
        }
        sql += " ORDER BY seq LIMIT ?"
        arguments += [limit]
        let query = sql, values = arguments
        return try await pool.read { db in
            try Row.fetchAll(db, sql: query, arguments: values).map { row in
                AuditEntry(
                    sequence: row["seq"], at: row["at"], actor: row["actor"], action: row["action"], subject: row["subject"],
                    company: row["company"], before: row["before"], after: row["after"],
                    previousHash: row["previous_hash"], hash: row["hash"])
            }
        }
    }

    /// Appends an entry to the chain inside the caller's write transaction (SQLite has one writer, so the
    /// chain cannot fork).
    static func appendAudit(_ draft: AuditDraft, at: Date, in db: Database) throws {
        let previous = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .map { (sequence: $0["seq"] as Int64, hash: $0["hash"] as String) }
        let entry = draft.entry(after: previous, at: at, hash: sha256Hex)
        try db.execute(sql: """
            INSERT INTO audit_log (seq, at, actor, action, subject, company, before, after, previous_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [
                entry.sequence, entry.at, entry.actor, entry.action, entry.subject, entry.company, entry.before, entry.after,
                entry.previousHash, entry.hash,
            ])
    }
}

extension Optional {
    /// The value, or a store error saying the stored data is not what this hub understands.
    func orThrow(_ message: @autoclosure () -> String) throws -> Wrapped {
        guard let self else { throw HubStoreError(.unusable, message()) }
        return self
    }
}

/// The audit entry of a master change.
enum MasterAudit {
    static func draft(_ draft: MasterDraft, before: MasterRecord?, actor: String) -> AuditDraft {
        let after = MasterRecord(
            kind: draft.kind, company: draft.company, key: draft.key, active: draft.active, plants: draft.plants,
            data: draft.data, version: 0, updatedAt: .distantPast, updatedBy: actor)
        return AuditDraft(
            actor: actor, action: before == nil ? "master.created" : "master.changed", subject: draft.identity.description,
            company: draft.company, before: before?.auditText, after: after.auditText)
    }
}
