import Foundation
import GantryCore
import PostgresNIO

/// The plants' stock per plant-local day on PostgreSQL (`stock_days`), kept in the transaction that applies the events.
extension PostgresHubStore {
    /// Adds `projection`'s stock moves per item and day, the day in the plant's zone as posting takes it.
    func addStockDays(_ projection: EventProjection, plant: String, in connection: PostgresConnection, logger: Logger) async throws {
        guard !projection.moves.isEmpty else { return }
        let masters = try await ledgerMasters(in: connection, logger: logger)
        let zone = try await Self.plantZone(plant, masters: masters, in: connection, logger: logger)
        try await Self.addStockDays(projection.stockDays(timeZone: zone), plant: plant, in: connection, logger: logger)
    }

    /// One statement per run; the days come summed per item and day, so ON CONFLICT meets each row once.
    private static func addStockDays(
        _ days: [EventProjection.StockDay], plant: String, in connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !days.isEmpty else { return }
        try await connection.query("""
            INSERT INTO stock_days (plant_id, item, day, quantity)
            SELECT \(plant), * FROM unnest(\(days.map(\.item)), \(days.map(\.day)), \(days.map(\.delta)))
            ON CONFLICT (plant_id, item, day) DO UPDATE SET quantity = stock_days.quantity + excluded.quantity
            """, logger: logger)
    }

    /// A plant's time zone as posting takes it (`LedgerPosting.sources`): the plant master's, else the enrolment's.
    static func plantZone(
        _ plant: String, masters: LedgerMasters, in connection: PostgresConnection, logger: Logger
    ) async throws -> String {
        if let zone = masters.timeZones[plant] { return zone }
        for try await zone in try await connection.query(
            "SELECT time_zone FROM plants WHERE plant_id = \(plant)", logger: logger
        ).decode(String.self) {
            return zone
        }
        return "UTC"
    }

    /// The stock moves of every event the hub already applied, plant by plant (the migration's backfill).
    static func backfillStockDays(_ connection: PostgresConnection, logger: Logger) async throws {
        var records: [MasterRecord] = [], plants: [String] = []
        for try await (kind, company, key, active, data) in try await connection.query("""
            SELECT kind, company, key, active, data::text FROM masters WHERE kind = \(MasterKind.plant.rawValue)
            """, logger: logger).decode((String, String, String, Bool, String).self) {
            if let record = LedgerMasterRow(kind: kind, company: company, key: key, active: active, data: data).record {
                records.append(record)
            }
        }
        let masters = LedgerMasters(records)
        let rows = try await connection.query("SELECT plant_id FROM plants ORDER BY plant_id", logger: logger)
        for try await plant in rows.decode(String.self) {
            plants.append(plant)
        }
        for plant in plants {
            let zone = try await plantZone(plant, masters: masters, in: connection, logger: logger)
            var after: Int64 = 0
            while true {
                let run = try await PostgresHubStore.envelopes(connection.query("""
                    SELECT seq, event_id::text, type, schema_version, occurred_at, recorded_at, payload::text FROM events
                    WHERE plant_id = \(plant) AND seq > \(after) AND status = \(EventProjection.Status.applied.rawValue)
                      AND type = \(StockMoved.eventType)
                    ORDER BY seq LIMIT 10000
                    """, logger: logger))
                guard let last = run.last else { break }
                try await addStockDays(EventProjection(run).stockDays(timeZone: zone), plant: plant, in: connection, logger: logger)
                after = last.sequence
            }
        }
    }
}
