import PostgresNIO

extension HubMigration {
    /// Dashboard sessions (docs/dashboards.md): a signed-in viewer's session, kept only as the SHA-256 of its
    /// random id, with the principal it belongs to and its idle and absolute expiry. Deleted on sign-out, on
    /// expiry when next seen, and swept at each sign-in.
    static let dashboardSessions = HubMigration(
        number: 16, name: "dashboard-sessions",
        sqlite: """
            CREATE TABLE dashboard_sessions (
                id_hash TEXT NOT NULL PRIMARY KEY,
                principal TEXT NOT NULL,
                created_at TEXT NOT NULL,
                last_seen_at TEXT NOT NULL,
                expires_at TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX dashboard_sessions_expires ON dashboard_sessions (expires_at);
        """,
        postgres: [
            """
            CREATE TABLE IF NOT EXISTS dashboard_sessions (
                id_hash text NOT NULL PRIMARY KEY,
                principal text NOT NULL,
                created_at timestamptz NOT NULL,
                last_seen_at timestamptz NOT NULL,
                expires_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX IF NOT EXISTS dashboard_sessions_expires ON dashboard_sessions (expires_at)",
        ])
}
