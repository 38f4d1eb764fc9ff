import PostgresNIO

extension HubMigration {
    /// Stock balances and lot genealogy.
    static let inventory = HubMigration(
        number: 4, name: "inventory",
        sqlite: """
            -- Millionths of the item's base unit; lot '' for untracked items.
            CREATE TABLE stock_balances (
                plant_id TEXT NOT NULL,
                item TEXT NOT NULL,
                lot TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                PRIMARY KEY (plant_id, item, lot)
            ) WITHOUT ROWID;
            CREATE INDEX stock_balances_item_lot ON stock_balances (item, lot);
            CREATE TABLE lot_links (
                plant_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                work_order TEXT NOT NULL,
                output_item TEXT NOT NULL,
                output_lot TEXT NOT NULL,
                output_serial TEXT NOT NULL,
                input_item TEXT NOT NULL,
                input_lot TEXT NOT NULL,
                input_serial TEXT NOT NULL,
                quantity INTEGER NOT NULL
            );
            CREATE INDEX lot_links_output ON lot_links (output_item, output_lot);
            CREATE INDEX lot_links_input ON lot_links (input_item, input_lot);
        """,
        postgres: [
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
        ])

    /// Purchase order lines, receipts and nonconformances for supplier scorecards.
    static let supplierPerformance = HubMigration(
        number: 5, name: "supplier-performance",
        sqlite: """
            -- Plants' purchase order lines for supplier scorecards; quantities in millionths of the base unit,
            -- due dates YYYY-MM-DD in the plant's calendar, the supplier's first confirmation only.
            CREATE TABLE supplier_order_lines (
                plant_id TEXT NOT NULL,
                purchase_order TEXT NOT NULL,
                line INTEGER NOT NULL,
                seq INTEGER NOT NULL,
                supplier TEXT NOT NULL,
                item TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                price TEXT,
                currency TEXT,
                ordered_at TEXT NOT NULL,
                due TEXT,
                confirmed_at TEXT,
                confirmed_due TEXT,
                confirmed_quantity INTEGER,
                PRIMARY KEY (plant_id, purchase_order, line)
            ) WITHOUT ROWID;
            CREATE INDEX supplier_order_lines_supplier ON supplier_order_lines (supplier, item);
            CREATE TABLE supplier_receipts (
                plant_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                purchase_order TEXT NOT NULL,
                line INTEGER NOT NULL,
                quantity INTEGER NOT NULL,
                received_at TEXT NOT NULL,
                PRIMARY KEY (plant_id, seq)
            ) WITHOUT ROWID;
            CREATE INDEX supplier_receipts_line ON supplier_receipts (plant_id, purchase_order, line);
            CREATE TABLE supplier_nonconformances (
                plant_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                supplier TEXT NOT NULL,
                item TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                opened_at TEXT NOT NULL,
                PRIMARY KEY (plant_id, seq)
            ) WITHOUT ROWID;
            CREATE INDEX supplier_nonconformances_supplier ON supplier_nonconformances (supplier, opened_at);
        """,
        postgres: [
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
        ],
        projectsKeptSourcing: true)

    /// Instructions to plants and requests for approval.
    static let plantInstructions = HubMigration(
        number: 6, name: "plant-instructions",
        sqlite: """
            -- What the hub tells a plant, numbered per plant; answer: the plant's answering event (canonical JSON).
            CREATE TABLE plant_instructions (
                plant_id TEXT NOT NULL REFERENCES plants(plant_id),
                seq INTEGER NOT NULL,
                kind TEXT NOT NULL,
                reference TEXT NOT NULL,
                body TEXT NOT NULL,
                issued_at TEXT NOT NULL,
                issued_by TEXT NOT NULL,
                answer TEXT,
                answered_at TEXT,
                PRIMARY KEY (plant_id, seq),
                UNIQUE (plant_id, kind, reference)
            ) WITHOUT ROWID;
            -- request and decision: the plant's ApprovalRequested and ApprovalDecided payloads (canonical JSON).
            CREATE TABLE approval_requests (
                plant_id TEXT NOT NULL,
                approval_id TEXT NOT NULL,
                request TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
                requested_at TEXT NOT NULL,
                decision TEXT,
                decided_at TEXT,
                PRIMARY KEY (plant_id, approval_id)
            ) WITHOUT ROWID;
            CREATE INDEX approval_requests_state ON approval_requests (state, requested_at);
        """,
        postgres: [
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
        ])

    /// Principal names unique whatever their case.
    static let principalNames = HubMigration(
        number: 7, name: "principal-names",
        // Segregation of duties treats ACME-BUYER and acme-buyer as one person: so does the store.
        sqlite: "CREATE UNIQUE INDEX principals_name_folded ON principals (lower(name))",
        postgres: ["CREATE UNIQUE INDEX principals_name_folded ON principals (lower(name))"])

    /// Each plant's counts of scans, quarantined and unprojected events, kept up by every batch (`PlantAdvance`), so
    /// the sync report reads them instead of counting events. A PostgreSQL database migrated before the numbers were
    /// shared has them already (its first migration made them), hence IF NOT EXISTS; a SQLite one counts what it holds.
    static let syncCounters = HubMigration(
        number: 8, name: "sync-counters",
        sqlite: """
            ALTER TABLE plants ADD COLUMN scans INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE plants ADD COLUMN quarantined_events INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE plants ADD COLUMN unprojected_events INTEGER NOT NULL DEFAULT 0;
            UPDATE plants SET
                scans = (SELECT count(*) FROM events e
                         WHERE e.plant_id = plants.plant_id AND e.type = 'ScanRecorded' AND e.status = 'applied'),
                quarantined_events = (SELECT count(*) FROM events e WHERE e.plant_id = plants.plant_id AND e.status = 'quarantined'),
                unprojected_events = (SELECT count(*) FROM events e WHERE e.plant_id = plants.plant_id AND e.status = 'unprojected');
            """,
        postgres: [
            "ALTER TABLE plants ADD COLUMN IF NOT EXISTS scans bigint NOT NULL DEFAULT 0",
            "ALTER TABLE plants ADD COLUMN IF NOT EXISTS quarantined_events bigint NOT NULL DEFAULT 0",
            "ALTER TABLE plants ADD COLUMN IF NOT EXISTS unprojected_events bigint NOT NULL DEFAULT 0",
        ])
}
