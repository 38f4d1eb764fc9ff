import PostgresNIO

extension HubMigration {
    /// What GRNI holds per purchase order line of a plant, kept as receipts, returns and matched invoices post
    /// (docs/consolidation.md, "Supplier invoices"): the quantity received and not invoiced (millionths) and its credit
    /// in the PO's currency and the company's functional one (minor units, a credit positive). An invoice reads its
    /// lines' rows by key inside its transaction and clears what the receipts put there. Receipts posted before this
    /// step are not in it: their invoices clear at the invoice day's rate, as before.
    static let grniBalances = HubMigration(
        number: 22, name: "grni-balances",
        sqlite: """
            CREATE TABLE ledger_grni (
                plant_id TEXT NOT NULL,
                purchase_order TEXT NOT NULL,
                line INTEGER NOT NULL,
                company TEXT NOT NULL,
                quantity INTEGER NOT NULL,
                amount INTEGER NOT NULL,
                functional_amount INTEGER NOT NULL,
                PRIMARY KEY (plant_id, purchase_order, line)
            ) WITHOUT ROWID;
        """,
        postgres: [
            """
            CREATE TABLE IF NOT EXISTS ledger_grni (
                plant_id text NOT NULL,
                purchase_order text NOT NULL,
                line integer NOT NULL,
                company text NOT NULL,
                quantity bigint NOT NULL,
                amount bigint NOT NULL,
                functional_amount bigint NOT NULL,
                PRIMARY KEY (plant_id, purchase_order, line)
            )
            """,
        ])
}
