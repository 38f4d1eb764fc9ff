import Logging
import PostgresNIO

extension PostgresHubStore {
    /// Versioned migrations, applied in order at open. Never edit a shipped migration: add the next one.
    /// Each is a list of statements run in one transaction with the version row that records it.
    static let migrations: [(name: String, statements: [PostgresQuery])] = [
        ("1-plants-and-events", [
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
                scans bigint NOT NULL DEFAULT 0,
                quarantined_events bigint NOT NULL DEFAULT 0,
                unprojected_events bigint NOT NULL DEFAULT 0,
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
        ]),
        ("2-governance", [
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
        ]),
        ("3-inventory", [
            // Millionths of the item's base unit; lot '' for untracked items.
            """
            CREATE TABLE stock_balances (
                plant_id text NOT NULL,
                item text NOT NULL,
                lot text NOT NULL,
                quantity bigint NOT NULL,
                PRIMARY KEY (plant_id, item, lot)
            )
            """,
            "CREATE INDEX stock_balances_item_lot ON stock_balances (item, lot)",
            """
            CREATE TABLE lot_links (
                plant_id text NOT NULL,
                seq bigint NOT NULL,
                work_order text NOT NULL,
                output_item text NOT NULL,
                output_lot text NOT NULL,
                output_serial text NOT NULL,
                input_item text NOT NULL,
                input_lot text NOT NULL,
                input_serial text NOT NULL,
                quantity bigint NOT NULL
            )
            """,
            "CREATE INDEX lot_links_output ON lot_links (output_item, output_lot)",
            "CREATE INDEX lot_links_input ON lot_links (input_item, input_lot)",
        ]),
        ("4-supplier-performance", [
            // Plants' purchase order lines for supplier scorecards; quantities in millionths of the base unit,
            // due dates in the plant's calendar, the supplier's first confirmation only.
            """
            CREATE TABLE supplier_order_lines (
                plant_id text NOT NULL,
                purchase_order text NOT NULL,
                line integer NOT NULL,
                seq bigint NOT NULL,
                supplier text NOT NULL,
                item text NOT NULL,
                quantity bigint NOT NULL,
                price text,
                currency text,
                ordered_at timestamptz NOT NULL,
                due text,
                confirmed_at timestamptz,
                confirmed_due text,
                confirmed_quantity bigint,
                PRIMARY KEY (plant_id, purchase_order, line)
            )
            """,
            "CREATE INDEX supplier_order_lines_supplier ON supplier_order_lines (supplier, item)",
            """
            CREATE TABLE supplier_receipts (
                plant_id text NOT NULL,
                seq bigint NOT NULL,
                purchase_order text NOT NULL,
                line integer NOT NULL,
                quantity bigint NOT NULL,
                received_at timestamptz NOT NULL,
                PRIMARY KEY (plant_id, seq)
            )
            """,
            "CREATE INDEX supplier_receipts_line ON supplier_receipts (plant_id, purchase_order, line)",
            """
            CREATE TABLE supplier_nonconformances (
                plant_id text NOT NULL,
                seq bigint NOT NULL,
                supplier text NOT NULL,
                item text NOT NULL,
                quantity bigint NOT NULL,
                opened_at timestamptz NOT NULL,
                PRIMARY KEY (plant_id, seq)
            )
            """,
            "CREATE INDEX supplier_nonconformances_supplier ON supplier_nonconformances (supplier, opened_at)",
        ]),
        ("5-plant-instructions", [
            // What the hub tells a plant, numbered per plant; answer: the plant's answering event.
            """
            CREATE TABLE plant_instructions (
                plant_id text NOT NULL REFERENCES plants(plant_id),
                seq bigint NOT NULL,
                kind text NOT NULL,
                reference text NOT NULL,
                body jsonb NOT NULL,
                issued_at timestamptz NOT NULL,
                issued_by text NOT NULL,
                answer jsonb,
                answered_at timestamptz,
                PRIMARY KEY (plant_id, seq),
                UNIQUE (plant_id, kind, reference)
            )
            """,
            // request and decision: the plant's ApprovalRequested and ApprovalDecided payloads.
            """
            CREATE TABLE approval_requests (
                plant_id text NOT NULL,
                approval_id text NOT NULL,
                request jsonb NOT NULL,
                state text NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
                requested_at timestamptz NOT NULL,
                decision jsonb,
                decided_at timestamptz,
                PRIMARY KEY (plant_id, approval_id)
            )
            """,
            "CREATE INDEX approval_requests_state ON approval_requests (state, requested_at)",
        ]),
        ("6-principal-names", [
            // Segregation of duties treats ACME-BUYER and acme-buyer as one person: so does the store.
            "CREATE UNIQUE INDEX principals_name_folded ON principals (lower(name))",
        ]),
    ]

    /// Brings the schema up to date under an advisory lock, so hubs started together migrate once; refuses a
    /// database whose schema is newer than this hub knows.
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await inTransaction(connection, logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7461112201)", logger: logger)
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS gantry_schema (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """, logger: logger)
            var current = 0
            for try await version in try await connection.query(
                "SELECT coalesce(max(version), 0)::bigint FROM gantry_schema", logger: logger
            ).decode(Int64.self) {
                current = Int(version)
            }
            guard current <= migrations.count else {
                throw HubStoreError(.newerSchema, """
                    the database is at schema version \(current), written by a newer gantry-hub (this one knows \
                    \(migrations.count)); upgrade this hub, or restore a backup taken before the upgrade
                    """)
            }
            for (index, migration) in migrations.enumerated().dropFirst(current) {
                for statement in migration.statements {
                    try await connection.query(statement, logger: logger)
                }
                // A new projection starts with what the hub already kept, as the SQLite store's migration does.
                if migration.name == "4-supplier-performance" { try await projectKeptSourcing(connection, logger: logger) }
                let version = index + 1
                try await connection.query(
                    "INSERT INTO gantry_schema (version, name) VALUES (\(version), \(migration.name))", logger: logger)
            }
        }
    }
}
