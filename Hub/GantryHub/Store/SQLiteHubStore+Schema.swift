import GRDB

extension SQLiteHubStore {
    /// Versioned migrations, applied in order at open. Never edit a shipped migration: add the next one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1-plants-and-events") { db in
            try db.execute(sql: """
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
                """)
        }
        migrator.registerMigration("2-machine-signals") { db in
            try db.execute(sql: """
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
                """)
        }
        migrator.registerMigration("3-governance") { db in
            try db.execute(sql: """
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
                """)
        }
        migrator.registerMigration("4-inventory") { db in
            try db.execute(sql: """
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
                """)
        }
        migrator.registerMigration("5-supplier-performance") { db in
            try db.execute(sql: """
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
                """)
            try SQLiteHubStore.projectKeptSourcing(db)
        }
        migrator.registerMigration("6-plant-instructions") { db in
            try db.execute(sql: """
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
                """)
        }
        migrator.registerMigration("7-principal-names") { db in
            // Segregation of duties treats ACME-BUYER and acme-buyer as one person: so does the store.
            try db.execute(sql: "CREATE UNIQUE INDEX principals_name_folded ON principals (lower(name))")
        }
        return migrator
    }
}
