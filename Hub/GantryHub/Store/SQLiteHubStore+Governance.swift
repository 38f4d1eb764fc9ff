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
            try PrincipalRow.fetchOne(db, sql: "SELECT * FROM principals WHERE token_hash = ?", arguments: [tokenHash])?.record()
        }
    }

    public func principals() async throws -> [PrincipalRecord] {
        try await pool.read { db in
            try PrincipalRow.fetchAll(db, sql: "SELECT * FROM principals ORDER BY name").map { try $0.record() }
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
        let now = now()
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE principals SET token_hash = ?, expires_at = ? WHERE name = ? AND revoked_at IS NULL",
                arguments: [tokenHash, expiresAt.map(Timestamp.format), name])
            guard db.changesCount > 0 else { throw HubStoreError(.notFound, "no active principal named \(name)") }
            try Self.appendAudit(audit, at: now, in: db)
        }
    }

    /// A row of `principals`.
    private struct PrincipalRow: Decodable, FetchableRecord {
        var name: String
        var kind: String
        var role: String
        var companies: String
        var createdAt: String
        var expiresAt: String?
        var revokedAt: String?

        enum CodingKeys: String, CodingKey {
            case name, kind, role, companies, createdAt = "created_at", expiresAt = "expires_at", revokedAt = "revoked_at"
        }

        func record() throws -> PrincipalRecord {
            PrincipalRecord(
                name: name, kind: PrincipalRecord.Kind(rawValue: kind) ?? .service,
                role: try Role(rawValue: role).orThrow("unknown role \(role)"), companies: try CompanyScope(text: companies),
                createdAt: Timestamp.parse(createdAt) ?? .distantPast, expiresAt: expiresAt.flatMap(Timestamp.parse),
                revokedAt: revokedAt.flatMap(Timestamp.parse))
        }
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
                try MasterRow.fetchOne(
                    db, sql: "SELECT m.*, m.updated_at AS committed_at, m.updated_by AS actor FROM masters m WHERE kind = ? AND company = ? AND key = ?",
                    arguments: [draft.kind.rawValue, draft.company ?? "", draft.key]
                )?.record()
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
        let scoped = SQLiteCompanyFilter(scope, column: "company", shared: "company = ''")
        if let condition = scoped.condition { conditions.append(condition); arguments += scoped.arguments }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT *, updated_at AS committed_at, updated_by AS actor FROM masters \(filter) ORDER BY kind, company, key"
        let values = arguments
        return try await pool.read { db in try MasterRow.fetchAll(db, sql: sql, arguments: values).map { try $0.record() } }
    }

    public func masterVersions(after version: Int64, limit: Int) async throws -> [MasterVersion] {
        try await pool.read { db in
            try MasterVersionRow.fetchAll(
                db, sql: "SELECT * FROM master_versions WHERE version > ? ORDER BY version LIMIT ?", arguments: [version, limit]
            ).map(\.record)
        }
    }

    public func masterRevisions(company: String, after: Int64, through: Int64) async throws -> [MasterRecord] {
        try await pool.read { db in
            try MasterRow.fetchAll(db, sql: """
                SELECT r.*, v.committed_at, v.actor FROM master_revisions r JOIN master_versions v USING (version)
                WHERE r.version > ? AND r.version <= ? AND r.company IN ('', ?) ORDER BY r.version, r.kind, r.company, r.key
                """, arguments: [after, through, company]).map { try $0.record() }
        }
    }

    public func masterRevision(_ identity: MasterIdentity, atOrBefore version: Int64) async throws -> MasterRecord? {
        try await pool.read { db in
            try MasterRow.fetchOne(db, sql: """
                SELECT r.*, v.committed_at, v.actor FROM master_revisions r JOIN master_versions v USING (version)
                WHERE r.kind = ? AND r.company = ? AND r.key = ? AND r.version <= ? ORDER BY r.version DESC LIMIT 1
                """, arguments: [identity.kind.rawValue, identity.company ?? "", identity.key, version])?.record()
        }
    }

    /// A master record or revision with its version's time and actor (as `committed_at` and `actor`).
    private struct MasterRow: Decodable, FetchableRecord {
        var kind: String
        var company: String
        var key: String
        var active: Bool
        var plants: String
        var data: String
        var version: Int64
        var committedAt: String
        var actor: String

        enum CodingKeys: String, CodingKey {
            case kind, company, key, active, plants, data, version, committedAt = "committed_at", actor
        }

        func record() throws -> MasterRecord {
            MasterRecord(
                kind: try MasterKind(rawValue: kind).orThrow("unknown master kind \(kind)"), company: company.isEmpty ? nil : company,
                key: key, active: active, plants: plants.split(separator: " ").map(String.init), data: try JSONValue.parse(data),
                version: version, updatedAt: Timestamp.parse(committedAt) ?? .distantPast, updatedBy: actor)
        }
    }

    /// A row of `master_versions`.
    private struct MasterVersionRow: Decodable, FetchableRecord {
        var version: Int64
        var committedAt: String
        var actor: String
        var summary: String
        var records: Int

        enum CodingKeys: String, CodingKey { case version, committedAt = "committed_at", actor, summary, records }

        var record: MasterVersion {
            MasterVersion(version: version, committedAt: Timestamp.parse(committedAt) ?? .distantPast, actor: actor, summary: summary, records: records)
        }
    }

    // MARK: Audit

    public func auditEntries(after sequence: Int64, limit: Int, scope: CompanyScope) async throws -> [AuditEntry] {
        var sql = "SELECT * FROM audit_log WHERE seq > ?"
        var arguments: StatementArguments = [sequence]
        let scoped = SQLiteCompanyFilter(scope, column: "company", shared: "company IS NULL")
        sql += scoped.and
        arguments += scoped.arguments
        sql += " ORDER BY seq LIMIT ?"
        arguments += [limit]
        let query = sql, values = arguments
        return try await pool.read { db in
            try AuditRow.fetchAll(db, sql: query, arguments: values).map(\.entry)
        }
    }

    /// Appends an entry to the chain inside the caller's write transaction (SQLite has one writer, so the
    /// chain cannot fork).
    static func appendAudit(_ draft: AuditDraft, at: Date, in db: Database) throws {
        let previous = try AuditRow.fetchOne(db, sql: "SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1")
            .map { (sequence: $0.seq, hash: $0.hash) }
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

/// A row of `audit_log`.
private struct AuditRow: Decodable, FetchableRecord {
    var seq: Int64
    var at: String
    var actor: String
    var action: String
    var subject: String
    var company: String?
    var before: String?
    var after: String?
    var previousHash: String
    var hash: String

    enum CodingKeys: String, CodingKey {
        case seq, at, actor, action, subject, company, before, after, previousHash = "previous_hash", hash
    }

    var entry: AuditEntry {
        AuditEntry(
            sequence: seq, at: at, actor: actor, action: action, subject: subject, company: company, before: before, after: after,
            previousHash: previousHash, hash: hash)
    }
}
