import PostgresNIO

extension HubMigration {
    /// KPI month rollups: each machine's day rows summed per UTC month, kept by the rollup writers with the days,
    /// so a query over a year reads twelve rows a machine (docs/kpis.md, "Storage"); and indexes that lead with
    /// what the window reads filter on: the plant then the bucket (a plant's drill-down and pages), and the bucket
    /// alone for the group's edge hours and days (a viewer of every company filters on no company). The days already stored are summed here.
    static let kpiMonthRollups = HubMigration(
        number: 17, name: "kpi-month-rollups",
        sqlite: """
            CREATE TABLE kpi_machine_months (
                company TEXT NOT NULL,
                plant_id TEXT NOT NULL,
                line TEXT NOT NULL,
                machine TEXT NOT NULL,
                month TEXT NOT NULL,
                \(sqliteSummedColumns)
                PRIMARY KEY (plant_id, line, machine, month)
            ) WITHOUT ROWID;
            CREATE TABLE kpi_downtime_months (
                company TEXT NOT NULL,
                plant_id TEXT NOT NULL,
                line TEXT NOT NULL,
                machine TEXT NOT NULL,
                month TEXT NOT NULL,
                reason TEXT NOT NULL,
                down_us INTEGER NOT NULL,
                stops INTEGER NOT NULL,
                PRIMARY KEY (plant_id, line, machine, month, reason)
            ) WITHOUT ROWID;
            CREATE INDEX kpi_machine_hours_plant_hour ON kpi_machine_hours (plant_id, hour);
            CREATE INDEX kpi_downtime_hours_plant_hour ON kpi_downtime_hours (plant_id, hour);
            CREATE INDEX kpi_machine_days_plant_day ON kpi_machine_days (plant_id, day);
            CREATE INDEX kpi_downtime_days_plant_day ON kpi_downtime_days (plant_id, day);
            CREATE INDEX kpi_downtime_days_day ON kpi_downtime_days (day);
            CREATE INDEX kpi_machine_hours_hour ON kpi_machine_hours (hour);
            CREATE INDEX kpi_downtime_hours_hour ON kpi_downtime_hours (hour);
            \(KPIMonthRollup.sqliteMachineMonths(where: "1 = 1"));
            \(KPIMonthRollup.sqliteDowntimeMonths(where: "1 = 1"));
        """,
        postgres: [
            PostgresQuery(unsafeSQL: """
            CREATE TABLE IF NOT EXISTS kpi_machine_months (
                company text NOT NULL,
                plant_id text NOT NULL,
                line text NOT NULL,
                machine text NOT NULL,
                month timestamptz NOT NULL,
                \(postgresSummedColumns)
                PRIMARY KEY (plant_id, line, machine, month)
            )
            """),
            """
            CREATE TABLE IF NOT EXISTS kpi_downtime_months (
                company text NOT NULL,
                plant_id text NOT NULL,
                line text NOT NULL,
                machine text NOT NULL,
                month timestamptz NOT NULL,
                reason text NOT NULL,
                down_us bigint NOT NULL,
                stops bigint NOT NULL,
                PRIMARY KEY (plant_id, line, machine, month, reason)
            )
            """,
            "CREATE INDEX IF NOT EXISTS kpi_machine_hours_plant_hour ON kpi_machine_hours (plant_id, hour)",
            "CREATE INDEX IF NOT EXISTS kpi_downtime_hours_plant_hour ON kpi_downtime_hours (plant_id, hour)",
            "CREATE INDEX IF NOT EXISTS kpi_machine_days_plant_day ON kpi_machine_days (plant_id, day)",
            "CREATE INDEX IF NOT EXISTS kpi_downtime_days_plant_day ON kpi_downtime_days (plant_id, day)",
            "CREATE INDEX IF NOT EXISTS kpi_downtime_days_day ON kpi_downtime_days (day)",
            "CREATE INDEX IF NOT EXISTS kpi_machine_hours_hour ON kpi_machine_hours (hour)",
            "CREATE INDEX IF NOT EXISTS kpi_downtime_hours_hour ON kpi_downtime_hours (hour)",
            "DELETE FROM kpi_machine_months",
            "DELETE FROM kpi_downtime_months",
            PostgresQuery(unsafeSQL: KPIMonthRollup.postgresMachineMonths(where: "true")),
            PostgresQuery(unsafeSQL: KPIMonthRollup.postgresDowntimeMonths(where: "true")),
        ])
}
