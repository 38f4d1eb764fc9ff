import GRDB

/// The stock, production and sourcing tables (migrations 5 to 7).
extension AgentMigrations {
    /// Migration "5-inventory".
    static func inventory(_ db: Database) throws {
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

    /// Migration "6-production".
    static func production(_ db: Database) throws {
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

    /// Migration "7-sourcing".
    static func sourcing(_ db: Database) throws {
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
}
