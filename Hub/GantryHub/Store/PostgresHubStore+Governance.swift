import Foundation
import GantryCore
import PostgresNIO

extension PostgresHubStore {
    /// Taken (for the transaction) by every write to masters or the audit trail, so versions and the audit
    /// chain grow one writer at a time across every hub process on the database.
    static let governanceLock: Int64 = 7_461_112_202

    // MARK: Principals

    public func addPrincipal(_ principal: PrincipalRecord, tokenHash: String, audit: AuditDraft) async throws {
        do {
            try await transaction { [logger] connection in
                try await connection.query("""
                    INSERT INTO principals (name, kind, role, companies, token_hash, created_at, expires_at)
                    VALUES (\(principal.name), \(principal.kind.rawValue), \(principal.role.rawValue),
                        \(principal.companies.description), \(tokenHash), \(principal.createdAt), \(principal.expiresAt))
                    """, logger: logger)
                try await Self.appendAudit(audit, at: principal.createdAt, in: connection, logger: logger)
            }
        } catch where Self.isUniqueViolation(error) {
            throw HubStoreError(.duplicate, "a principal named \(principal.name) exists already (names are unique whatever their case)")
        }
    }

    public func principal(tokenHash: String) async throws -> PrincipalRecord? {
        try await principals(where: " WHERE token_hash = \(tokenHash)").first
    }

    public func principals() async throws -> [PrincipalRecord] {
        try await principals(where: "")
    }

    private func principals(where filter: PostgresQuery) async throws -> [PrincipalRecord] {
        let finished = Self.select(
            "name, kind, role, companies, created_at, expires_at, revoked_at FROM principals", filter, orderBy: "name")
        return try await run { [logger] client in
            var principals: [PrincipalRecord] = []
            for try await (name, kind, role, companies, created, expires, revoked) in try await client.query(finished, logger: logger)
                .decode((String, String, String, String, Date, Date?, Date?).self) {
                principals.append(PrincipalRecord(
                    name: name, kind: PrincipalRecord.Kind(rawValue: kind) ?? .service,
                    role: try Role(rawValue: role).orThrow("unknown role \(role)"), companies: try CompanyScope(text: companies),
                    createdAt: created, expiresAt: expires, revokedAt: revoked))
            }
            return principals
        }
    }

    public func revokePrincipal(name: String, at: Date, audit: AuditDraft) async throws -> Bool {
        try await transaction { [logger] connection in
            let updated = try await Self.count(connection.query(
                "UPDATE principals SET revoked_at = \(at) WHERE name = \(name) AND revoked_at IS NULL RETURNING 1", logger: logger))
            guard updated > 0 else { return false }
            try await Self.appendAudit(audit, at: at, in: connection, logger: logger)
            return true
        }
    }

    public func replacePrincipalToken(name: String, tokenHash: String, expiresAt: Date?, audit: AuditDraft) async throws {
        try await transaction { [logger] connection in
            let updated = try await Self.count(connection.query("""
                UPDATE principals SET token_hash = \(tokenHash), expires_at = \(expiresAt)
                WHERE name = \(name) AND revoked_at IS NULL RETURNING 1
                """, logger: logger))
            guard updated > 0 else { throw HubStoreError(.notFound, "no active principal named \(name)") }
            try await Self.appendAudit(audit, at: self.now(), in: connection, logger: logger)
        }
    }

    // MARK: Masters

    public func existingMasters(_ identities: Set<MasterIdentity>) async throws -> Set<MasterIdentity> {
        let list = Array(identities)
        guard !list.isEmpty else { return [] }
        let kinds = list.map(\.kind.rawValue), companies = list.map { $0.company ?? "" }, keys = list.map(\.key)
        return try await run { [logger] client in
            var found = Set<MasterIdentity>()
            for try await (kind, company, key) in try await client.query("""
                SELECT m.kind, m.company, m.key FROM masters m
                JOIN unnest(\(kinds), \(companies), \(keys)) AS wanted(kind, company, key)
                  ON m.kind = wanted.kind AND m.company = wanted.company AND m.key = wanted.key
                """, logger: logger).decode((String, String, String).self) {
                if let kind = MasterKind(rawValue: kind) {
                    found.insert(MasterIdentity(kind: kind, company: company.isEmpty ? nil : company, key: key))
                }
            }
            return found
        }
    }

