import Foundation
import GantryCore
import PostgresNIO

/// Adds a plant's operations facts to `kpi_operations_hours` on PostgreSQL, in the transaction that applied their events.
struct PostgresOperationsRollupWriter {
    let connection: PostgresConnection
    let plant: String
    let logger: Logger

    /// Adds `rows` to the plant's stored hours (the plant's company from `plants`).
    func add(_ rows: [OperationsRollup.Row]) async throws {
        guard !rows.isEmpty else { return }
        try await connection.query("""
            INSERT INTO kpi_operations_hours (company, plant_id, hour, element, value)
            SELECT p.company, p.plant_id, r.hour, r.element, r.value
            FROM plants p, unnest(\(rows.map(\.hour)), \(rows.map(\.element.rawValue)), \(rows.map(\.value))) AS r (hour, element, value)
            WHERE p.plant_id = \(plant)
            ON CONFLICT (plant_id, hour, element) DO UPDATE SET value = kpi_operations_hours.value + excluded.value
            """, logger: logger)
    }

    /// Every operations fact among the events already kept, summed plant by plant (the migration's backfill).
    /// Maintenance requests count even when an older hub kept them as unprojected; unreadable events never do.
    static func backfill(_ connection: PostgresConnection, logger: Logger) async throws {
        var plants: [String] = []
        for try await plant in try await connection.query("SELECT plant_id FROM plants ORDER BY plant_id", logger: logger).decode(String.self) {
            plants.append(plant)
        }
        let types = OperationsRollup.eventTypes
        for plant in plants {
            var after: Int64 = 0
            while true {
                let run = try await PostgresHubStore.envelopes(connection.query("""
                    SELECT seq, event_id::text, type, schema_version, occurred_at, recorded_at, payload::text FROM events
                    WHERE plant_id = \(plant) AND seq > \(after) AND status <> 'quarantined' AND type = ANY(\(types))
                    ORDER BY seq LIMIT 10000
                    """, logger: logger))
                guard let last = run.last else { break }
                let writer = PostgresOperationsRollupWriter(connection: connection, plant: plant, logger: logger)
                try await writer.add(OperationsRollup.rows(EventProjection(run).operations.map(\.fact)))
                after = last.sequence
            }
        }
    }
}
