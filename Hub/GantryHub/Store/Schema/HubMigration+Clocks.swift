import PostgresNIO

extension HubMigration {
    /// Each plant's last clock skew (agent clock − hub clock, from the `X-Gantry-Agent-Time` header of its last sync
    /// request) and when the hub measured it, on the hub's clock (docs/reliability.md, "Wrong clocks").
    static let plantClocks = HubMigration(
        number: 19, name: "plant-clocks",
        sqlite: """
            CREATE TABLE plant_clocks (
                plant_id TEXT NOT NULL PRIMARY KEY REFERENCES plants(plant_id),
                skew_ms INTEGER NOT NULL,
                measured_at TEXT NOT NULL
            ) WITHOUT ROWID;
        """,
        postgres: [
            """
            CREATE TABLE IF NOT EXISTS plant_clocks (
                plant_id text NOT NULL PRIMARY KEY REFERENCES plants(plant_id),
                skew_ms bigint NOT NULL,
                measured_at timestamptz NOT NULL
            )
            """,
        ])
}
