import PostgresNIO

extension HubMigration {
    /// Operations rollups: each plant's work orders completed (on time, in full), cycle-count lines (exact) and
    /// corrective maintenance requests per UTC hour, added as the hub applies the events that carry them
    /// (docs/kpis.md, "Operations KPIs"). The events already applied are summed in the migration's transaction.
    static let operationsRollups = HubMigration(
        number: 14, name: "operations-rollups",
        sqlite: """
            CREATE TABLE kpi_operations_hours (
                company TEXT NOT NULL,
                plant_id TEXT NOT NULL,
                hour TEXT NOT NULL,
                element TEXT NOT NULL,
                value INTEGER NOT NULL,
                PRIMARY KEY (plant_id, hour, element)
            ) WITHOUT ROWID;
            CREATE INDEX kpi_operations_hours_company_hour ON kpi_operations_hours (company, hour);
        """,
        postgres: [
            """
            CREATE TABLE IF NOT EXISTS kpi_operations_hours (
                company text NOT NULL,
                plant_id text NOT NULL,
                hour timestamptz NOT NULL,
                element text NOT NULL,
                value bigint NOT NULL,
                PRIMARY KEY (plant_id, hour, element)
            )
            """,
            "CREATE INDEX IF NOT EXISTS kpi_operations_hours_company_hour ON kpi_operations_hours (company, hour)",
        ],
        backfillsOperationsRollups: true)
}
