import PostgresNIO

extension HubMigration {
    /// Customer orders and transfers handed to plants, what the plants shipped and received, discrepancies and their
    /// settlement, and the lots received against purchase orders (docs/shipping.md). Quantities in millionths of the
    /// item's base unit. On PostgreSQL every statement is IF NOT EXISTS, as in 8: a database whose recorded versions
    /// were rewritten (renumbered, or set back to an older hub's) runs the step again over tables it has.
    static let shipping = HubMigration(
        number: 9, name: "shipping",
        sqlite: """
            -- Customer orders handed to plants; body: the CustomerOrderInstruction (canonical JSON).
            CREATE TABLE customer_orders (
                company TEXT NOT NULL,
                order_ref TEXT NOT NULL,
                plant_id TEXT NOT NULL REFERENCES plants(plant_id),
                customer TEXT NOT NULL,
                currency TEXT NOT NULL,
                requested TEXT NOT NULL,
                body TEXT NOT NULL,
                ordered_at TEXT NOT NULL,
                ordered_by TEXT NOT NULL,
                PRIMARY KEY (company, order_ref)
            ) WITHOUT ROWID;
            -- Their lines, with the plant's answer; quantities in millionths, prices decimal text.
            CREATE TABLE customer_order_lines (
                company TEXT NOT NULL,
                order_ref TEXT NOT NULL,
                line INTEGER NOT NULL,
                item TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                price TEXT NOT NULL,
                promised TEXT,
                accepted INTEGER,
                answered_promised TEXT,
                answer_reason TEXT,
                PRIMARY KEY (company, order_ref, line)
            ) WITHOUT ROWID;
            -- Transfers between plants; body: the TransferInstruction both plants received.
            CREATE TABLE transfers (
                transfer TEXT NOT NULL,
                from_plant TEXT NOT NULL REFERENCES plants(plant_id),
                to_plant TEXT NOT NULL REFERENCES plants(plant_id),
                from_company TEXT NOT NULL,
                to_company TEXT NOT NULL,
                requested TEXT NOT NULL,
                body TEXT NOT NULL,
                created_at TEXT NOT NULL,
                created_by TEXT NOT NULL,
                closed_at TEXT,
                closed_by TEXT,
                units_received INTEGER,
                units_short INTEGER,
                PRIMARY KEY (transfer)
            ) WITHOUT ROWID;
            -- Their lines with the transfer price (none within one company) and the sender's answer.
            CREATE TABLE transfer_lines (
                transfer TEXT NOT NULL,
                line INTEGER NOT NULL,
                item TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                price TEXT,
                currency TEXT,
                accepted INTEGER,
                answered_promised TEXT,
                answer_reason TEXT,
                PRIMARY KEY (transfer, line)
            ) WITHOUT ROWID;
            -- What left a plant (ShipmentDispatched); company and trading_partner as the event carries them.
            CREATE TABLE shipments (
                plant_id TEXT NOT NULL,
                shipment TEXT NOT NULL,
                seq INTEGER NOT NULL,
                kind TEXT NOT NULL,
                order_ref TEXT NOT NULL,
                customer TEXT,
                to_plant TEXT,
                company TEXT NOT NULL,
                trading_partner TEXT,
                carrier TEXT NOT NULL,
                tracking TEXT NOT NULL,
                dispatched_at TEXT NOT NULL,
                PRIMARY KEY (plant_id, shipment)
            ) WITHOUT ROWID;
            -- Per order or transfer line: what the shipment carried and at what price.
            CREATE TABLE shipment_lines (
                plant_id TEXT NOT NULL,
                shipment TEXT NOT NULL,
                line INTEGER NOT NULL,
                item TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                price TEXT,
                currency TEXT,
                PRIMARY KEY (plant_id, shipment, line)
            ) WITHOUT ROWID;
            -- Logistic units shipped; a transfer's unit is in transit until received_at.
            CREATE TABLE shipment_units (
                plant_id TEXT NOT NULL,
                shipment TEXT NOT NULL,
                sscc TEXT NOT NULL,
                kind TEXT NOT NULL,
                order_ref TEXT NOT NULL,
                company TEXT NOT NULL,
                trading_partner TEXT,
                received_at TEXT,
                received_by TEXT,
                received_plant TEXT,
                PRIMARY KEY (plant_id, shipment, sscc)
            ) WITHOUT ROWID;
            -- What is in each unit; lot and serial '' when none; received and damaged once the unit is received.
            CREATE TABLE shipment_contents (
                plant_id TEXT NOT NULL,
                shipment TEXT NOT NULL,
                sscc TEXT NOT NULL,
                content_no INTEGER NOT NULL,
                line INTEGER NOT NULL,
                item TEXT NOT NULL,
                lot TEXT NOT NULL,
                serial TEXT NOT NULL,
                expiry TEXT,
                quantity INTEGER NOT NULL,
                received INTEGER,
                damaged INTEGER,
                PRIMARY KEY (plant_id, shipment, sscc, content_no)
            ) WITHOUT ROWID;
            -- Short, over and damaged receipts, and how each was settled at the hub.
            CREATE TABLE transfer_discrepancies (
                transfer TEXT NOT NULL,
                discrepancy TEXT NOT NULL,
                plant_id TEXT NOT NULL,
                sscc TEXT,
                kind TEXT NOT NULL,
                line INTEGER NOT NULL,
                item TEXT NOT NULL,
                lot TEXT NOT NULL,
                serial TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                reason TEXT NOT NULL,
                recorded_by TEXT NOT NULL,
                recorded_at TEXT NOT NULL,
                company TEXT NOT NULL,
                trading_partner TEXT,
                resolution TEXT,
                settlement_note TEXT,
                settled_by TEXT,
                settled_at TEXT,
                PRIMARY KEY (transfer, discrepancy)
            ) WITHOUT ROWID;
            -- Lots received against purchase order lines: the leaves of a backward trace.
            CREATE TABLE received_lots (
                plant_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                item TEXT NOT NULL,
                lot TEXT NOT NULL,
                purchase_order TEXT NOT NULL,
                line INTEGER NOT NULL,
                quantity INTEGER NOT NULL,
                received_at TEXT NOT NULL,
                PRIMARY KEY (plant_id, seq)
            ) WITHOUT ROWID;
            CREATE INDEX customer_orders_plant ON customer_orders (plant_id);
            CREATE INDEX transfers_to_plant ON transfers (to_plant);
            CREATE INDEX transfers_from_plant ON transfers (from_plant);
            CREATE INDEX shipments_order ON shipments (order_ref);
            CREATE INDEX shipment_units_order ON shipment_units (order_ref, sscc);
            CREATE INDEX shipment_contents_lot ON shipment_contents (item, lot);
            CREATE INDEX received_lots_lot ON received_lots (item, lot);
            CREATE INDEX lot_links_output_plant ON lot_links (output_item, output_lot, plant_id);
            """,
        postgres: [
            // Customer orders handed to plants; body: the CustomerOrderInstruction (canonical JSON).
            """
            CREATE TABLE IF NOT EXISTS customer_orders (
                company text NOT NULL,
                order_ref text NOT NULL,
                plant_id text NOT NULL REFERENCES plants(plant_id),
                customer text NOT NULL,
                currency text NOT NULL,
                requested text NOT NULL,
                body jsonb NOT NULL,
                ordered_at timestamptz NOT NULL,
                ordered_by text NOT NULL,
                PRIMARY KEY (company, order_ref)
            )
            """,
            // Their lines, with the plant's answer; quantities in millionths, prices decimal text.
            """
            CREATE TABLE IF NOT EXISTS customer_order_lines (
                company text NOT NULL,
                order_ref text NOT NULL,
                line integer NOT NULL,
                item text NOT NULL,
                quantity bigint NOT NULL,
                price text NOT NULL,
                promised text,
                accepted boolean,
                answered_promised text,
                answer_reason text,
                PRIMARY KEY (company, order_ref, line)
            )
            """,
            // Transfers between plants; body: the TransferInstruction both plants received.
            """
            CREATE TABLE IF NOT EXISTS transfers (
                transfer text NOT NULL,
                from_plant text NOT NULL REFERENCES plants(plant_id),
                to_plant text NOT NULL REFERENCES plants(plant_id),
                from_company text NOT NULL,
                to_company text NOT NULL,
                requested text NOT NULL,
                body jsonb NOT NULL,
                created_at timestamptz NOT NULL,
                created_by text NOT NULL,
                closed_at timestamptz,
                closed_by text,
                units_received bigint,
                units_short bigint,
                PRIMARY KEY (transfer)
            )
            """,
            // Their lines with the transfer price (none within one company) and the sender's answer.
            """
            CREATE TABLE IF NOT EXISTS transfer_lines (
                transfer text NOT NULL,
                line integer NOT NULL,
                item text NOT NULL,
                quantity bigint NOT NULL,
                price text,
                currency text,
                accepted boolean,
                answered_promised text,
                answer_reason text,
                PRIMARY KEY (transfer, line)
            )
            """,
            // What left a plant (ShipmentDispatched); company and trading_partner as the event carries them.
            """
            CREATE TABLE IF NOT EXISTS shipments (
                plant_id text NOT NULL,
                shipment text NOT NULL,
                seq bigint NOT NULL,
                kind text NOT NULL,
                order_ref text NOT NULL,
                customer text,
                to_plant text,
                company text NOT NULL,
                trading_partner text,
                carrier text NOT NULL,
                tracking text NOT NULL,
                dispatched_at timestamptz NOT NULL,
                PRIMARY KEY (plant_id, shipment)
            )
            """,
            // Per order or transfer line: what the shipment carried and at what price.
            """
            CREATE TABLE IF NOT EXISTS shipment_lines (
                plant_id text NOT NULL,
                shipment text NOT NULL,
                line integer NOT NULL,
                item text NOT NULL,
                quantity bigint NOT NULL,
                price text,
                currency text,
                PRIMARY KEY (plant_id, shipment, line)
            )
            """,
            // Logistic units shipped; a transfer's unit is in transit until received_at.
            """
            CREATE TABLE IF NOT EXISTS shipment_units (
                plant_id text NOT NULL,
                shipment text NOT NULL,
                sscc text NOT NULL,
                kind text NOT NULL,
                order_ref text NOT NULL,
                company text NOT NULL,
                trading_partner text,
                received_at timestamptz,
                received_by text,
                received_plant text,
                PRIMARY KEY (plant_id, shipment, sscc)
            )
            """,
            // What is in each unit; lot and serial '' when none; received and damaged once the unit is received.
            """
            CREATE TABLE IF NOT EXISTS shipment_contents (
                plant_id text NOT NULL,
                shipment text NOT NULL,
                sscc text NOT NULL,
                content_no integer NOT NULL,
                line integer NOT NULL,
                item text NOT NULL,
                lot text NOT NULL,
                serial text NOT NULL,
                expiry text,
                quantity bigint NOT NULL,
                received bigint,
                damaged bigint,
                PRIMARY KEY (plant_id, shipment, sscc, content_no)
            )
            """,
            // Short, over and damaged receipts, and how each was settled at the hub.
            """
            CREATE TABLE IF NOT EXISTS transfer_discrepancies (
                transfer text NOT NULL,
                discrepancy text NOT NULL,
                plant_id text NOT NULL,
                sscc text,
                kind text NOT NULL,
                line integer NOT NULL,
                item text NOT NULL,
                lot text NOT NULL,
                serial text NOT NULL,
                quantity bigint NOT NULL,
                reason text NOT NULL,
                recorded_by text NOT NULL,
                recorded_at timestamptz NOT NULL,
                company text NOT NULL,
                trading_partner text,
                resolution text,
                settlement_note text,
                settled_by text,
                settled_at timestamptz,
                PRIMARY KEY (transfer, discrepancy)
            )
            """,
            // Lots received against purchase order lines: the leaves of a backward trace.
            """
            CREATE TABLE IF NOT EXISTS received_lots (
                plant_id text NOT NULL,
                seq bigint NOT NULL,
                item text NOT NULL,
                lot text NOT NULL,
                purchase_order text NOT NULL,
                line integer NOT NULL,
                quantity bigint NOT NULL,
                received_at timestamptz NOT NULL,
                PRIMARY KEY (plant_id, seq)
            )
            """,
            "CREATE INDEX IF NOT EXISTS customer_orders_plant ON customer_orders (plant_id)",
            "CREATE INDEX IF NOT EXISTS transfers_to_plant ON transfers (to_plant)",
            "CREATE INDEX IF NOT EXISTS transfers_from_plant ON transfers (from_plant)",
            "CREATE INDEX IF NOT EXISTS shipments_order ON shipments (order_ref)",
            "CREATE INDEX IF NOT EXISTS shipment_units_order ON shipment_units (order_ref, sscc)",
            "CREATE INDEX IF NOT EXISTS shipment_contents_lot ON shipment_contents (item, lot)",
            "CREATE INDEX IF NOT EXISTS received_lots_lot ON received_lots (item, lot)",
            "CREATE INDEX IF NOT EXISTS lot_links_output_plant ON lot_links (output_item, output_lot, plant_id)",
        ])
}
