import GRDB

/// The shipping tables (migration 14): outbound orders (customer orders and transfers this plant ships), logistic
/// units and their contents, shipments, and what this plant expects from transfers to it.
extension AgentMigrations {
    /// Migration "14-shipping".
    static func shipping(_ db: Database) throws {
        try db.execute(sql: """
            -- Customer orders and transfers this plant ships, as the hub handed them (body: the instruction's body).
            CREATE TABLE outbound_orders (
                reference TEXT PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('customer-order', 'transfer')),
                instruction INTEGER NOT NULL,
                counterpart TEXT NOT NULL, -- the customer, or the receiving plant
                company TEXT NOT NULL,
                trading_partner TEXT,      -- the buying company of an intercompany transfer
                requested TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('open', 'shipped', 'refused')),
                body TEXT NOT NULL
            );
            -- Quantities in millionths of the item's base unit; price per base unit in the order's currency.
            CREATE TABLE outbound_lines (
                reference TEXT NOT NULL REFERENCES outbound_orders(reference),
                line INTEGER NOT NULL,
                item TEXT NOT NULL,
                ordered INTEGER NOT NULL,
                packed INTEGER NOT NULL DEFAULT 0,
                shipped INTEGER NOT NULL DEFAULT 0,
                price_amount TEXT,
                price_currency TEXT,
                accepted INTEGER NOT NULL,
                promised TEXT,
                reason TEXT,
                PRIMARY KEY (reference, line)
            ) WITHOUT ROWID;
            -- The last serial reference allocated under each GS1 company prefix.
            CREATE TABLE sscc_serials (
                prefix TEXT PRIMARY KEY,
                last INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE logistic_units (
                sscc TEXT PRIMARY KEY,
                reference TEXT NOT NULL REFERENCES outbound_orders(reference),
                location TEXT NOT NULL REFERENCES locations(code),
                status TEXT NOT NULL CHECK (status IN ('open', 'shipped')),
                shipment TEXT,
                created_at TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX logistic_units_reference ON logistic_units (reference, status);
            CREATE TABLE logistic_unit_contents (
                sscc TEXT NOT NULL REFERENCES logistic_units(sscc),
                line INTEGER NOT NULL,
                item TEXT NOT NULL,
                lot TEXT NOT NULL,
                serial TEXT NOT NULL,
                quantity INTEGER NOT NULL CHECK (quantity > 0),
                PRIMARY KEY (sscc, line, item, lot, serial)
            ) WITHOUT ROWID;
            CREATE TABLE shipments (
                shipment TEXT PRIMARY KEY,
                reference TEXT NOT NULL REFERENCES outbound_orders(reference),
                carrier TEXT NOT NULL,
                tracking TEXT NOT NULL,
                at TEXT NOT NULL,
                seq INTEGER NOT NULL
            ) WITHOUT ROWID;
            -- Transfers to this plant, from the hub's transfer-in instruction (or its first inbound shipment).
            CREATE TABLE inbound_transfers (
                transfer TEXT PRIMARY KEY,
                from_plant TEXT NOT NULL,
                company TEXT NOT NULL,
                trading_partner TEXT,
                sender_prefix TEXT,
                status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
                body TEXT
            ) WITHOUT ROWID;
            CREATE TABLE inbound_units (
                sscc TEXT PRIMARY KEY,
                transfer TEXT NOT NULL,
                shipment TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('expected', 'received', 'short')),
                location TEXT,
                received_at TEXT
            ) WITHOUT ROWID;
            CREATE INDEX inbound_units_transfer ON inbound_units (transfer, status);
            CREATE TABLE inbound_unit_contents (
                sscc TEXT NOT NULL REFERENCES inbound_units(sscc),
                line INTEGER NOT NULL,
                item TEXT NOT NULL,
                lot TEXT NOT NULL,
                serial TEXT NOT NULL,
                expiry TEXT,
                quantity INTEGER NOT NULL,
                PRIMARY KEY (sscc, line, item, lot, serial)
            ) WITHOUT ROWID;
            CREATE TABLE transfer_discrepancies (
                discrepancy TEXT PRIMARY KEY,
                transfer TEXT NOT NULL,
                sscc TEXT,
                kind TEXT NOT NULL CHECK (kind IN ('short', 'over', 'damaged')),
                line INTEGER NOT NULL,
                item TEXT NOT NULL,
                lot TEXT NOT NULL,
                serial TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                reason TEXT NOT NULL,
                recorded_by TEXT NOT NULL,
                at TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX transfer_discrepancies_transfer ON transfer_discrepancies (transfer);
            """)
    }
}
