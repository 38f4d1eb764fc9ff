import PostgresNIO

extension HubMigration {
    /// Companies, plants, their events and scans.
    static let plantsAndEvents = HubMigration(
        number: 1, name: "plants-and-events",
        sqlite: """
            CREATE TABLE companies (
                code TEXT PRIMARY KEY,
                created_at TEXT NOT NULL
            );
            CREATE TABLE plants (
                plant_id TEXT PRIMARY KEY,
                company TEXT NOT NULL REFERENCES companies(code),
                code TEXT NOT NULL,
                time_zone TEXT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE,
                enrolled_at TEXT NOT NULL,
                last_sequence INTEGER NOT NULL DEFAULT 0,
                events_received INTEGER NOT NULL DEFAULT 0,
                agent_head INTEGER NOT NULL DEFAULT 0,
                last_seen_at TEXT,
                last_event_recorded_at TEXT,
                UNIQUE (company, code)
            );
            -- status: applied | unprojected (type or version unknown to this hub) | quarantined (unreadable)
            CREATE TABLE events (
                plant_id TEXT NOT NULL REFERENCES plants(plant_id),
                seq INTEGER NOT NULL,
                event_id TEXT NOT NULL,
                type TEXT NOT NULL,
                schema_version INTEGER NOT NULL,
                occurred_at TEXT NOT NULL,
                recorded_at TEXT NOT NULL,
                received_at TEXT NOT NULL,
                payload TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('applied', 'unprojected', 'quarantined')),
                status_reason TEXT,
                PRIMARY KEY (plant_id, seq)
            ) WITHOUT ROWID;
            CREATE TRIGGER events_no_update BEFORE UPDATE OF plant_id, seq, event_id, type, payload ON events
            BEGIN SELECT RAISE(ABORT, 'applied events are immutable'); END;
            CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'applied events are immutable'); END;
            CREATE TABLE scans (
                plant_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                scan_id TEXT NOT NULL,
                device TEXT NOT NULL,
                data TEXT NOT NULL,
                occurred_at TEXT NOT NULL,
                PRIMARY KEY (plant_id, seq),
                FOREIGN KEY (plant_id, seq) REFERENCES events(plant_id, seq)
            ) WITHOUT ROWID;
            CREATE TABLE admin_tokens (
                name TEXT PRIMARY KEY,
                token_hash TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL,
                revoked_at TEXT
            );
        """,
        postgres: [
            """
            CREATE TABLE companies (
                code text PRIMARY KEY,
                created_at timestamptz NOT NULL
            )
            """,
            """
            CREATE TABLE plants (
                plant_id text PRIMARY KEY,
                company text NOT NULL REFERENCES companies(code),
                code text NOT NULL,
                time_zone text NOT NULL,
                token_hash text NOT NULL UNIQUE,
                enrolled_at timestamptz NOT NULL,
                last_sequence bigint NOT NULL DEFAULT 0,
                events_received bigint NOT NULL DEFAULT 0,
                agent_head bigint NOT NULL DEFAULT 0,
                last_seen_at timestamptz,
                last_event_recorded_at timestamptz,
                UNIQUE (company, code)
            )
            """,
            // Rows reach the event and projection tables only through a batch that holds its plant's row lock,
            // so they carry no foreign keys: a week's catch-up pays for no per-row trigger.
            """
            CREATE TABLE events (
                plant_id text NOT NULL,
                seq bigint NOT NULL,
                event_id uuid NOT NULL,
                type text NOT NULL,
                schema_version integer NOT NULL,
                occurred_at timestamptz NOT NULL,
                recorded_at timestamptz NOT NULL,
                received_at timestamptz NOT NULL,
                payload jsonb NOT NULL,
                status text NOT NULL CHECK (status IN ('applied', 'unprojected', 'quarantined')),
                status_reason text,
                PRIMARY KEY (plant_id, seq)
            )
            """,
            """
            CREATE FUNCTION gantry_events_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'applied events are immutable'; END $$
            """,
            """
            CREATE TRIGGER events_no_update BEFORE UPDATE OF plant_id, seq, event_id, type, payload ON events
            FOR EACH ROW EXECUTE FUNCTION gantry_events_are_immutable()
            """,
            """
            CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            FOR EACH ROW EXECUTE FUNCTION gantry_events_are_immutable()
            """,
            """
            CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
            FOR EACH STATEMENT EXECUTE FUNCTION gantry_events_are_immutable()
            """,
            """
            CREATE TABLE scans (
                plant_id text NOT NULL,
                seq bigint NOT NULL,
                scan_id uuid NOT NULL,
                device text NOT NULL,
                data text NOT NULL,
                occurred_at timestamptz NOT NULL,
                PRIMARY KEY (plant_id, seq)
            )
            """,
            """
            CREATE TABLE admin_tokens (
                name text PRIMARY KEY,
                token_hash text NOT NULL UNIQUE,
                created_at timestamptz NOT NULL,
                revoked_at timestamptz
            )
            """,
        ])

    /// Machine states, counts and lost signals.
    static let machineSignals = HubMigration(
        number: 2, name: "machine-signals",
        sqlite: """
            CREATE TABLE machine_states (
                plant_id TEXT NOT NULL,
                line TEXT NOT NULL,
                machine TEXT NOT NULL,
                at TEXT NOT NULL,
                state TEXT NOT NULL,
                reason TEXT,
                PRIMARY KEY (plant_id, line, machine, at)
            ) WITHOUT ROWID;
            CREATE TABLE machine_counts (
                plant_id TEXT NOT NULL,
                line TEXT NOT NULL,
                machine TEXT NOT NULL,
                at TEXT NOT NULL,
                good INTEGER NOT NULL,
                scrap INTEGER NOT NULL,
                PRIMARY KEY (plant_id, line, machine, at)
            ) WITHOUT ROWID;
            CREATE TABLE machine_signal_gaps (
                plant_id TEXT NOT NULL,
                at TEXT NOT NULL,
                cause TEXT NOT NULL
            );
            CREATE INDEX machine_signal_gaps_plant_at ON machine_signal_gaps (plant_id, at);
        """,
        postgres: [
            """
            CREATE TABLE machine_states (
                plant_id text NOT NULL,
                line text NOT NULL,
                machine text NOT NULL,
                at timestamptz NOT NULL,
                state text NOT NULL,
                reason text,
                PRIMARY KEY (plant_id, line, machine, at)
            )
            """,
            """
            CREATE TABLE machine_counts (
                plant_id text NOT NULL,
                line text NOT NULL,
                machine text NOT NULL,
                at timestamptz NOT NULL,
                good bigint NOT NULL,
                scrap bigint NOT NULL,
                PRIMARY KEY (plant_id, line, machine, at)
            )
            """,
            """
            CREATE TABLE machine_signal_gaps (
                plant_id text NOT NULL,
                at timestamptz NOT NULL,
                cause text NOT NULL
            )
            """,
            "CREATE INDEX machine_signal_gaps_plant_at ON machine_signal_gaps (plant_id, at)",
        ])
}