    public func commitMasters(_ drafts: [MasterDraft], actor: String, summary: String, at: Date) async throws -> MasterCommit {
        try await transaction { [logger] connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.governanceLock))", logger: logger)
            var head: Int64 = 0
            for try await version in try await connection.query(
                "SELECT coalesce(max(version), 0)::bigint FROM master_versions", logger: logger
            ).decode(Int64.self) {
                head = version
            }
            let version = head + 1
            var stored: [MasterRecord?] = []
            for draft in drafts {
                stored.append(try await Self.masterRows(connection.query("""
                    SELECT kind, company, key, version, active, plants, data, updated_at, updated_by FROM masters
                    WHERE kind = \(draft.kind.rawValue) AND company = \(draft.company ?? "") AND key = \(draft.key)
                    """, logger: logger)).first)
            }
            let changed = try MasterChangePlan.changed(drafts, stored: stored)
            guard !changed.isEmpty else { return MasterCommit(version: head, changed: 0, unchanged: drafts.count) }
            try await connection.query("""
                INSERT INTO master_versions (version, committed_at, actor, summary, records)
                VALUES (\(version), \(at), \(actor), \(summary), \(changed.count))
                """, logger: logger)
            let kinds = changed.map(\.draft.kind.rawValue), companies = changed.map { $0.draft.company ?? "" }
            let keys = changed.map(\.draft.key), actives = changed.map(\.draft.active)
            let plants = changed.map { $0.draft.plants.joined(separator: " ") }, data = changed.map(\.draft.data.canonicalText)
            try await connection.query("""
                INSERT INTO master_revisions (version, kind, company, key, active, plants, data)
                SELECT \(version), * FROM unnest(\(kinds), \(companies), \(keys), \(actives), \(plants), \(data))
                """, logger: logger)
            try await connection.query("""
                INSERT INTO masters (kind, company, key, version, active, plants, data, updated_at, updated_by)
                SELECT kind, company, key, \(version), active, plants, data, \(at), \(actor)
                FROM unnest(\(kinds), \(companies), \(keys), \(actives), \(plants), \(data)) AS t(kind, company, key, active, plants, data)
                ON CONFLICT (kind, company, key) DO UPDATE SET version = excluded.version, active = excluded.active,
                    plants = excluded.plants, data = excluded.data, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                """, logger: logger)
            for (draft, before) in changed {
                try await Self.appendAudit(MasterAudit.draft(draft, before: before, actor: actor), at: at, in: connection, logger: logger, locked: true)
            }
            return MasterCommit(version: version, changed: changed.count, unchanged: drafts.count - changed.count)
        }
    }

    public func masters(kind: MasterKind?, key: String?, company: String??, scope: CompanyScope) async throws -> [MasterRecord] {
        let kind = kind?.rawValue, owner: String? = company.map { $0 ?? "" }, scoped = PostgresCompanyFilter(scope)
        return try await run { [logger] client in
            try await Self.masterRows(client.query("""
                SELECT kind, company, key, version, active, plants, data, updated_at, updated_by FROM masters
                WHERE (\(kind)::text IS NULL OR kind = \(kind)) AND (\(key)::text IS NULL OR key = \(key))
                  AND (\(owner)::text IS NULL OR company = \(owner))
                  AND (\(scoped.everyCompany) OR company = '' OR company = ANY(\(scoped.companies)))
                ORDER BY kind, company, key
                """, logger: logger))
        }
    }

    public func masterVersions(after version: Int64, limit: Int) async throws -> [MasterVersion] {
        try await run { [logger] client in
            var versions: [MasterVersion] = []
            for try await (number, committed, actor, summary, records) in try await client.query("""
                SELECT version, committed_at, actor, summary, records FROM master_versions
                WHERE version > \(version) ORDER BY version LIMIT \(limit)
                """, logger: logger).decode((Int64, Date, String, String, Int32).self) {
                versions.append(MasterVersion(version: number, committedAt: committed, actor: actor, summary: summary, records: Int(records)))
            }
            return versions
        }
    }

    public func masterRevisions(company: String, after: Int64, through: Int64) async throws -> [MasterRecord] {
        try await run { [logger] client in
            try await Self.masterRows(client.query("""
                SELECT r.kind, r.company, r.key, r.version, r.active, r.plants, r.data, v.committed_at, v.actor
                FROM master_revisions r JOIN master_versions v USING (version)
                WHERE r.version > \(after) AND r.version <= \(through) AND r.company IN ('', \(company))
                ORDER BY r.version, r.kind, r.company, r.key
                """, logger: logger))
        }
    }

    public func masterRevision(_ identity: MasterIdentity, atOrBefore version: Int64) async throws -> MasterRecord? {
        try await run { [logger] client in
            try await Self.masterRows(client.query("""
                SELECT r.kind, r.company, r.key, r.version, r.active, r.plants, r.data, v.committed_at, v.actor
                FROM master_revisions r JOIN master_versions v USING (version)
                WHERE r.kind = \(identity.kind.rawValue) AND r.company = \(identity.company ?? "") AND r.key = \(identity.key)
                  AND r.version <= \(version)
                ORDER BY r.version DESC LIMIT 1
                """, logger: logger)).first
        }
    }

    private static func masterRows(_ rows: PostgresRowSequence) async throws -> [MasterRecord] {
        var records: [MasterRecord] = []
        for try await (kind, company, key, version, active, plants, data, updated, actor) in rows
            .decode((String, String, String, Int64, Bool, String, String, Date, String).self) {
            records.append(MasterRecord(
                kind: try MasterKind(rawValue: kind).orThrow("unknown master kind \(kind)"),
                company: company.isEmpty ? nil : company, key: key, active: active,
                plants: plants.split(separator: " ").map(String.init), data: try JSONValue.parse(data),
                version: version, updatedAt: updated, updatedBy: actor))
        }
        return records
    }

    // MARK: Audit

    public func auditEntries(after sequence: Int64, limit: Int, scope: CompanyScope) async throws -> [AuditEntry] {
        let scoped = PostgresCompanyFilter(scope)
        return try await run { [logger] client in
            var entries: [AuditEntry] = []
            for try await row in try await client.query("""
                SELECT seq, at, actor, action, subject, company, before, after, previous_hash, hash FROM audit_log
                WHERE seq > \(sequence) AND (\(scoped.everyCompany) OR company IS NULL OR company = ANY(\(scoped.companies)))
                ORDER BY seq LIMIT \(limit)
                """, logger: logger) {
                let (seq, at, actor, action, subject, company, before, after, previous, hash) = try row.decode(
                    (Int64, String, String, String, String, String?, String?, String?, String, String).self)
                entries.append(AuditEntry(
                    sequence: seq, at: at, actor: actor, action: action, subject: subject, company: company,
                    before: before, after: after, previousHash: previous, hash: hash))
            }
            return entries
        }
    }

    /// Appends an entry to the chain inside the caller's transaction, under the governance lock.
    static func appendAudit(
        _ draft: AuditDraft, at: Date, in connection: PostgresConnection, logger: Logger, locked: Bool = false
    ) async throws {
        if !locked { try await connection.query("SELECT pg_advisory_xact_lock(\(governanceLock))", logger: logger) }
        var previous: (sequence: Int64, hash: String)?
        for try await (sequence, hash) in try await connection.query(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", logger: logger
        ).decode((Int64, String).self) {
            previous = (sequence, hash)
        }
        let entry = draft.entry(after: previous, at: at, hash: sha256Hex)
        try await connection.query("""
            INSERT INTO audit_log (seq, at, actor, action, subject, company, before, after, previous_hash, hash)
            VALUES (\(entry.sequence), \(entry.at), \(entry.actor), \(entry.action), \(entry.subject), \(entry.company),
                \(entry.before), \(entry.after), \(entry.previousHash), \(entry.hash))
            """, logger: logger)
    }
}
