import Foundation
import GantryCore
import PostgresNIO

extension PostgresHubStore {
    // MARK: Plants

    public func enrolPlant(_ identity: PlantIdentity, timeZone: String, tokenHash: String, audit: AuditDraft) async throws -> PlantRecord {
        let now = self.now()
        do {
            return try await transaction { [logger] connection in
                try await connection.query(
                    "INSERT INTO companies (code, created_at) VALUES (\(identity.company), \(now)) ON CONFLICT (code) DO NOTHING",
                    logger: logger)
                try await connection.query("""
                    INSERT INTO plants (plant_id, company, code, time_zone, token_hash, enrolled_at)
                    VALUES (\(identity.plantID), \(identity.company), \(identity.code), \(timeZone), \(tokenHash), \(now))
                    """, logger: logger)
                try await Self.appendAudit(audit, at: now, in: connection, logger: logger)
                return PlantRecord(
                    plantID: identity.plantID, company: identity.company, code: identity.code, timeZone: timeZone,
                    enrolledAt: now)
            }
        } catch where Self.isUniqueViolation(error) {
            throw HubStoreError(.duplicate, "plant \(identity.plantID) is already enrolled")
        }
    }

    public func replacePlantToken(plantID: String, tokenHash: String, audit: AuditDraft) async throws {
        try await transaction { [logger] connection in
            let updated = try await Self.count(connection.query(
                "UPDATE plants SET token_hash = \(tokenHash) WHERE plant_id = \(plantID) RETURNING 1", logger: logger))
            if updated == 0 { throw HubStoreError(.notFound, "no plant \(plantID)") }
            try await Self.appendAudit(audit, at: self.now(), in: connection, logger: logger)
        }
    }

    public func plants() async throws -> [PlantRecord] {
        try await plants(where: "")
    }

    public func plant(tokenHash: String) async throws -> PlantRecord? {
        try await plants(where: " WHERE token_hash = \(tokenHash)").first
    }

    private func plants(where filter: PostgresQuery) async throws -> [PlantRecord] {
        let finished = Self.select("plant_id, company, code, time_zone, enrolled_at FROM plants", filter, orderBy: "plant_id")
        return try await run { [logger] client in
            var plants: [PlantRecord] = []
            for try await (plant, company, code, zone, enrolled) in try await client.query(finished, logger: logger)
                .decode((String, String, String, String, Date).self) {
                plants.append(PlantRecord(plantID: plant, company: company, code: code, timeZone: zone, enrolledAt: enrolled))
            }
            return plants
        }
    }

    /// `SELECT columns` with `filter` (a WHERE clause and its binds, or nothing) and an order.
    static func select(_ columns: String, _ filter: PostgresQuery, orderBy order: String) -> PostgresQuery {
        var query = filter
        query.sql = "SELECT \(columns)\(filter.sql) ORDER BY \(order)"
        return query
    }
}
