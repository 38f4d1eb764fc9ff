import Foundation
import GantryCore
import PostgresNIO

/// The plants' last clock skews on PostgreSQL.
extension PostgresHubStore {
    public func recordClockSkew(plantID: String, skew: ClockSkew, at: Date) async throws -> ClockSkew? {
        let milliseconds = PlantClockReading.milliseconds(skew)
        return try await transaction { [logger] connection in
            var previous: Int64?
            for try await value in try await connection.query(
                "SELECT skew_ms FROM plant_clocks WHERE plant_id = \(plantID) FOR UPDATE", logger: logger
            ).decode(Int64.self) {
                previous = value
            }
            try await connection.query("""
                INSERT INTO plant_clocks (plant_id, skew_ms, measured_at) VALUES (\(plantID), \(milliseconds), \(at))
                ON CONFLICT (plant_id) DO UPDATE SET skew_ms = excluded.skew_ms, measured_at = excluded.measured_at
                """, logger: logger)
            return previous.map { ClockSkew(seconds: Double($0) / 1000) }
        }
    }

    public func plantClocks() async throws -> [String: PlantClockReading] {
        try await run { [logger] client in
            var clocks: [String: PlantClockReading] = [:]
            for try await (plant, milliseconds, at) in try await client.query(
                "SELECT plant_id, skew_ms, measured_at FROM plant_clocks", logger: logger
            ).decode((String, Int64, Date).self) {
                clocks[plant] = PlantClockReading(skew: ClockSkew(seconds: Double(milliseconds) / 1000), measuredAt: at)
            }
            return clocks
        }
    }
}
