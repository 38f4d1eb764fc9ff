import PostgresNIO

extension HubMigration {
    /// On PostgreSQL, the raw events partitioned by the month the hub received them (docs/postgresql.md,
    /// "Events by month"), so that a closed month can be detached to an archive file and restored without touching
    /// a projection; and, on both databases, the register of the months detached (`event_archives`).
    ///
    /// The partition key is `received_at` (the hub's clock, UTC month): a month the hub has left receives no more
    /// rows, whatever the plants' clocks said or how late a plant caught up, so it closes and can be archived. The
    /// primary key must hold the partition key, so it is now (plant_id, seq, received_at): exactly-once does not
    /// rest on it but on the plant's row lock and `last_sequence` (`BatchFlow`; a second hub applying the same batch
    /// waits for the lock, then sees the batch applied and only verifies it). Existing rows are copied into their
    /// months once, in this migration's transaction: a full copy of the table and its primary key index.
    ///
    /// On SQLite the events stay one table (a plant-sized hub keeps them all; `gantry-hub events` says so): this
    /// step only creates the same, empty, register.
    static let eventsByMonth = HubMigration(
        number: 18, name: "events-by-month",
        sqlite: """
            -- the months of raw events detached to archive files (PostgreSQL only; empty on SQLite)
            CREATE TABLE event_archives (
                month TEXT PRIMARY KEY,
                events INTEGER NOT NULL,
                file TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                detached_at TEXT NOT NULL
            );
            """,
        postgres: [
            """
            CREATE TABLE IF NOT EXISTS event_archives (
                month text PRIMARY KEY,
                events bigint NOT NULL,
                file text NOT NULL,
                sha256 text NOT NULL,
                detached_at timestamptz NOT NULL
            )
            """,
            // The partition of the month holding `at` (UTC), made if missing, unless that month was detached to an
            // archive (restore brings it back) or the default partition already holds rows of it; its name, or NULL.
            """
            CREATE OR REPLACE FUNCTION gantry_event_partition(at timestamptz) RETURNS text LANGUAGE plpgsql AS $$
            DECLARE
                first timestamptz := date_trunc('month', at, 'UTC');
                name text := 'events_' || to_char(first AT TIME ZONE 'UTC', 'YYYY_MM');
            BEGIN
                IF to_regclass(name) IS NOT NULL THEN RETURN name; END IF;
                -- hubs making the same month at once: one makes it, the others find it made
                PERFORM pg_advisory_xact_lock(7461112202);
                IF to_regclass(name) IS NOT NULL THEN RETURN name; END IF;
                IF EXISTS (SELECT 1 FROM event_archives WHERE month = to_char(first AT TIME ZONE 'UTC', 'YYYY-MM')) THEN
                    RETURN NULL;
                END IF;
                IF EXISTS (SELECT 1 FROM events_default WHERE received_at >= first AND received_at < first + interval '1 month') THEN
                    RAISE WARNING 'events of % are in events_default: their month gets no partition of its own', to_char(first AT TIME ZONE 'UTC', 'YYYY-MM');
                    RETURN NULL;
                END IF;
                EXECUTE format('CREATE TABLE %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)', name, first, first + interval '1 month');
                RETURN name;
            END $$
            """,
            // The month of `at` and the next one, made ahead: called as each batch is applied.
            """
            CREATE OR REPLACE FUNCTION gantry_event_partitions_ahead(at timestamptz) RETURNS void LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM gantry_event_partition(at);
                PERFORM gantry_event_partition(at + interval '1 month');
            END $$
            """,
            // Once: a database whose events are already partitioned (this step run again) is left as it is.
            """
            DO $convert$
            BEGIN
                IF (SELECT relkind FROM pg_class WHERE oid = 'events'::regclass) = 'p' THEN RETURN; END IF;
                ALTER TABLE events RENAME TO events_unpartitioned;
                ALTER INDEX events_pkey RENAME TO events_unpartitioned_pkey;
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
                    PRIMARY KEY (plant_id, seq, received_at)
                ) PARTITION BY RANGE (received_at);
                -- A safety net: a row whose month has no partition yet (the hub's clock jumped ahead) still lands.
                CREATE TABLE events_default PARTITION OF events DEFAULT;
                PERFORM gantry_event_partition(month) FROM (
                    SELECT DISTINCT date_trunc('month', received_at, 'UTC') AS month FROM events_unpartitioned
                    UNION SELECT date_trunc('month', now(), 'UTC') UNION SELECT date_trunc('month', now(), 'UTC') + interval '1 month'
                ) AS months ORDER BY month;
                INSERT INTO events (plant_id, seq, event_id, type, schema_version, occurred_at, recorded_at, received_at, payload,
                                    status, status_reason)
                SELECT plant_id, seq, event_id, type, schema_version, occurred_at, recorded_at, received_at, payload, status, status_reason
                FROM events_unpartitioned;
                DROP TABLE events_unpartitioned;
                CREATE TRIGGER events_no_update BEFORE UPDATE OF plant_id, seq, event_id, type, payload ON events
                FOR EACH ROW EXECUTE FUNCTION gantry_events_are_immutable();
                CREATE TRIGGER events_no_delete BEFORE DELETE ON events
                FOR EACH ROW EXECUTE FUNCTION gantry_events_are_immutable();
                CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
                FOR EACH STATEMENT EXECUTE FUNCTION gantry_events_are_immutable();
            END $convert$
            """,
        ])
}
