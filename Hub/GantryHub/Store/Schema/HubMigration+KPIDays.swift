import PostgresNIO

extension HubMigration {
    /// KPI day rollups: each machine's hour rows and downtime rows summed per UTC day, kept by the rollup writers
    /// with the hours, so a query over months reads days for the whole days inside it and hours only at its edges
    /// (docs/kpis.md, "Storage"). Planned run time is a sum of exact decimals on PostgreSQL (`numeric`) and a binary
    /// floating-point sum on SQLite, read back to the microsecond. The hours already stored are summed here.
    static let kpiDayRollups = HubMigration(
        number: 15, name: "kpi-day-rollups",
        sqlite: """
            CREATE TABLE kpi_machine_days (
                company TEXT NOT NULL,
                plant_id TEXT NOT NULL,
                line TEXT NOT NULL,
                machine TEXT NOT NULL,
                day TEXT NOT NULL,
                \(sqliteSummedColumns)
                PRIMARY KEY (plant_id, line, machine, day)
            ) WITHOUT ROWID;
            CREATE INDEX kpi_machine_days_day ON kpi_machine_days (day);
            CREATE TABLE kpi_downtime_days (
                company TEXT NOT NULL,
                plant_id TEXT NOT NULL,
                line TEXT NOT NULL,
                machine TEXT NOT NULL,
                day TEXT NOT NULL,
                reason TEXT NOT NULL,
                down_us INTEGER NOT NULL,
                stops INTEGER NOT NULL,
                PRIMARY KEY (plant_id, line, machine, day, reason)
            ) WITHOUT ROWID;
            \(KPIDayRollup.sqliteMachineDays(where: "1 = 1"));
            \(KPIDayRollup.sqliteDowntimeDays(where: "1 = 1"));
        """,
        postgres: [
            PostgresQuery(unsafeSQL: """
            CREATE TABLE IF NOT EXISTS kpi_machine_days (
                company text NOT NULL,
                plant_id text NOT NULL,
                line text NOT NULL,
                machine text NOT NULL,
                day timestamptz NOT NULL,
                \(postgresSummedColumns)
                PRIMARY KEY (plant_id, line, machine, day)
            )
            """),
            "CREATE INDEX IF NOT EXISTS kpi_machine_days_day ON kpi_machine_days (day)",
            """
            CREATE TABLE IF NOT EXISTS kpi_downtime_days (
                company text NOT NULL,
                plant_id text NOT NULL,
                line text NOT NULL,
                machine text NOT NULL,
                day timestamptz NOT NULL,
                reason text NOT NULL,
                down_us bigint NOT NULL,
                stops bigint NOT NULL,
                PRIMARY KEY (plant_id, line, machine, day, reason)
            )
            """,
            "DELETE FROM kpi_machine_days",
            "DELETE FROM kpi_downtime_days",
            PostgresQuery(unsafeSQL: KPIDayRollup.postgresMachineDays(where: "true")),
            PostgresQuery(unsafeSQL: KPIDayRollup.postgresDowntimeDays(where: "true")),
        ])

    /// The summed columns of a day, month or line day row (times in microseconds, planned run time in seconds,
    /// quantities in millionths), as each database declares them, each followed by a comma.
    static let sqliteSummedColumns = """
        running_us INTEGER NOT NULL, setup_us INTEGER NOT NULL, idle_us INTEGER NOT NULL, down_us INTEGER NOT NULL,
        planned_stop_us INTEGER NOT NULL, unknown_us INTEGER NOT NULL, planned_run_time REAL NOT NULL,
        good INTEGER NOT NULL, scrap INTEGER NOT NULL, rework INTEGER NOT NULL, unrated INTEGER NOT NULL,
        """

    static let postgresSummedColumns = """
        running_us bigint NOT NULL, setup_us bigint NOT NULL, idle_us bigint NOT NULL, down_us bigint NOT NULL,
        planned_stop_us bigint NOT NULL, unknown_us bigint NOT NULL, planned_run_time numeric NOT NULL,
        good bigint NOT NULL, scrap bigint NOT NULL, rework bigint NOT NULL, unrated bigint NOT NULL,
        """
}
