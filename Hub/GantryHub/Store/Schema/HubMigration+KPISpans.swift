import PostgresNIO

extension HubMigration {
    /// The day rows indexed for the pages' span reads (docs/dashboards.md, "Performance"): a page over a month reads
    /// every machine's days in a range of days, across plants. The index by day alone made each of those rows its own
    /// search of the table by its key; an index holding every column the read sums lets the database answer from the
    /// index alone, in day order. It replaces the index by day, which it also serves.
    static let kpiSpanIndexes = HubMigration(
        number: 20, name: "kpi-span-indexes",
        sqlite: """
            DROP INDEX IF EXISTS kpi_machine_days_day;
            DROP INDEX IF EXISTS kpi_downtime_days_day;
            CREATE INDEX kpi_machine_days_span ON kpi_machine_days (\(machineDaySpanColumns));
            CREATE INDEX kpi_downtime_days_span ON kpi_downtime_days (\(downtimeDaySpanColumns));
        """,
        postgres: [
            "DROP INDEX IF EXISTS kpi_machine_days_day",
            "DROP INDEX IF EXISTS kpi_downtime_days_day",
            PostgresQuery(unsafeSQL: "CREATE INDEX IF NOT EXISTS kpi_machine_days_span ON kpi_machine_days (\(machineDaySpanColumns))"),
            PostgresQuery(unsafeSQL: "CREATE INDEX IF NOT EXISTS kpi_downtime_days_span ON kpi_downtime_days (\(downtimeDaySpanColumns))"),
        ])

    /// The day, then the keys and every summed column of a machine's day row.
    private static let machineDaySpanColumns = """
        day, company, plant_id, line, machine, running_us, setup_us, idle_us, down_us, planned_stop_us, unknown_us, \
        planned_run_time, good, scrap, rework, unrated
        """

    /// The day, then the keys, the reason and the summed columns of a downtime day row.
    private static let downtimeDaySpanColumns = "day, company, plant_id, line, machine, reason, down_us, stops"
}
