import GRDB

/// The Sparkplug host application's sessions (migration 15), so that births, aliases and counters survive a
/// restart of the agent (docs/sparkplug.md).
extension AgentMigrations {
    /// Migration "15-sparkplug-nodes".
    static func sparkplugNodes(_ db: Database) throws {
        try db.execute(sql: """
            -- one row per edge node heard: its session (online, bdSeq, last seq, birth certificates of the node and its
            -- devices with their aliases, the mapped metrics' last values) as JSON, written in the projection's
            -- transaction together with the facts it led to and how far the MQTT inbox has been projected
            CREATE TABLE sparkplug_nodes (
                group_id TEXT NOT NULL,
                edge_node TEXT NOT NULL,
                session TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (group_id, edge_node)
            ) WITHOUT ROWID;
            """)
    }
}
