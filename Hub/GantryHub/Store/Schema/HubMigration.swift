import PostgresNIO

/// One step of the hub's schema, numbered the same on both databases, with its body for each. The list is
/// `HubMigration.all`, applied in order at open. Never edit a shipped migration: add the next one.
/// What still differs between the two resulting schemas, and why, is listed in `HubSchemaComparisonTests`.
struct HubMigration: Sendable {
    /// The step's place in `all`, from 1.
    var number: Int
    var name: String
    /// One script, run by GRDB's migrator in the transaction that records it.
    var sqlite: String
    /// Statements run one by one in the transaction that records the version (PostgreSQL takes one per query).
    var postgres: [PostgresQuery]
    /// Whether the step projects the sourcing events the hub kept before it had that projection (after its tables
    /// exist, plant by plant in log order, as the plants' batches would have been).
    var projectsKeptSourcing = false
    /// Whether the step rolls up the machine facts the hub kept before it had KPI rollups (after its tables exist).
    var backfillsKPIRollups = false
    /// Whether the step sums the operations facts of the events the hub applied before it had operations rollups.
    var backfillsOperationsRollups = false
    /// Whether the step sums the stock moves of the events the hub applied before it kept stock per day.
    var backfillsStockDays = false

    /// The migration's name as recorded: GRDB's identifier on SQLite, `gantry_schema.name` on PostgreSQL.
    var identifier: String { "\(number)-\(name)" }

    /// Every migration, in order; `number` is the position in this list.
    static let all: [HubMigration] = [
        plantsAndEvents, machineSignals, governance, inventory, supplierPerformance, plantInstructions, principalNames, syncCounters,
        shipping, accounting, invoices, consolidation, kpiRollups, operationsRollups, kpiDayRollups, dashboardSessions,
        kpiMonthRollups,
        eventsByMonth,
        plantClocks,
        kpiSpanIndexes,
        kpiLineDayRollups,
        grniBalances,
        datedStock,
    ]

    /// How a PostgreSQL database migrated before both databases shared these numbers maps onto them. Its first
    /// migration made the machine-signal tables too (now 2), so its version 1 is 1 and 2, and its later ones are
    /// one higher; the plants' sync counters it made in 1 are what 8 adds. Such a database is told by the name
    /// it recorded for version 2.
    static let postgresFirstNumbering: (marker: String, versions: [Int: [Int]]) = (
        marker: "2-governance", versions: [1: [1, 2], 2: [3], 3: [4], 4: [5], 5: [6], 6: [7]]
    )
}
