import GRDB

extension SQLitePlantStore {
    /// Versioned migrations, applied in order at open. Never edit a shipped migration: add the next one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1-event-log") { db in
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
        migrator.registerMigration("2-machine-signals") { db in
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
        migrator.registerMigration("3-maintenance") { db in
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
        migrator.registerMigration("4-hub-masters") { db in
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
        migrator.registerMigration("5-inventory") { db in
            try db.execute(sql: """
                -- Barcodes of the hub's items, 14 digits, for finding the item a scan names.
                CREATE TABLE item_gtins (
                    gtin TEXT NOT NULL,
                    company TEXT NOT NULL,
                    item TEXT NOT NULL,
                    PRIMARY KEY (gtin, company)
                ) WITHOUT ROWID;
                CREATE INDEX item_gtins_item ON item_gtins (item);
                -- Items are looked up by key for every scan, whichever company owns them.
                CREATE INDEX hub_masters_kind_key ON hub_masters (kind, key);
                CREATE TABLE locations (
                    code TEXT PRIMARY KEY,
                    type TEXT NOT NULL CHECK (type IN ('receiving', 'storage', 'quarantine', 'production', 'scrap')),
                    warehouse TEXT NOT NULL,
                    zone TEXT,
                    bin TEXT,
                    active INTEGER NOT NULL
                );
                CREATE TABLE purchase_order_lines (
                    purchase_order TEXT NOT NULL,
                    line INTEGER NOT NULL,
                    supplier TEXT NOT NULL,
                    item TEXT NOT NULL,
                    ordered INTEGER NOT NULL,
                    tolerance_percent TEXT NOT NULL,
                    due TEXT,
                    received INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (purchase_order, line)
                ) WITHOUT ROWID;
                -- Quantities are millionths of the item's base unit; lot and serial are '' for untracked items.
                CREATE TABLE stock (
                    item TEXT NOT NULL,
                    location TEXT NOT NULL REFERENCES locations(code),
                    lot TEXT NOT NULL,
                    serial TEXT NOT NULL,
                    quantity INTEGER NOT NULL CHECK (quantity > 0),
                    PRIMARY KEY (item, location, lot, serial)
                ) WITHOUT ROWID;
                -- A serial is in one place at a time.
                CREATE UNIQUE INDEX stock_one_place_per_serial ON stock (item, serial) WHERE serial <> '';
                CREATE TABLE lots (
                    item TEXT NOT NULL,
                    lot TEXT NOT NULL,
                    expiry TEXT,
                    status TEXT NOT NULL CHECK (status IN ('available', 'quarantined')),
                    PRIMARY KEY (item, lot)
                ) WITHOUT ROWID;
                CREATE TABLE stock_moves (
                    move_id TEXT PRIMARY KEY,
                    seq INTEGER NOT NULL,
                    at TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    item TEXT NOT NULL,
                    lot TEXT NOT NULL,
                    serial TEXT NOT NULL,
                    quantity INTEGER NOT NULL,
                    from_location TEXT,
                    to_location TEXT,
                    reference_kind TEXT,
                    reference_id TEXT,
                    reason TEXT
                );
                CREATE INDEX stock_moves_reference ON stock_moves (reference_kind, reference_id);
                CREATE TRIGGER stock_moves_no_update BEFORE UPDATE ON stock_moves
                BEGIN SELECT RAISE(ABORT, 'the stock move ledger is immutable'); END;
                CREATE TRIGGER stock_moves_no_delete BEFORE DELETE ON stock_moves
                BEGIN SELECT RAISE(ABORT, 'the stock move ledger is immutable'); END;
                CREATE TABLE reservations (
                    reservation_id TEXT PRIMARY KEY,
                    work_order TEXT NOT NULL,
                    item TEXT NOT NULL,
                    location TEXT NOT NULL,
                    lot TEXT NOT NULL,
                    serial TEXT NOT NULL,
                    quantity INTEGER NOT NULL CHECK (quantity > 0),
                    created_at TEXT NOT NULL
                );
                CREATE INDEX reservations_stock ON reservations (item, location, lot, serial);
                CREATE INDEX reservations_work_order ON reservations (work_order);
                CREATE TABLE stock_counts (
                    count_id TEXT PRIMARY KEY,
                    location TEXT NOT NULL,
                    at TEXT NOT NULL,
                    lines INTEGER NOT NULL,
                    exact_lines INTEGER NOT NULL,
                    seq INTEGER NOT NULL
                );
                CREATE TABLE genealogy (
                    work_order TEXT NOT NULL,
                    output_item TEXT NOT NULL,
                    output_lot TEXT NOT NULL,
                    output_serial TEXT NOT NULL,
                    input_item TEXT NOT NULL,
                    input_lot TEXT NOT NULL,
                    input_serial TEXT NOT NULL,
                    quantity INTEGER NOT NULL,
                    seq INTEGER NOT NULL
                );
                CREATE INDEX genealogy_output ON genealogy (output_item, output_lot, output_serial);
                CREATE INDEX genealogy_input ON genealogy (input_item, input_lot, input_serial);
                -- Answers to inventory requests by their idempotency key: a retried scan gets the first answer.
                CREATE TABLE inventory_requests (
                    request_id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    fingerprint TEXT NOT NULL,
                    answer TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("6-production") { db in
            try db.execute(sql: """
                CREATE TABLE work_centres (code TEXT PRIMARY KEY, definition TEXT NOT NULL);
                CREATE TABLE boms (item TEXT PRIMARY KEY, definition TEXT NOT NULL);
                CREATE TABLE routings (item TEXT PRIMARY KEY, definition TEXT NOT NULL);
                CREATE TABLE work_orders (
                    work_order TEXT PRIMARY KEY,
                    item TEXT NOT NULL,
                    quantity INTEGER NOT NULL,
                    due TEXT,
                    source_location TEXT NOT NULL,
                    output_location TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('planned', 'released', 'in-progress', 'completed')),
                    planned_start TEXT NOT NULL,
                    planned_finish TEXT NOT NULL,
                    actual_start TEXT,
                    actual_finish TEXT,
                    good INTEGER NOT NULL DEFAULT 0,
                    scrap INTEGER NOT NULL DEFAULT 0,
                    rework INTEGER NOT NULL DEFAULT 0,
                    released_override TEXT
                );
                CREATE TABLE work_order_operations (
                    work_order TEXT NOT NULL REFERENCES work_orders(work_order),
                    sequence INTEGER NOT NULL,
                    work_centre TEXT NOT NULL,
                    planned_start TEXT NOT NULL,
                    planned_finish TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'paused', 'finished')),
                    actual_start TEXT,
                    actual_finish TEXT,
                    PRIMARY KEY (work_order, sequence)
                ) WITHOUT ROWID;
                CREATE INDEX work_order_operations_centre ON work_order_operations (work_centre, planned_finish);
                CREATE TABLE quality_points (point TEXT PRIMARY KEY, definition TEXT NOT NULL);
                CREATE TABLE quality_checks (
                    check_id TEXT PRIMARY KEY,
                    point TEXT NOT NULL,
                    work_order TEXT,
                    item TEXT NOT NULL,
                    lot TEXT,
                    passed INTEGER NOT NULL,
                    blocking INTEGER NOT NULL,
                    at TEXT NOT NULL
                );
                CREATE INDEX quality_checks_order ON quality_checks (work_order, point, at);
                CREATE TABLE nonconformances (
                    nonconformance TEXT PRIMARY KEY,
                    work_order TEXT,
                    supplier TEXT,
                    item TEXT NOT NULL,
                    lot TEXT,
                    quantity INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    disposition TEXT NOT NULL,
                    at TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("7-sourcing") { db in
            try db.execute(sql: """
                ALTER TABLE purchase_order_lines ADD COLUMN placed_at TEXT;
                ALTER TABLE purchase_order_lines ADD COLUMN price TEXT;
                ALTER TABLE purchase_order_lines ADD COLUMN confirmed_due TEXT;
                ALTER TABLE purchase_order_lines ADD COLUMN confirmed_quantity INTEGER;
                ALTER TABLE purchase_order_lines ADD COLUMN confirmed_at TEXT;
                -- key: what the alert is about, so the same condition raises one alert (e.g. overdue:PO-1/2).
                CREATE TABLE alerts (
                    alert_id TEXT PRIMARY KEY,
                    key TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL,
                    summary TEXT NOT NULL,
                    body TEXT NOT NULL,
                    raised_at TEXT NOT NULL,
                    delivered_at TEXT,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at TEXT NOT NULL
                );
                CREATE TABLE alert_deliveries (
                    alert_id TEXT NOT NULL REFERENCES alerts(alert_id),
                    attempt INTEGER NOT NULL,
                    at TEXT NOT NULL,
                    url TEXT NOT NULL,
                    status INTEGER,
                    error TEXT,
                    PRIMARY KEY (alert_id, attempt)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("8-mqtt-inbox-progress") { db in
            try db.execute(sql: """
                -- how far the MQTT inbox (the file {store.path}-inbox) has been projected into this store: advanced in
                -- the projection's own transaction, so that every inbox entry is projected exactly once
                CREATE TABLE mqtt_inbox_progress (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    projected_through INTEGER NOT NULL
                );
                INSERT INTO mqtt_inbox_progress (id, projected_through) VALUES (1, 0);
                """)
        }
        migrator.registerMigration("9-reorder-rules") { db in
            try db.execute(sql: """
                -- plant-owned reorder rules, one per item; quantities in millionths of the item's base unit; supplier and
                -- lead_time_days are the rule's overrides (NULL: from the hub's supplier items)
                CREATE TABLE reorder_rules (
                    item TEXT PRIMARY KEY,
                    minimum INTEGER NOT NULL,
                    maximum INTEGER NOT NULL,
                    multiple INTEGER NOT NULL CHECK (multiple > 0),
                    supplier TEXT,
                    lead_time_days INTEGER,
                    updated_at TEXT NOT NULL,
                    CHECK (maximum >= minimum)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("10-instructions-and-approvals") { db in
            try db.execute(sql: """
                -- the newest of the hub's instructions to this plant applied, advanced in the applying transaction
                CREATE TABLE hub_instruction_progress (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    applied_through INTEGER NOT NULL
                );
                INSERT INTO hub_instruction_progress (id, applied_through) VALUES (1, 0);
                -- request and decision: the ApprovalRequested and ApprovalDecided payloads
                CREATE TABLE approvals (
                    approval_id TEXT PRIMARY KEY,
                    request TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
                    requested_at TEXT NOT NULL,
                    decision TEXT,
                    decided_at TEXT
                );
                """)
        }
        migrator.registerMigration("11-machine-rows-before-their-event") { db in
            // Machine signals share one event per transaction, appended after their rows (MachineSignalRecorder):
            // the rows name its sequence without a foreign key, which SQLite would check before the event exists.
            try db.execute(sql: """
                CREATE TABLE machine_states_new (
                    line TEXT NOT NULL,
                    machine TEXT NOT NULL,
                    at TEXT NOT NULL,
                    state TEXT NOT NULL,
                    reason TEXT,
                    seq INTEGER NOT NULL, -- the MachineSignalsReported event (or older per-message event) carrying it
                    PRIMARY KEY (line, machine, at)
                ) WITHOUT ROWID;
                INSERT INTO machine_states_new (line, machine, at, state, reason, seq)
                SELECT line, machine, at, state, reason, seq FROM machine_states;
                DROP TABLE machine_states;
                ALTER TABLE machine_states_new RENAME TO machine_states;
                CREATE TABLE machine_counts_new (
                    line TEXT NOT NULL,
                    machine TEXT NOT NULL,
                    at TEXT NOT NULL,
                    good INTEGER NOT NULL,
                    scrap INTEGER NOT NULL,
                    seq INTEGER NOT NULL,
                    PRIMARY KEY (line, machine, at)
                ) WITHOUT ROWID;
                INSERT INTO machine_counts_new (line, machine, at, good, scrap, seq)
                SELECT line, machine, at, good, scrap, seq FROM machine_counts;
                DROP TABLE machine_counts;
                ALTER TABLE machine_counts_new RENAME TO machine_counts;
                """)
        }
        migrator.registerMigration("12-lot-label-dates") { db in
            // A lot keeps every date its labels carry (best-before AI 15, production date AI 11) beside its expiry,
            // so a later label naming other dates is refused rather than dropped (LotLabel).
            try db.execute(sql: """
                ALTER TABLE lots ADD COLUMN best_before TEXT;
                ALTER TABLE lots ADD COLUMN produced TEXT;
                """)
        }
        migrator.registerMigration("13-purchase-line-money") { db in
            // A line's unit price is an amount and a currency (Money), no longer "AMOUNT CURRENCY" in one column.
            try db.execute(sql: """
                ALTER TABLE purchase_order_lines ADD COLUMN price_amount TEXT;
                ALTER TABLE purchase_order_lines ADD COLUMN price_currency TEXT;
                UPDATE purchase_order_lines SET price_amount = substr(price, 1, instr(price, ' ') - 1), price_currency = substr(price, instr(price, ' ') + 1)
                    WHERE instr(price, ' ') > 0;
                UPDATE purchase_order_lines SET price_amount = price WHERE price IS NOT NULL AND instr(price, ' ') = 0;
                ALTER TABLE purchase_order_lines DROP COLUMN price;
                """)
        }
        return migrator
    }
}
