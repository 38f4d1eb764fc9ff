import Foundation
import GantryCore
import GRDB

/// The plants' last clock skews on SQLite.
extension SQLiteHubStore {
    public func recordClockSkew(plantID: String, skew: ClockSkew, at: Date) async throws -> ClockSkew? {
        try await pool.write { db in
            let previous = try Int64.fetchOne(db, sql: "SELECT skew_ms FROM plant_clocks WHERE plant_id = ?", arguments: [plantID])
            try db.execute(sql: """
                INSERT INTO plant_clocks (plant_id, skew_ms, measured_at) VALUES (?, ?, ?)
                ON CONFLICT (plant_id) DO UPDATE SET skew_ms = excluded.skew_ms, measured_at = excluded.measured_at
                """, arguments: [plantID, PlantClockReading.milliseconds(skew), Timestamp.format(at)])
            return previous.map { ClockSkew(seconds: Double($0) / 1000) }
        }
    }

    public func plantClocks() async throws -> [String: PlantClockReading] {
        try await pool.read { db in
            var clocks: [String: PlantClockReading] = [:]
            for row in try ClockRow.fetchAll(db, sql: "SELECT plant_id, skew_ms, measured_at FROM plant_clocks") {
                guard let at = Timestamp.parse(row.measuredAt) else { continue }
                clocks[row.plantID] = PlantClockReading(skew: ClockSkew(seconds: Double(row.skewMS) / 1000), measuredAt: at)
            }
            return clocks
        }
    }

    /// A row of `plant_clocks`.
    private struct ClockRow: Decodable, FetchableRecord {
        var plantID: String
        var skewMS: Int64
        var measuredAt: String
        enum CodingKeys: String, CodingKey { case plantID = "plant_id", skewMS = "skew_ms", measuredAt = "measured_at" }
    }
}
