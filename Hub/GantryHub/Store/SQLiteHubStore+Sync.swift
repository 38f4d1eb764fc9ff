import Foundation
import GantryCore
import GRDB

/// Plants' batches and where each plant's log stands (the flow is `BatchFlow`'s; this is its SQL).
extension SQLiteHubStore {
    public func applyBatch(_ batch: SyncBatch, receivedAt: Date) async throws -> BatchOutcome {
        let flow = BatchFlow(batch, receivedAt: receivedAt)
        return try await pool.write { db in
            let plan = try flow.plan(lastApplied: try Int64.fetchOne(
                db, sql: "SELECT last_sequence FROM plants WHERE plant_id = ?", arguments: [batch.plant]))
            let decision = try plan.decide(stored: try Self.storedEventIDs(plant: batch.plant, plan.resentSequences, in: db))
            try Self.write(decision, in: db)
            if let fresh = decision.fresh {
                try self.addStockDays(fresh.projection, plant: batch.plant, in: db)
                try self.postLedger(fresh.projection, plant: batch.plant, at: receivedAt, in: db)
            }
            return decision.outcome
        }
    }

    /// The ids of the events the hub holds for `plant` at `sequences`.
    private static func storedEventIDs(plant: String, _ sequences: ClosedRange<Int64>?, in db: Database) throws -> [Int64: UUID] {
        guard let sequences else { return [:] }
        var stored: [Int64: UUID] = [:]
        for row in try StoredEventID.fetchAll(
            db, sql: "SELECT seq, event_id FROM events WHERE plant_id = ? AND seq BETWEEN ? AND ? ORDER BY seq",
            arguments: [plant, sequences.lowerBound, sequences.upperBound]) {
            stored[row.seq] = UUID(uuidString: row.eventID)
        }
        return stored
    }

    private static func write(_ decision: BatchDecision, in db: Database) throws {
        if let fresh = decision.fresh {
            let advance = fresh.advance
            try EventApplier(db: db, plant: advance.plant, receivedAt: Timestamp.format(decision.touch.seenAt)).apply(fresh.projection)
            try db.execute(sql: """
                UPDATE plants SET last_sequence = ?, events_received = events_received + ?, last_event_recorded_at = ?,
                    scans = scans + ?, quarantined_events = quarantined_events + ?, unprojected_events = unprojected_events + ?
                WHERE plant_id = ?
                """, arguments: [
                    advance.lastSequence, advance.applied, Timestamp.format(advance.lastRecordedAt), advance.scans,
                    advance.quarantined, advance.unprojected, advance.plant,
                ])
        }
        let touch = decision.touch
        try db.execute(
            sql: "UPDATE plants SET last_seen_at = ?, agent_head = ? WHERE plant_id = ?",
            arguments: [Timestamp.format(touch.seenAt), touch.agentHead, touch.plant])
    }

    /// A stored event's sequence and id.
    private struct StoredEventID: Decodable, FetchableRecord {
        var seq: Int64
        var eventID: String
        enum CodingKeys: String, CodingKey { case seq, eventID = "event_id" }
    }

    // MARK: Reports

    public func checkReadable() async throws {
        _ = try await pool.read { try Int.fetchOne($0, sql: "SELECT 1") }
    }

    public func syncReport(now: Date) async throws -> [PlantSyncReport] {
        try await pool.read { db in
            try PlantRow.fetchAll(db, sql: "SELECT \(PlantRow.columns) FROM plants ORDER BY plant_id").map { $0.syncFacts.report(now: now) }
        }
    }

    public func events(plantID: String, after sequence: Int64, limit: Int) async throws -> [EventEnvelope] {
        try await pool.read { db in
            try EventRow.fetchAll(db, sql: """
                SELECT seq, event_id, type, schema_version, occurred_at, recorded_at, payload
                FROM events WHERE plant_id = ? AND seq > ? ORDER BY seq LIMIT ?
                """, arguments: [plantID, sequence, limit]).map { try $0.envelope() }
        }
    }

    /// A row of `events` with what an envelope needs.
    struct EventRow: Decodable, FetchableRecord {
        var seq: Int64
        var eventID: String
        var type: String
        var schemaVersion: Int
        var occurredAt: String
        var recordedAt: String
        var payload: String

        enum CodingKeys: String, CodingKey {
            case seq, eventID = "event_id", type, schemaVersion = "schema_version", occurredAt = "occurred_at"
            case recordedAt = "recorded_at", payload
        }

        func envelope() throws -> EventEnvelope {
            try EventEnvelope(
                sequence: seq, storedID: eventID, type: type, schemaVersion: schemaVersion, occurredAt: occurredAt,
                recordedAt: recordedAt, payload: payload)
        }
    }
}
