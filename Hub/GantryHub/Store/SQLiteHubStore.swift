import Foundation
import GantryCore
import GRDB

/// The hub's store on an embedded SQLite file (WAL, one writer). The default backend.
public final class SQLiteHubStore: HubStore {
    let pool: DatabasePool

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String, durability: String = "power-loss") throws {
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
        let now = Date()
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
        try await pool.write { db in
            try db.execute(sql: "UPDATE plants SET token_hash = ? WHERE plant_id = ?", arguments: [tokenHash, plantID])
            if db.changesCount == 0 { throw HubStoreError(.notFound, "no plant \(plantID)") }
            try Self.appendAudit(audit, at: Date(), in: db)
        }
    }

    public func plants() async throws -> [PlantRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM plants ORDER BY plant_id").map(Self.plantRecord)
        }
    }

    public func plant(tokenHash: String) async throws -> PlantRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM plants WHERE token_hash = ?", arguments: [tokenHash]).map(Self.plantRecord)
        }
    }

    private static func plantRecord(_ row: Row) -> PlantRecord {
        PlantRecord(
            plantID: row["plant_id"], company: row["company"], code: row["code"], timeZone: row["time_zone"],
            enrolledAt: Timestamp.parse(row["enrolled_at"]) ?? .distantPast)
    }

    // MARK: Sync

    public func applyBatch(_ batch: SyncBatch, receivedAt: Date) async throws -> BatchOutcome {
        // Worked out before the write transaction, so the single writer spends its time writing.
        let projection = EventProjection(batch.events)
        return try await pool.write { db in
            guard let lastApplied = try Int64.fetchOne(
                db, sql: "SELECT last_sequence FROM plants WHERE plant_id = ?", arguments: [batch.plant])
            else { throw HubStoreError(.notFound, "no plant \(batch.plant)") }
            let received = Timestamp.format(receivedAt)
            let plan = batch.plan(lastApplied: lastApplied)
            var applied = 0
            switch plan {
            case .refuse(let expected):
                try Self.touch(db, batch: batch, at: received)
                return .refused(expected: expected)
            case .nothingNew:
                try Self.verifyResent(batch.events[...], plant: batch.plant, in: db)
            case .apply(let alreadyApplied):
                try Self.verifyResent(batch.events[..<alreadyApplied], plant: batch.plant, in: db)
                let fresh = batch.events[alreadyApplied...]
                try EventApplier(db: db, plant: batch.plant, receivedAt: received).apply(projection.after(lastApplied))
                applied = fresh.count
                try db.execute(sql: """
                    UPDATE plants SET last_sequence = ?, events_received = events_received + ?,
                        last_event_recorded_at = ? WHERE plant_id = ?
                    """, arguments: [fresh.last!.sequence, applied, Timestamp.format(fresh.last!.recordedAt), batch.plant])
            }
            try Self.touch(db, batch: batch, at: received)
            let through = try Int64.fetchOne(
                db, sql: "SELECT last_sequence FROM plants WHERE plant_id = ?", arguments: [batch.plant]) ?? 0
            return .acknowledged(SyncAcknowledgement(plant: batch.plant, acknowledgedThrough: through, applied: applied))
        }
    }

    /// A resent event must be the very event the hub holds at that sequence; anything else means the
    /// agent's log is not the one the hub applied (a replaced or restored store), and taking it as a
    /// resend would silently drop a new fact.
    private static func verifyResent(_ events: ArraySlice<EventEnvelope>, plant: String, in db: Database) throws {
        guard let first = events.first, let last = events.last else { return }
        let stored = try Row.fetchAll(
            db, sql: "SELECT seq, event_id FROM events WHERE plant_id = ? AND seq BETWEEN ? AND ? ORDER BY seq",
            arguments: [plant, first.sequence, last.sequence])
        for (event, row) in zip(events, stored) where UUID(uuidString: row["event_id"]) != event.id {
            throw SyncBatchError(
                code: .sequenceConflict,
                detail: "sequence \(event.sequence) is event \(row["event_id"] as String) at the hub, not \(event.id)")
        }
    }

    private static func touch(_ db: Database, batch: SyncBatch, at received: String) throws {
        try db.execute(
            sql: "UPDATE plants SET last_seen_at = ?, agent_head = ? WHERE plant_id = ?",
            arguments: [received, batch.agentHead, batch.plant])
    }

    // MARK: Reports

    public func checkReadable() async throws {
        _ = try await pool.read { try Int.fetchOne($0, sql: "SELECT 1") }
    }

    public func syncReport(now: Date) async throws -> [PlantSyncReport] {
        try await pool.read { db in
            let counts = try Row.fetchAll(db, sql: """
                SELECT plant_id,
                    sum(type = 'ScanRecorded' AND status = 'applied') AS scans,
                    sum(status = 'quarantined') AS quarantined,
                    sum(status = 'unprojected') AS unprojected
                FROM events GROUP BY plant_id
                """)
            var byPlant: [String: Row] = [:]
            for row in counts { byPlant[row["plant_id"]] = row }
            return try Row.fetchAll(db, sql: "SELECT * FROM plants ORDER BY plant_id").map { row in
                let plantID: String = row["plant_id"]
                let lastSequence: Int64 = row["last_sequence"]
                let agentHead: Int64 = row["agent_head"]
                let pending = max(agentHead - lastSequence, 0)
                let newest = (row["last_event_recorded_at"] as String?).flatMap(Timestamp.parse)
                let lag = pending == 0 ? 0 : newest.map { max(now.timeIntervalSince($0), 0) } ?? 0
                let count = byPlant[plantID]
                return PlantSyncReport(
                    plant: plantID, company: row["company"], timeZone: row["time_zone"],
                    eventsReceived: row["events_received"], lastSequence: lastSequence, agentHead: agentHead,
                    pendingEvents: pending, lastSeenAt: (row["last_seen_at"] as String?).flatMap(Timestamp.parse),
                    lagSeconds: lag, scans: count?["scans"] ?? 0, quarantinedEvents: count?["quarantined"] ?? 0,
                    unprojectedEvents: count?["unprojected"] ?? 0)
            }
        }
    }

    public func events(plantID: String, after sequence: Int64, limit: Int) async throws -> [EventEnvelope] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT seq, event_id, type, schema_version, occurred_at, recorded_at, payload
                FROM events WHERE plant_id = ? AND seq > ? ORDER BY seq LIMIT ?
                """, arguments: [plantID, sequence, limit]).map(Self.storedEnvelope)
        }
    }

    static func storedEnvelope(_ row: Row) throws -> EventEnvelope {
        try EventEnvelope(
            sequence: row["seq"], storedID: row["event_id"], type: row["type"], schemaVersion: row["schema_version"],
            occurredAt: row["occurred_at"], recordedAt: row["recorded_at"], payload: row["payload"])
    }
}
