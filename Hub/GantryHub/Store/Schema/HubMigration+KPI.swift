import PostgresNIO

extension HubMigration {
    /// KPI rollups: each machine's time and quantity elements per UTC hour, its seconds down per reason per hour,
    /// and how far its hours reach, kept as the hub applies machine events (docs/kpis.md, "Storage"). Seconds are
    /// whole microseconds, quantities micro-units, planned run time (PRI × PQ, seconds) exact decimal text. The
    /// machine facts already stored are rolled up in the migration's transaction. On PostgreSQL the tables are made
    /// only if missing, as the later migrations do, so a database whose versions were renumbered migrates again.
    static let kpiRollups = HubMigration(
        number: 13, name: "kpi-rollups",
        sqlite: """
            CREATE TABLE kpi_machine_hours (
                company TEXT NOT NULL,
                plant_id TEXT NOT NULL,
                line TEXT NOT NULL,
                machine TEXT NOT NULL,
                hour TEXT NOT NULL,
                running_us INTEGER NOT NULL,
                setup_us INTEGER NOT NULL,
                idle_us INTEGER NOT NULL,
                down_us INTEGER NOT NULL,
                planned_stop_us INTEGER NOT NULL,
                unknown_us INTEGER NOT NULL,
                planned_run_time TEXT NOT NULL,
                good INTEGER NOT NULL,
                scrap INTEGER NOT NULL,
                rework INTEGER NOT NULL,
                unrated INTEGER NOT NULL,
                PRIMARY KEY (plant_id, line, machine, hour)
            ) WITHOUT ROWID;
            CREATE INDEX kpi_machine_hours_company_hour ON kpi_machine_hours (company, hour);
            CREATE TABLE kpi_downtime_hours (
                company TEXT NOT NULL,
                plant_id TEXT NOT NULL,
                line TEXT NOT NULL,
                machine TEXT NOT NULL,
                hour TEXT NOT NULL,
                reason TEXT NOT NULL,
                down_us INTEGER NOT NULL,
                stops INTEGER NOT NULL,
                PRIMARY KEY (plant_id, line, machine, hour, reason)
            ) WITHOUT ROWID;
            CREATE TABLE kpi_machine_heads (
                company TEXT NOT NULL,
                plant_id TEXT NOT NULL,
                line TEXT NOT NULL,
                machine TEXT NOT NULL,
                through_at TEXT NOT NULL,
                state TEXT NOT NULL,
                reason TEXT,
                PRIMARY KEY (plant_id, line, machine)
            ) WITHOUT ROWID;
        """,
        postgres: [
            """
            CREATE TABLE IF NOT EXISTS kpi_machine_hours (
                company text NOT NULL,
                plant_id text NOT NULL,
                line text NOT NULL,
                machine text NOT NULL,
                hour timestamptz NOT NULL,
                running_us bigint NOT NULL,
                setup_us bigint NOT NULL,
                idle_us bigint NOT NULL,
                down_us bigint NOT NULL,
                planned_stop_us bigint NOT NULL,
                unknown_us bigint NOT NULL,
                planned_run_time text NOT NULL,
                good bigint NOT NULL,
                scrap bigint NOT NULL,
                rework bigint NOT NULL,
                unrated bigint NOT NULL,
                PRIMARY KEY (plant_id, line, machine, hour)
            )
            """,
            "CREATE INDEX IF NOT EXISTS kpi_machine_hours_company_hour ON kpi_machine_hours (company, hour)",
            """
            CREATE TABLE IF NOT EXISTS kpi_downtime_hours (
                company text NOT NULL,
                plant_id text NOT NULL,
                line text NOT NULL,
                machine text NOT NULL,
                hour timestamptz NOT NULL,
                reason text NOT NULL,
                down_us bigint NOT NULL,
                stops bigint NOT NULL,
                PRIMARY KEY (plant_id, line, machine, hour, reason)
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS kpi_machine_heads (
                company text NOT NULL,
                plant_id text NOT NULL,
                line text NOT NULL,
                machine text NOT NULL,
                through_at timestamptz NOT NULL,
                state text NOT NULL,
                reason text,
                PRIMARY KEY (plant_id, line, machine)
            )
            """,
        ],
        backfillsKPIRollups: true)
}
