import PostgresNIO

extension HubMigration {
    /// KPI line day rows (`KPILineDayRollup`, docs/kpis.md, "Storage"): each line's machine day rows summed per UTC
    /// day, kept by the rollup writers with the machines' days, so the group's, a company's and a plant's pages read
    /// a row per line and day. Each table has its key by plant and line (a plant's page) and an index that holds
    /// every column a span read sums, by day first (the group's pages across plants). The days stored are summed here.
    static let kpiLineDayRollups = HubMigration(
        number: 21, name: "kpi-line-day-rollups",
        sqlite: """
            CREATE TABLE kpi_line_days (
                company TEXT NOT NULL,
                plant_id TEXT NOT NULL,
                line TEXT NOT NULL,
                day TEXT NOT NULL,
                \(sqliteSummedColumns)
                PRIMARY KEY (plant_id, line, day)
            ) WITHOUT ROWID;
            CREATE INDEX kpi_line_days_span ON kpi_line_days (\(lineDaySpanColumns));
            CREATE TABLE kpi_line_downtime_days (
                company TEXT NOT NULL,
                plant_id TEXT NOT NULL,
                line TEXT NOT NULL,
                day TEXT NOT NULL,
                reason TEXT NOT NULL,
                down_us INTEGER NOT NULL,
                stops INTEGER NOT NULL,
                PRIMARY KEY (plant_id, line, day, reason)
            ) WITHOUT ROWID;
            CREATE INDEX kpi_line_downtime_days_span ON kpi_line_downtime_days (\(lineDowntimeDaySpanColumns));
            \(KPILineDayRollup.machineDays(where: "1 = 1"));
            \(KPILineDayRollup.downtimeDays(where: "1 = 1"));
        """,
        postgres: [
            PostgresQuery(unsafeSQL: """
            CREATE TABLE IF NOT EXISTS kpi_line_days (
                company text NOT NULL,
                plant_id text NOT NULL,
                line text NOT NULL,
                day timestamptz NOT NULL,
                \(postgresSummedColumns)
                PRIMARY KEY (plant_id, line, day)
            )
            """),
            PostgresQuery(unsafeSQL: "CREATE INDEX IF NOT EXISTS kpi_line_days_span ON kpi_line_days (\(lineDaySpanColumns))"),
            """
            CREATE TABLE IF NOT EXISTS kpi_line_downtime_days (
                company text NOT NULL,
                plant_id text NOT NULL,
                line text NOT NULL,
                day timestamptz NOT NULL,
                reason text NOT NULL,
                down_us bigint NOT NULL,
                stops bigint NOT NULL,
                PRIMARY KEY (plant_id, line, day, reason)
            )
            """,
            PostgresQuery(unsafeSQL: "CREATE INDEX IF NOT EXISTS kpi_line_downtime_days_span ON kpi_line_downtime_days (\(lineDowntimeDaySpanColumns))"),
            "DELETE FROM kpi_line_days",
            "DELETE FROM kpi_line_downtime_days",
            PostgresQuery(unsafeSQL: KPILineDayRollup.machineDays(where: "true")),
            PostgresQuery(unsafeSQL: KPILineDayRollup.downtimeDays(where: "true")),
        ])

    /// The day, then the keys and every summed column of a line's day row.
    private static let lineDaySpanColumns = """
        day, company, plant_id, line, running_us, setup_us, idle_us, down_us, planned_stop_us, unknown_us, planned_run_time, \
        good, scrap, rework, unrated
        """

    /// The day, then the keys, the reason and the summed columns of a line's downtime day row.
    private static let lineDowntimeDaySpanColumns = "day, company, plant_id, line, reason, down_us, stops"
}
