import PostgresNIO

extension HubMigration {
    /// Stock and valuation at a period's end (docs/accounting.md, "Reconciliation at a period"): the plants' stock moves
    /// summed per plant, item and plant-local day of their event; the ledger's position changes per position, and what
    /// is in transit per transfer line, summed per the period they posted to; all kept on apply, in the batch's
    /// transaction. The days start with the moves of the events the hub already applied, replayed plant by plant (so
    /// they sum to `stock_balances`). Earlier position and transit changes cannot be told apart by period from what
    /// the hub kept (journal lines do not follow positions one to one), so each position and transit line as it stands
    /// goes into the period of its company's latest posting. Entries by their original date, for the reconciliation's
    /// late entries.
    static let datedStock = HubMigration(
        number: 23, name: "dated-stock",
        sqlite: """
            CREATE TABLE stock_days (
                plant_id TEXT NOT NULL,
                item TEXT NOT NULL,
                day TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                PRIMARY KEY (plant_id, item, day)
            ) WITHOUT ROWID;
            CREATE TABLE ledger_position_periods (
                company TEXT NOT NULL,
                plant_id TEXT NOT NULL,
                item TEXT NOT NULL,
                period TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                value INTEGER NOT NULL,
                PRIMARY KEY (company, plant_id, item, period)
            ) WITHOUT ROWID;
            CREATE TABLE ledger_transit_periods (
                transfer TEXT NOT NULL,
                line INTEGER NOT NULL,
                period TEXT NOT NULL,
                company TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                value INTEGER NOT NULL,
                PRIMARY KEY (transfer, line, period)
            ) WITHOUT ROWID;
            CREATE INDEX journal_entries_original ON journal_entries (company, original_date);
            INSERT INTO ledger_position_periods (company, plant_id, item, period, quantity, value)
                SELECT p.company, p.plant_id, p.item,
                       (SELECT period FROM journal_entries e WHERE e.company = p.company ORDER BY posting_date DESC, period DESC LIMIT 1),
                       p.quantity, p.value
                FROM ledger_positions p
                WHERE (p.quantity <> 0 OR p.value <> 0) AND EXISTS (SELECT 1 FROM journal_entries e WHERE e.company = p.company);
            INSERT INTO ledger_transit_periods (transfer, line, period, company, quantity, value)
                SELECT t.transfer, t.line,
                       (SELECT period FROM journal_entries e WHERE e.company = t.company ORDER BY posting_date DESC, period DESC LIMIT 1),
                       t.company, t.quantity, t.value
                FROM ledger_in_transit t
                WHERE (t.quantity <> 0 OR t.value <> 0) AND EXISTS (SELECT 1 FROM journal_entries e WHERE e.company = t.company);
            """,
        postgres: [
            """
            CREATE TABLE IF NOT EXISTS stock_days (
                plant_id text NOT NULL,
                item text NOT NULL,
                day text NOT NULL,
                quantity bigint NOT NULL,
                PRIMARY KEY (plant_id, item, day)
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS ledger_position_periods (
                company text NOT NULL,
                plant_id text NOT NULL,
                item text NOT NULL,
                period text NOT NULL,
                quantity bigint NOT NULL,
                value bigint NOT NULL,
                PRIMARY KEY (company, plant_id, item, period)
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS ledger_transit_periods (
                transfer text NOT NULL,
                line integer NOT NULL,
                period text NOT NULL,
                company text NOT NULL,
                quantity bigint NOT NULL,
                value bigint NOT NULL,
                PRIMARY KEY (transfer, line, period)
            )
            """,
            "CREATE INDEX IF NOT EXISTS journal_entries_original ON journal_entries (company, original_date)",
            """
            INSERT INTO ledger_position_periods (company, plant_id, item, period, quantity, value)
                SELECT p.company, p.plant_id, p.item, latest.period, p.quantity, p.value
                FROM ledger_positions p JOIN LATERAL (
                    SELECT period FROM journal_entries e WHERE e.company = p.company
                    ORDER BY posting_date DESC, period COLLATE "C" DESC LIMIT 1
                ) latest ON true
                WHERE p.quantity <> 0 OR p.value <> 0
            ON CONFLICT DO NOTHING
            """,
            """
            INSERT INTO ledger_transit_periods (transfer, line, period, company, quantity, value)
                SELECT t.transfer, t.line, latest.period, t.company, t.quantity, t.value
                FROM ledger_in_transit t JOIN LATERAL (
                    SELECT period FROM journal_entries e WHERE e.company = t.company
                    ORDER BY posting_date DESC, period COLLATE "C" DESC LIMIT 1
                ) latest ON true
                WHERE t.quantity <> 0 OR t.value <> 0
            ON CONFLICT DO NOTHING
            """,
        ],
        backfillsStockDays: true)
}
