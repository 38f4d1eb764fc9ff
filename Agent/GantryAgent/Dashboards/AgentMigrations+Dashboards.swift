import GRDB

extension AgentMigrations {
    /// Migration "16-dashboard-sessions": the plant users' dashboard sessions, kept only as the SHA-256 of their
    /// random id (docs/dashboards.md).
    static func dashboardSessions(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE dashboard_sessions (
                id_hash TEXT NOT NULL PRIMARY KEY,
                principal TEXT NOT NULL,
                created_at TEXT NOT NULL,
                last_seen_at TEXT NOT NULL,
                expires_at TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX dashboard_sessions_expires ON dashboard_sessions (expires_at);
            """)
    }
}
