import PostgresNIO

extension HubMigration {
    /// Principals, versioned masters and the audit trail.
    static let governance = HubMigration(
        number: 3, name: "governance",
        sqlite: """
            CREATE TABLE principals (
                name TEXT PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('user', 'service')),
                role TEXT NOT NULL,
                companies TEXT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL,
                expires_at TEXT,
                revoked_at TEXT
            );
            INSERT INTO principals (name, kind, role, companies, token_hash, created_at, revoked_at)
                SELECT name, 'service', 'administrator', '*', token_hash, created_at, revoked_at FROM admin_tokens;
            DROP TABLE admin_tokens;
            CREATE TABLE master_versions (
                version INTEGER PRIMARY KEY,
                committed_at TEXT NOT NULL,
                actor TEXT NOT NULL,
                summary TEXT NOT NULL,
                records INTEGER NOT NULL
            );
            -- company is '' for records shared by every company.
            CREATE TABLE master_revisions (
                version INTEGER NOT NULL REFERENCES master_versions(version),
                kind TEXT NOT NULL,
                company TEXT NOT NULL,
                key TEXT NOT NULL,
                active INTEGER NOT NULL,
                plants TEXT NOT NULL,
                data TEXT NOT NULL,
                PRIMARY KEY (kind, company, key, version)
            ) WITHOUT ROWID;
            CREATE INDEX master_revisions_by_version ON master_revisions (version, company);
            CREATE TABLE masters (
                kind TEXT NOT NULL,
                company TEXT NOT NULL,
                key TEXT NOT NULL,
                version INTEGER NOT NULL,
                active INTEGER NOT NULL,
                plants TEXT NOT NULL,
                data TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                updated_by TEXT NOT NULL,
                PRIMARY KEY (kind, company, key)
            ) WITHOUT ROWID;
            CREATE TABLE audit_log (
                seq INTEGER PRIMARY KEY,
                at TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                subject TEXT NOT NULL,
                company TEXT,
                before TEXT,
                after TEXT,
                previous_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            );
            CREATE INDEX audit_log_company ON audit_log (company, seq);
            CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
            CREATE TRIGGER master_revisions_no_update BEFORE UPDATE ON master_revisions
            BEGIN SELECT RAISE(ABORT, 'master revisions are immutable'); END;
            CREATE TRIGGER master_revisions_no_delete BEFORE DELETE ON master_revisions
            BEGIN SELECT RAISE(ABORT, 'master revisions are immutable'); END;
            CREATE TRIGGER master_versions_no_update BEFORE UPDATE ON master_versions
            BEGIN SELECT RAISE(ABORT, 'master versions are immutable'); END;
            CREATE TRIGGER master_versions_no_delete BEFORE DELETE ON master_versions
            BEGIN SELECT RAISE(ABORT, 'master versions are immutable'); END;
        """,
        postgres: [
            """
            CREATE TABLE principals (
                name text PRIMARY KEY,
                kind text NOT NULL CHECK (kind IN ('user', 'service')),
                role text NOT NULL,
                companies text NOT NULL,
                token_hash text NOT NULL UNIQUE,
                created_at timestamptz NOT NULL,
                expires_at timestamptz,
                revoked_at timestamptz
            )
            """,
            """
            INSERT INTO principals (name, kind, role, companies, token_hash, created_at, revoked_at)
            SELECT name, 'service', 'administrator', '*', token_hash, created_at, revoked_at FROM admin_tokens
            """,
            "DROP TABLE admin_tokens",
            """
            CREATE TABLE master_versions (
                version bigint PRIMARY KEY,
                committed_at timestamptz NOT NULL,
                actor text NOT NULL,
                summary text NOT NULL,
                records integer NOT NULL
            )
            """,
            // company is '' for records shared by every company; data is kept as the exact canonical text.
            """
            CREATE TABLE master_revisions (
                version bigint NOT NULL REFERENCES master_versions(version),
                kind text NOT NULL,
                company text NOT NULL,
                key text NOT NULL,
                active boolean NOT NULL,
                plants text NOT NULL,
                data text NOT NULL,
                PRIMARY KEY (kind, company, key, version)
            )
            """,
            "CREATE INDEX master_revisions_by_version ON master_revisions (version, company)",
            """
            CREATE TABLE masters (
                kind text NOT NULL,
                company text NOT NULL,
                key text NOT NULL,
                version bigint NOT NULL,
                active boolean NOT NULL,
                plants text NOT NULL,
                data text NOT NULL,
                updated_at timestamptz NOT NULL,
                updated_by text NOT NULL,
                PRIMARY KEY (kind, company, key)
            )
            """,
            // The audit columns are text, so what was hashed is what is stored, to the character.
            """
            CREATE TABLE audit_log (
                seq bigint PRIMARY KEY,
                at text NOT NULL,
                actor text NOT NULL,
                action text NOT NULL,
                subject text NOT NULL,
                company text,
                before text,
                after text,
                previous_hash text NOT NULL,
                hash text NOT NULL
            )
            """,
            "CREATE INDEX audit_log_company ON audit_log (company, seq)",
            """
            CREATE FUNCTION gantry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$
            """,
            """
            CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION gantry_append_only()
            """,
            """
            CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION gantry_append_only()
            """,
            """
            CREATE TRIGGER master_revisions_append_only BEFORE UPDATE OR DELETE ON master_revisions
            FOR EACH ROW EXECUTE FUNCTION gantry_append_only()
            """,
            """
            CREATE TRIGGER master_versions_append_only BEFORE UPDATE OR DELETE ON master_versions
            FOR EACH ROW EXECUTE FUNCTION gantry_append_only()
            """,
        ])
}
