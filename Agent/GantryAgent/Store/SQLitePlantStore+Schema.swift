import GRDB

extension SQLitePlantStore {
    /// Versioned migrations, applied in order at open. Never edit a shipped migration: add the next one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1-event-log", migrate: AgentMigrations.eventLog)
        migrator.registerMigration("2-machine-signals", migrate: AgentMigrations.machineSignals)
        migrator.registerMigration("3-maintenance", migrate: AgentMigrations.maintenance)
        migrator.registerMigration("4-hub-masters", migrate: AgentMigrations.hubMasters)
        migrator.registerMigration("5-inventory", migrate: AgentMigrations.inventory)
        migrator.registerMigration("6-production", migrate: AgentMigrations.production)
        migrator.registerMigration("7-sourcing", migrate: AgentMigrations.sourcing)
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
        migrator.registerMigration("14-shipping", migrate: AgentMigrations.shipping)
        migrator.registerMigration("15-sparkplug-nodes", migrate: AgentMigrations.sparkplugNodes)
        migrator.registerMigration("16-dashboard-sessions", migrate: AgentMigrations.dashboardSessions)
        migrator.registerMigration("17-event-retention", migrate: AgentMigrations.eventRetention)
        return migrator
    }
}
