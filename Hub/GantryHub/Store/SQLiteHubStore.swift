import Foundation
import GantryCore
import GRDB

/// The hub's store on an embedded SQLite file (WAL, one writer). The default backend.
public final class SQLiteHubStore: HubStore {
    let pool: DatabasePool
    /// The time written on what the store stamps itself (enrolments, audit entries of token changes).
    let now: @Sendable () -> Date
    /// The masters posting reads, decoded once per master version.
    let ledgerMasterCache = LedgerMasterCache()

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String, durability: String = "power-loss", now: @escaping @Sendable () -> Date = { Date() }) throws {
        self.now = now
        var configuration = Configuration()
        let synchronous = durability == "process-crash" ? "NORMAL" : "FULL"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        // Enrolment from the CLI may write while the server runs: wait for the lock instead of failing.
        configuration.busyMode = .timeout(10)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw HubStoreError(.unusable, "cannot open the hub database \(path): \(error)")
        }
        let migrator = Self.migrator
        if try pool.read({ try migrator.hasBeenSuperseded($0) }) {
            throw HubStoreError(.newerSchema, "the database \(path) was written by a newer gantry-hub; upgrade this one")
        }
        try migrator.migrate(pool)
    }

    // MARK: Plants

    public func enrolPlant(_ identity: PlantIdentity, timeZone: String, tokenHash: String, audit: AuditDraft) async throws -> PlantRecord {
        let now = now()
        return try await pool.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM plants WHERE plant_id = ?", arguments: [identity.plantID]) == true {
                throw HubStoreError(.duplicate, "plant \(identity.plantID) is already enrolled")
            }
            try db.execute(
                sql: "INSERT INTO companies (code, created_at) VALUES (?, ?) ON CONFLICT (code) DO NOTHING",
                arguments: [identity.company, Timestamp.format(now)])
            try db.execute(sql: """
                INSERT INTO plants (plant_id, company, code, time_zone, token_hash, enrolled_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [identity.plantID, identity.company, identity.code, timeZone, tokenHash, Timestamp.format(now)])
            try Self.appendAudit(audit, at: now, in: db)
            return PlantRecord(
                plantID: identity.plantID, company: identity.company, code: identity.code, timeZone: timeZone, enrolledAt: now)
        }
    }

    public func replacePlantToken(plantID: String, tokenHash: String, audit: AuditDraft) async throws {
        let now = now()
        try await pool.write { db in
            try db.execute(sql: "UPDATE plants SET token_hash = ? WHERE plant_id = ?", arguments: [tokenHash, plantID])
            if db.changesCount == 0 { throw HubStoreError(.notFound, "no plant \(plantID)") }
            try Self.appendAudit(audit, at: now, in: db)
        }
    }

    public func plants() async throws -> [PlantRecord] {
        try await pool.read { db in
            try PlantRow.fetchAll(db, sql: "SELECT \(PlantRow.columns) FROM plants ORDER BY plant_id").map(\.record)
        }
    }

    public func plant(tokenHash: String) async throws -> PlantRecord? {
        try await pool.read { db in
            try PlantRow.fetchOne(db, sql: "SELECT \(PlantRow.columns) FROM plants WHERE token_hash = ?", arguments: [tokenHash])?.record
        }
    }

    /// A row of `plants`.
    struct PlantRow: Decodable, FetchableRecord {
        /// Named rather than `*`: a reader connection opened before the migrations ran may still hold the schema of
        /// before, and GRDB takes a statement's columns from where it was prepared. A named column it lacks makes
        /// SQLite reload the schema; `*` would not.
        static let columns = """
            plant_id, company, code, time_zone, enrolled_at, last_sequence, events_received, agent_head, last_seen_at,
            last_event_recorded_at, scans, quarantined_events, unprojected_events
            """

        var plantID: String
        var company: String
        var code: String
        var timeZone: String
        var enrolledAt: String
        var lastSequence: Int64
        var eventsReceived: Int64
        var agentHead: Int64
        var lastSeenAt: String?
        var lastEventRecordedAt: String?
        var scans: Int64
        var quarantinedEvents: Int64
        var unprojectedEvents: Int64

        enum CodingKeys: String, CodingKey {
            case plantID = "plant_id", company, code, timeZone = "time_zone", enrolledAt = "enrolled_at"
            case lastSequence = "last_sequence", eventsReceived = "events_received", agentHead = "agent_head"
            case lastSeenAt = "last_seen_at", lastEventRecordedAt = "last_event_recorded_at", scans
            case quarantinedEvents = "quarantined_events", unprojectedEvents = "unprojected_events"
        }

        var record: PlantRecord {
            PlantRecord(
                plantID: plantID, company: company, code: code, timeZone: timeZone, enrolledAt: Timestamp.parse(enrolledAt) ?? .distantPast)
        }

        var syncFacts: PlantSyncFacts {
            PlantSyncFacts(
                plant: plantID, company: company, timeZone: timeZone, eventsReceived: eventsReceived, lastSequence: lastSequence,
                agentHead: agentHead, lastSeenAt: lastSeenAt.flatMap(Timestamp.parse),
                lastEventRecordedAt: lastEventRecordedAt.flatMap(Timestamp.parse), scans: scans,
                quarantinedEvents: quarantinedEvents, unprojectedEvents: unprojectedEvents)
        }
    }
}
