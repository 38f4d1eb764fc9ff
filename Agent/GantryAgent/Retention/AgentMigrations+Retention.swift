import GRDB

extension AgentMigrations {
    /// Migration "17-event-retention": events the hub acknowledged may leave the log for the archive files
    /// (docs/reliability.md, "Retention"), never others.
    ///
    /// The log's delete trigger now refuses only events at or after the newest acknowledged one, instead of
    /// every delete, and `event_archive` says how far the log has been archived. `scans` and
    /// `machine_signal_gaps` named their event with a foreign key, which would keep every event for ever: they are
    /// rebuilt without it (as migration 11 did for machine states and counts), their rows unchanged. Rebuilding
    /// copies both tables once, inside the migration's transaction at the first start of this version: its time
    /// grows with the number of scans the store holds.
    static func eventRetention(_ db: Database) throws {
        try db.execute(sql: """
            DROP TRIGGER events_no_delete;
            CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            WHEN OLD.seq >= (SELECT acknowledged_through FROM sync_progress WHERE id = 1)
            BEGIN SELECT RAISE(ABORT, 'only events the hub acknowledged, before the newest acknowledged one, may leave the log'); END;
            -- every event through archived_through has left the log for the archive files beside the store
            CREATE TABLE event_archive (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                archived_through INTEGER NOT NULL,
                archived_at TEXT
            );
            INSERT INTO event_archive (id, archived_through) VALUES (1, 0);
            CREATE TABLE scans_new (
                scan_id TEXT PRIMARY KEY,
                seq INTEGER NOT NULL UNIQUE, -- the ScanRecorded event (it may have left the log for the archive)
                device TEXT NOT NULL,
                data TEXT NOT NULL,
                occurred_at TEXT NOT NULL
            );
            INSERT INTO scans_new (scan_id, seq, device, data, occurred_at) SELECT scan_id, seq, device, data, occurred_at FROM scans;
            DROP TABLE scans;
            ALTER TABLE scans_new RENAME TO scans;
            CREATE TABLE machine_signal_gaps_new (
                at TEXT NOT NULL,
                cause TEXT NOT NULL,
                seq INTEGER NOT NULL
            );
            INSERT INTO machine_signal_gaps_new (at, cause, seq) SELECT at, cause, seq FROM machine_signal_gaps;
            DROP TABLE machine_signal_gaps;
            ALTER TABLE machine_signal_gaps_new RENAME TO machine_signal_gaps;
            CREATE INDEX machine_signal_gaps_at ON machine_signal_gaps (at);
            """)
    }
}
