import Foundation
import GantryCore
import GRDB

/// Adds a plant's operations facts to `kpi_operations_hours` on SQLite, in the transaction that applied their events.
struct SQLiteOperationsRollupWriter {
    let db: Database
    let plant: String

    /// Adds `rows` to the plant's stored hours (the plant's company from `plants`).
    func add(_ rows: [OperationsRollup.Row]) throws {
        guard !rows.isEmpty else { return }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO kpi_operations_hours (company, plant_id, hour, element, value)
            SELECT company, plant_id, ?, ?, ? FROM plants WHERE plant_id = ?
            ON CONFLICT (plant_id, hour, element) DO UPDATE SET value = value + excluded.value
            """)
        for row in rows {
            try statement.execute(arguments: [Timestamp.format(row.hour), row.element.rawValue, row.value, plant])
        }
    }

    /// Every operations fact among the events already kept, summed plant by plant (the migration's backfill).
    /// Maintenance requests count even when an older hub kept them as unprojected; unreadable events never do.
    static func backfill(_ db: Database) throws {
        try SQLiteHubStore.forEachKeptRun(db, types: OperationsRollup.eventTypes, statuses: ["applied", "unprojected"]) { plant, run in
            try SQLiteOperationsRollupWriter(db: db, plant: plant).add(OperationsRollup.rows(EventProjection(run).operations.map(\.fact)))
        }
    }
}
