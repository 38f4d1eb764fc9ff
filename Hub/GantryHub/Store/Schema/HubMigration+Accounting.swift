import PostgresNIO

extension HubMigration {
    /// The hub's ledger (docs/accounting.md): journal entries posted from plant events, their lines, the balances
    /// kept on apply per company, period, account and currency (so a trial balance never scans lines), the stock
    /// positions, work in progress and value in transit posting carries from one event to the next, postings held
    /// for what the masters lack, closed periods, and the plants' location types (the latest `LocationDefined` of
    /// each location, from the events the hub holds already and then on apply), which tell quarantine and scrap
    /// moves. Amounts in minor units, quantities in millionths.
    static let accounting = HubMigration(
        number: 10, name: "accounting",
        sqlite: """
            -- One balanced entry per company and source key (event:ID:PART), never edited.
            CREATE TABLE journal_entries (
                company TEXT NOT NULL,
                source_key TEXT NOT NULL,
                source_kind TEXT NOT NULL,
                reference TEXT NOT NULL,
                plant_id TEXT,
                seq INTEGER,
                kind TEXT NOT NULL,
                posting_date TEXT NOT NULL,
                period TEXT NOT NULL,
                original_date TEXT,
                note TEXT,
                transaction_currency TEXT NOT NULL,
                functional_currency TEXT NOT NULL,
                posted_at TEXT NOT NULL,
                PRIMARY KEY (company, source_key)
            ) WITHOUT ROWID;
            CREATE INDEX journal_entries_date ON journal_entries (company, posting_date);
            -- Debit positive, credit negative; amount in the transaction currency, functional_amount in the company's.
            CREATE TABLE journal_lines (
                company TEXT NOT NULL,
                source_key TEXT NOT NULL,
                line_no INTEGER NOT NULL,
                account TEXT NOT NULL,
                amount INTEGER NOT NULL,
                functional_amount INTEGER NOT NULL,
                item TEXT,
                quantity INTEGER,
                trading_partner TEXT,
                customer TEXT,
                PRIMARY KEY (company, source_key, line_no)
            ) WITHOUT ROWID;
            CREATE INDEX journal_lines_account ON journal_lines (company, account);
            -- Kept on apply: functional debits and credits, and the transaction currency's, per currency.
            CREATE TABLE ledger_balances (
                company TEXT NOT NULL,
                period TEXT NOT NULL,
                account TEXT NOT NULL,
                currency TEXT NOT NULL,
                debit INTEGER NOT NULL,
                credit INTEGER NOT NULL,
                transaction_debit INTEGER NOT NULL,
                transaction_credit INTEGER NOT NULL,
                PRIMARY KEY (company, period, account, currency)
            ) WITHOUT ROWID;
            CREATE TABLE ledger_positions (
                company TEXT NOT NULL,
                plant_id TEXT NOT NULL,
                item TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                value INTEGER NOT NULL,
                PRIMARY KEY (company, plant_id, item)
            ) WITHOUT ROWID;
            -- issued: material issued per item (JSON object of millionths).
            CREATE TABLE ledger_wip (
                plant_id TEXT NOT NULL,
                work_order TEXT NOT NULL,
                company TEXT NOT NULL,
                value INTEGER NOT NULL,
                issued TEXT NOT NULL,
                closed INTEGER NOT NULL,
                PRIMARY KEY (plant_id, work_order)
            ) WITHOUT ROWID;
            CREATE TABLE ledger_in_transit (
                transfer TEXT NOT NULL,
                line INTEGER NOT NULL,
                company TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                value INTEGER NOT NULL,
                PRIMARY KEY (transfer, line)
            ) WITHOUT ROWID;
            -- Events applied but not posted, with why; retried from the event's stored payload.
            CREATE TABLE ledger_held (
                plant_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                event_id TEXT NOT NULL,
                company TEXT NOT NULL,
                code TEXT NOT NULL,
                detail TEXT NOT NULL,
                held_at TEXT NOT NULL,
                PRIMARY KEY (plant_id, seq)
            ) WITHOUT ROWID;
            CREATE INDEX ledger_held_company ON ledger_held (company);
            CREATE TABLE ledger_periods (
                company TEXT NOT NULL,
                period TEXT NOT NULL,
                closed_at TEXT NOT NULL,
                closed_by TEXT NOT NULL,
                PRIMARY KEY (company, period)
            ) WITHOUT ROWID;
            CREATE TABLE ledger_locations (
                plant_id TEXT NOT NULL,
                location TEXT NOT NULL,
                type TEXT NOT NULL,
                PRIMARY KEY (plant_id, location)
            ) WITHOUT ROWID;
            INSERT INTO ledger_locations (plant_id, location, type)
                SELECT plant_id, json_extract(payload, '$.code'), json_extract(payload, '$.type') FROM events
                WHERE type = 'LocationDefined' AND status = 'applied' ORDER BY plant_id, seq
                ON CONFLICT (plant_id, location) DO UPDATE SET type = excluded.type;
            CREATE TABLE ledger_definitions (
                plant_id TEXT NOT NULL,
                item TEXT NOT NULL,
                type TEXT NOT NULL,
                payload TEXT NOT NULL,
                PRIMARY KEY (plant_id, item, type)
            ) WITHOUT ROWID;
            INSERT INTO ledger_definitions (plant_id, item, type, payload)
                SELECT plant_id, json_extract(payload, '$.item'), type, payload FROM events
                WHERE type IN ('BOMDefined', 'RoutingDefined') AND status = 'applied' ORDER BY plant_id, seq
                ON CONFLICT (plant_id, item, type) DO UPDATE SET payload = excluded.payload;
            """,
        postgres: [
            """
            CREATE TABLE IF NOT EXISTS journal_entries (
                company text NOT NULL,
                source_key text NOT NULL,
                source_kind text NOT NULL,
                reference text NOT NULL,
                plant_id text,
                seq bigint,
                kind text NOT NULL,
                posting_date text NOT NULL,
                period text NOT NULL,
                original_date text,
                note text,
                transaction_currency text NOT NULL,
                functional_currency text NOT NULL,
                posted_at timestamptz NOT NULL,
                PRIMARY KEY (company, source_key)
            )
            """,
            "CREATE INDEX IF NOT EXISTS journal_entries_date ON journal_entries (company, posting_date)",
            """
            CREATE TABLE IF NOT EXISTS journal_lines (
                company text NOT NULL,
                source_key text NOT NULL,
                line_no integer NOT NULL,
                account text NOT NULL,
                amount bigint NOT NULL,
                functional_amount bigint NOT NULL,
                item text,
                quantity bigint,
                trading_partner text,
                customer text,
                PRIMARY KEY (company, source_key, line_no)
            )
            """,
            "CREATE INDEX IF NOT EXISTS journal_lines_account ON journal_lines (company, account)",
            """
            CREATE TABLE IF NOT EXISTS ledger_balances (
                company text NOT NULL,
                period text NOT NULL,
                account text NOT NULL,
                currency text NOT NULL,
                debit bigint NOT NULL,
                credit bigint NOT NULL,
                transaction_debit bigint NOT NULL,
                transaction_credit bigint NOT NULL,
                PRIMARY KEY (company, period, account, currency)
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS ledger_positions (
                company text NOT NULL,
                plant_id text NOT NULL,
                item text NOT NULL,
                quantity bigint NOT NULL,
                value bigint NOT NULL,
                PRIMARY KEY (company, plant_id, item)
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS ledger_wip (
                plant_id text NOT NULL,
                work_order text NOT NULL,
                company text NOT NULL,
                value bigint NOT NULL,
                issued jsonb NOT NULL,
                closed boolean NOT NULL,
                PRIMARY KEY (plant_id, work_order)
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS ledger_in_transit (
                transfer text NOT NULL,
                line integer NOT NULL,
                company text NOT NULL,
                quantity bigint NOT NULL,
                value bigint NOT NULL,
                PRIMARY KEY (transfer, line)
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS ledger_held (
                plant_id text NOT NULL,
                seq bigint NOT NULL,
                event_id uuid NOT NULL,
                company text NOT NULL,
                code text NOT NULL,
                detail text NOT NULL,
                held_at timestamptz NOT NULL,
                PRIMARY KEY (plant_id, seq)
            )
            """,
            "CREATE INDEX IF NOT EXISTS ledger_held_company ON ledger_held (company)",
            """
            CREATE TABLE IF NOT EXISTS ledger_periods (
                company text NOT NULL,
                period text NOT NULL,
                closed_at timestamptz NOT NULL,
                closed_by text NOT NULL,
                PRIMARY KEY (company, period)
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS ledger_locations (
                plant_id text NOT NULL,
                location text NOT NULL,
                type text NOT NULL,
                PRIMARY KEY (plant_id, location)
            )
            """,
            """
            INSERT INTO ledger_locations (plant_id, location, type)
            SELECT DISTINCT ON (plant_id, payload->>'code') plant_id, payload->>'code', payload->>'type' FROM events
            WHERE type = 'LocationDefined' AND status = 'applied'
            ORDER BY plant_id, payload->>'code', seq DESC
            ON CONFLICT (plant_id, location) DO UPDATE SET type = excluded.type
            """,
            """
            CREATE TABLE IF NOT EXISTS ledger_definitions (
                plant_id text NOT NULL,
                item text NOT NULL,
                type text NOT NULL,
                payload text NOT NULL,
                PRIMARY KEY (plant_id, item, type)
            )
            """,
            """
            INSERT INTO ledger_definitions (plant_id, item, type, payload)
            SELECT DISTINCT ON (plant_id, payload->>'item', type) plant_id, payload->>'item', type, payload::text FROM events
            WHERE type IN ('BOMDefined', 'RoutingDefined') AND status = 'applied'
            ORDER BY plant_id, payload->>'item', type, seq DESC
            ON CONFLICT (plant_id, item, type) DO UPDATE SET payload = excluded.payload
            """,
        ])
}
