import GRDB

/// The bodies of the agent store's migrations, listed in order in `SQLitePlantStore.migrator`. A shipped
/// migration is never edited: the next change is a new one at the end of that list.
enum AgentMigrations {
    /// Migration "1-event-log".
    static func eventLog(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE store_identity (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                plant_id TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            CREATE TABLE events (
                seq INTEGER PRIMARY KEY,
                event_id TEXT NOT NULL UNIQUE,
                type TEXT NOT NULL,
                schema_version INTEGER NOT NULL,
                occurred_at TEXT NOT NULL,
                recorded_at TEXT NOT NULL,
                payload TEXT NOT NULL,
                -- running total of payload bytes through this event: backlog bytes in O(1)
                log_bytes INTEGER NOT NULL
            );
            CREATE TRIGGER events_gap_free BEFORE INSERT ON events
            WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM events)
            BEGIN SELECT RAISE(ABORT, 'event sequences are gap-free'); END;
            CREATE TRIGGER events_no_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
            CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
            CREATE TABLE scans (
                scan_id TEXT PRIMARY KEY,
                seq INTEGER NOT NULL UNIQUE REFERENCES events(seq),
                device TEXT NOT NULL,
                data TEXT NOT NULL,
                occurred_at TEXT NOT NULL
            );
            CREATE TABLE sync_progress (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                acknowledged_through INTEGER NOT NULL,
                updated_at TEXT NOT NULL
            );
            INSERT INTO sync_progress (id, acknowledged_through, updated_at)
            VALUES (1, 0, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
            """)
    }

    /// Migration "2-machine-signals".
    static func machineSignals(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE machine_states (
                line TEXT NOT NULL,
                machine TEXT NOT NULL,
                at TEXT NOT NULL,
                state TEXT NOT NULL,
                reason TEXT,
                seq INTEGER NOT NULL REFERENCES events(seq),
                PRIMARY KEY (line, machine, at)
            ) WITHOUT ROWID;
            CREATE TABLE machine_counts (
                line TEXT NOT NULL,
                machine TEXT NOT NULL,
                at TEXT NOT NULL,
                good INTEGER NOT NULL,
                scrap INTEGER NOT NULL,
                seq INTEGER NOT NULL REFERENCES events(seq),
                PRIMARY KEY (line, machine, at)
            ) WITHOUT ROWID;
            -- moments the agent stopped hearing machines: every state is unknown from then to its next message
            CREATE TABLE machine_signal_gaps (
                at TEXT NOT NULL,
                cause TEXT NOT NULL,
                seq INTEGER NOT NULL REFERENCES events(seq)
            );
            CREATE INDEX machine_signal_gaps_at ON machine_signal_gaps (at);
            CREATE TABLE mqtt_dead_letters (
                id INTEGER PRIMARY KEY,
                received_at TEXT NOT NULL,
                topic TEXT NOT NULL,
                payload BLOB NOT NULL,
                payload_bytes INTEGER NOT NULL,
                reason TEXT NOT NULL,
                -- a redelivery of the same bad message is kept once
                UNIQUE (topic, payload, payload_bytes, reason)
            );
            -- when the MQTT ingest was last known alive, to mark the gap after a crash
            CREATE TABLE mqtt_liveness (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                alive_at TEXT NOT NULL
            );
            """)
    }

    /// Migration "3-maintenance".
    static func maintenance(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE maintenance_plans (
                plan_id TEXT PRIMARY KEY,
                line TEXT NOT NULL,
                machine TEXT NOT NULL,
                every_days INTEGER,
                every_good_parts INTEGER,
                description TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            CREATE TABLE maintenance_requests (
                request_id TEXT PRIMARY KEY,
                line TEXT NOT NULL,
                machine TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('corrective', 'preventive')),
                trigger TEXT NOT NULL,
                reason TEXT,
                plan_id TEXT REFERENCES maintenance_plans(plan_id),
                -- for corrective requests from the watch: when the stop began (machine clock)
                stop_at TEXT,
                opened_at TEXT NOT NULL,
                completed_at TEXT,
                note TEXT,
                parts TEXT NOT NULL DEFAULT '[]'
            );
            -- at most one open corrective request per machine, and one open request per plan
            CREATE UNIQUE INDEX maintenance_one_open_corrective ON maintenance_requests (line, machine)
                WHERE kind = 'corrective' AND completed_at IS NULL;
            CREATE UNIQUE INDEX maintenance_one_open_per_plan ON maintenance_requests (plan_id)
                WHERE plan_id IS NOT NULL AND completed_at IS NULL;
            """)
    }

    /// Migration "4-hub-masters".
    static func hubMasters(_ db: Database) throws {
        try db.execute(sql: """
            -- The hub's masters meant for this plant, as of hub_master_state.version. Written only by a pull
            -- from the hub; the plant never changes them (company is '' for shared records).
            CREATE TABLE hub_masters (
                kind TEXT NOT NULL,
                company TEXT NOT NULL,
                key TEXT NOT NULL,
                version INTEGER NOT NULL,
                active INTEGER NOT NULL,
                data TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (kind, company, key)
            ) WITHOUT ROWID;
            CREATE TABLE hub_master_state (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                version INTEGER NOT NULL,
                pulled_at TEXT
            );
            INSERT INTO hub_master_state (id, version) VALUES (1, 0);
            """)
    }
}
