import PostgresNIO

extension HubMigration {
    /// Supplier invoices entered at the hub (docs/consolidation.md, "Supplier invoices"): one row per invoice, unique
    /// per company, supplier and number, with the request as entered (`document`, canonical JSON: a resent invoice is
    /// compared by it), its status (`held` or `posted`), its hold reasons (JSON) and who entered and released it;
    /// and its lines per purchase order line at a plant (quantity in millionths), which say what of a line is
    /// invoiced. Amounts in minor units of the invoice's currency.
    static let invoices = HubMigration(
        number: 11, name: "invoices",
        sqlite: """
            CREATE TABLE supplier_invoices (
                company TEXT NOT NULL,
                supplier TEXT NOT NULL,
                number TEXT NOT NULL,
                invoice_date TEXT NOT NULL,
                currency TEXT NOT NULL,
                amount INTEGER NOT NULL,
                status TEXT NOT NULL,
                reasons TEXT NOT NULL,
                document TEXT NOT NULL,
                entered_by TEXT NOT NULL,
                entered_at TEXT NOT NULL,
                released_by TEXT,
                released_at TEXT,
                PRIMARY KEY (company, supplier, number)
            ) WITHOUT ROWID;
            CREATE INDEX supplier_invoices_status ON supplier_invoices (company, status);
            CREATE TABLE supplier_invoice_lines (
                company TEXT NOT NULL,
                supplier TEXT NOT NULL,
                number TEXT NOT NULL,
                line_no INTEGER NOT NULL,
                plant_id TEXT NOT NULL,
                purchase_order TEXT NOT NULL,
                line INTEGER NOT NULL,
                quantity INTEGER NOT NULL,
                PRIMARY KEY (company, supplier, number, line_no)
            ) WITHOUT ROWID;
            CREATE INDEX supplier_invoice_lines_order ON supplier_invoice_lines (plant_id, purchase_order, line);
            """,
        postgres: [
            """
            CREATE TABLE IF NOT EXISTS supplier_invoices (
                company text NOT NULL,
                supplier text NOT NULL,
                number text NOT NULL,
                invoice_date text NOT NULL,
                currency text NOT NULL,
                amount bigint NOT NULL,
                status text NOT NULL,
                reasons text NOT NULL,
                document text NOT NULL,
                entered_by text NOT NULL,
                entered_at timestamptz NOT NULL,
                released_by text,
                released_at timestamptz,
                PRIMARY KEY (company, supplier, number)
            )
            """,
            "CREATE INDEX IF NOT EXISTS supplier_invoices_status ON supplier_invoices (company, status)",
            """
            CREATE TABLE IF NOT EXISTS supplier_invoice_lines (
                company text NOT NULL,
                supplier text NOT NULL,
                number text NOT NULL,
                line_no bigint NOT NULL,
                plant_id text NOT NULL,
                purchase_order text NOT NULL,
                line bigint NOT NULL,
                quantity bigint NOT NULL,
                PRIMARY KEY (company, supplier, number, line_no)
            )
            """,
            "CREATE INDEX IF NOT EXISTS supplier_invoice_lines_order ON supplier_invoice_lines (plant_id, purchase_order, line)",
        ])
}
