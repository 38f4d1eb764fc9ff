import PostgresNIO

extension HubMigration {
    /// What the group consolidation reads, kept on apply in the posting's transaction (docs/consolidation.md, "At the
    /// hub"; `LedgerConsolidationSums`), so a consolidation reads sums and never journal lines: the intercompany lines
    /// summed per company, period, trading partner, entry kind, account and item ('' for none), the entries behind
    /// each sum (its drill-down), the first posting day per company and account (equity at historical rates), and the
    /// net quantity per company, account, item and posting day (stock still held). A ledger posted before this
    /// migration is summed from its journal lines here, with the SQL the benchmark's bulk load uses too.
    static let consolidation = HubMigration(
        number: 12, name: "consolidation-sums",
        sqlite: """
            CREATE TABLE ledger_intercompany (
                company TEXT NOT NULL,
                period TEXT NOT NULL,
                partner TEXT NOT NULL,
                kind TEXT NOT NULL,
                account TEXT NOT NULL,
                item TEXT NOT NULL,
                amount INTEGER NOT NULL,
                quantity INTEGER NOT NULL,
                quantity_lines INTEGER NOT NULL,
                entries INTEGER NOT NULL,
                PRIMARY KEY (company, period, partner, kind, account, item)
            ) WITHOUT ROWID;
            CREATE TABLE ledger_intercompany_entries (
                company TEXT NOT NULL,
                partner TEXT NOT NULL,
                kind TEXT NOT NULL,
                account TEXT NOT NULL,
                item TEXT NOT NULL,
                period TEXT NOT NULL,
                source_key TEXT NOT NULL,
                posting_date TEXT NOT NULL,
                PRIMARY KEY (company, partner, kind, account, item, period, source_key)
            ) WITHOUT ROWID;
            CREATE TABLE ledger_first_postings (
                company TEXT NOT NULL,
                account TEXT NOT NULL,
                posting_date TEXT NOT NULL,
                PRIMARY KEY (company, account)
            ) WITHOUT ROWID;
            CREATE TABLE ledger_stock (
                company TEXT NOT NULL,
                account TEXT NOT NULL,
                item TEXT NOT NULL,
                posting_date TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                PRIMARY KEY (company, account, item, posting_date)
            ) WITHOUT ROWID;
            \(ConsolidationBackfill.intercompany(collate: "")) ;
            \(ConsolidationBackfill.intercompanyEntries);
            \(ConsolidationBackfill.firstPostings);
            \(ConsolidationBackfill.stock);
            """,
        postgres: [
            """
            CREATE TABLE IF NOT EXISTS ledger_intercompany (
                company text NOT NULL,
                period text NOT NULL,
                partner text NOT NULL,
                kind text NOT NULL,
                account text NOT NULL,
                item text NOT NULL,
                amount bigint NOT NULL,
                quantity bigint NOT NULL,
                quantity_lines bigint NOT NULL,
                entries bigint NOT NULL,
                PRIMARY KEY (company, period, partner, kind, account, item)
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS ledger_intercompany_entries (
                company text NOT NULL,
                partner text NOT NULL,
                kind text NOT NULL,
                account text NOT NULL,
                item text NOT NULL,
                period text NOT NULL,
                source_key text NOT NULL,
                posting_date text NOT NULL,
                PRIMARY KEY (company, partner, kind, account, item, period, source_key)
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS ledger_first_postings (
                company text NOT NULL,
                account text NOT NULL,
                posting_date text NOT NULL,
                PRIMARY KEY (company, account)
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS ledger_stock (
                company text NOT NULL,
                account text NOT NULL,
                item text NOT NULL,
                posting_date text NOT NULL,
                quantity bigint NOT NULL,
                PRIMARY KEY (company, account, item, posting_date)
            )
            """,
            PostgresQuery(unsafeSQL: ConsolidationBackfill.intercompany(collate: #" COLLATE "C""#)),
            PostgresQuery(unsafeSQL: ConsolidationBackfill.intercompanyEntries),
            PostgresQuery(unsafeSQL: ConsolidationBackfill.firstPostings),
            PostgresQuery(unsafeSQL: ConsolidationBackfill.stock),
        ])
}

/// The consolidation's sums built from journal lines, in SQL both databases run (PostgreSQL orders source keys
/// `COLLATE "C"`, as SQLite and Swift do): migration 12's backfill, and provisioning/bench_ledger.py's bulk load,
/// which the benchmark checks against what the hub kept on apply. Each gives exactly what `LedgerConsolidationSums`
/// keeps, entry by entry.
enum ConsolidationBackfill {
    /// The revenue lines of an intercompany sale take the quantities of the inventory lines of the cost-of-sales entry
    /// of the same event, item by item in order.
    static func intercompany(collate: String) -> String {
        """
        WITH ic AS (
            SELECT l.company, l.source_key, l.line_no, l.account, l.item, l.quantity, l.functional_amount, l.trading_partner,
                   e.period, e.kind, e.reference
            FROM journal_lines l JOIN journal_entries e ON e.company = l.company AND e.source_key = l.source_key
            WHERE l.trading_partner IS NOT NULL),
        shipped AS (
            SELECT company, reference, item, -quantity AS quantity,
                   row_number() OVER (PARTITION BY company, reference, item ORDER BY source_key\(collate), line_no) AS n
            FROM ic WHERE kind = 'intercompany-cost-of-sales' AND item IS NOT NULL AND quantity IS NOT NULL),
        sold AS (
            SELECT company, source_key, line_no, reference, item,
                   row_number() OVER (PARTITION BY company, reference, item ORDER BY source_key\(collate), line_no) AS n
            FROM ic WHERE kind = 'intercompany-sale' AND item IS NOT NULL AND quantity IS NULL),
        counted AS (
            SELECT ic.company, ic.period, ic.trading_partner, ic.kind, ic.account, coalesce(ic.item, '') AS item, ic.source_key,
                   ic.functional_amount, coalesce(ic.quantity, s.quantity) AS quantity
            FROM ic LEFT JOIN sold ON sold.company = ic.company AND sold.source_key = ic.source_key AND sold.line_no = ic.line_no
                    LEFT JOIN shipped s ON s.company = sold.company AND s.reference = sold.reference AND s.item = sold.item AND s.n = sold.n)
        INSERT INTO ledger_intercompany (company, period, partner, kind, account, item, amount, quantity, quantity_lines, entries)
        SELECT company, period, trading_partner, kind, account, item, sum(functional_amount), coalesce(sum(quantity), 0), count(quantity),
               count(DISTINCT source_key)
        FROM counted GROUP BY company, period, trading_partner, kind, account, item
        """
    }

    static let intercompanyEntries = """
        INSERT INTO ledger_intercompany_entries (company, partner, kind, account, item, period, source_key, posting_date)
        SELECT DISTINCT l.company, l.trading_partner, e.kind, l.account, coalesce(l.item, ''), e.period, l.source_key, e.posting_date
        FROM journal_lines l JOIN journal_entries e ON e.company = l.company AND e.source_key = l.source_key
        WHERE l.trading_partner IS NOT NULL
        """

    static let firstPostings = """
        INSERT INTO ledger_first_postings (company, account, posting_date)
        SELECT l.company, l.account, min(e.posting_date)
        FROM journal_lines l JOIN journal_entries e ON e.company = l.company AND e.source_key = l.source_key
        GROUP BY l.company, l.account
        """

    static let stock = """
        INSERT INTO ledger_stock (company, account, item, posting_date, quantity)
        SELECT l.company, l.account, l.item, e.posting_date, sum(l.quantity)
        FROM journal_lines l JOIN journal_entries e ON e.company = l.company AND e.source_key = l.source_key
        WHERE l.item IS NOT NULL AND l.quantity IS NOT NULL
        GROUP BY l.company, l.account, l.item, e.posting_date
        """
}
