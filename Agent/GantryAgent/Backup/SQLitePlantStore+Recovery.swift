import Foundation
import GantryCore
import GRDB

/// What `gantry-agent recover --from-hub` reads and writes of the log.
extension SQLitePlantStore {
    /// The log's newest event: its sequence (0 when empty) and id.
    func logEnd() async throws -> (head: Int64, id: UUID?) {
        try await pool.read { db in
            guard let last = try LastEvent.fetchOne(db, sql: "SELECT seq, event_id FROM events ORDER BY seq DESC LIMIT 1") else {
                return (0, nil)
            }
            return (last.seq, UUID(uuidString: last.eventID))
        }
    }

    /// Appends events the hub holds beyond the log's end as they are (ids, times, payloads) in one transaction,
    /// and records them as acknowledged: they came from the hub. The log's triggers keep it gap-free.
    func appendRecovered(_ events: [EventEnvelope]) async throws {
        guard let through = events.last?.sequence else { return }
        let rows = events.map { event in
            (event.sequence, SyncBatchReader.text(event.id), event.type, Int64(event.schemaVersion),
             Timestamp.format(event.occurredAt), Timestamp.format(event.recordedAt), event.payload.canonicalText)
        }
        let at = Timestamp.format(now())
        try await writer.write { db in
            var logBytes = try EventLogRows.Last.fetchOne(db, sql: "SELECT seq, log_bytes FROM events ORDER BY seq DESC LIMIT 1")?.logBytes ?? 0
            let insert = try db.makeStatement(sql: """
                INSERT INTO events (seq, event_id, type, schema_version, occurred_at, recorded_at, payload, log_bytes)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for row in rows {
                logBytes += Int64(row.6.utf8.count)
                try insert.execute(arguments: [row.0, row.1, row.2, row.3, row.4, row.5, row.6, logBytes])
            }
            try db.execute(
                sql: "UPDATE sync_progress SET acknowledged_through = ?, updated_at = ? WHERE id = 1", arguments: [through, at])
        }
    }

    /// The log's last row, as `logEnd` reads it.
    struct LastEvent: Decodable, FetchableRecord {
        var seq: Int64
        var eventID: String

        enum CodingKeys: String, CodingKey {
            case seq
            case eventID = "event_id"
        }
    }
}
