import CSQLite3
import Foundation
import GantryCore
import GRDB

/// The newest event's sequence and running byte total, read once and carried forward, so that an intent
/// appending many events (the MQTT inbox projection) does not look the log's end up again for each.
/// Valid only inside the write transaction it was read in.
struct EventLogTail {
    private(set) var sequence: Int64
    private(set) var logBytes: Int64

    init(_ db: Database) throws {
        let last = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, log_bytes FROM events ORDER BY seq DESC LIMIT 1"))
        sequence = last?["seq"] ?? 0
        logBytes = last?["log_bytes"] ?? 0
    }

    /// Appends `event` at the next sequence, with the state it describes written by the caller.
    mutating func append<E: PlantEvent>(
        _ event: E, occurredAt: Date, recordedAt: Date, in db: Database
    ) throws -> (sequence: Int64, id: UUID) {
        let payload = try event.payloadJSON()
        let id = Self.newEventID()
        try BoundStatement(
            db, """
                INSERT INTO events (seq, event_id, type, schema_version, occurred_at, recorded_at, payload, log_bytes)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            .integer(sequence + 1), .text(id.uuidString), .text(E.eventType), .integer(Int64(E.schemaVersion)),
            .text(Timestamp.format(occurredAt)), .text(Timestamp.format(recordedAt)), .text(payload),
            .integer(logBytes + Int64(payload.utf8.count))
        ).run()
        sequence += 1
        logBytes += Int64(payload.utf8.count)
        return (sequence, id)
    }

    /// A random (version 4) UUID. Foundation's `UUID()` opens and reads `/dev/urandom` for each one on Linux,
    /// which was a tenth of the cost of projecting a machine message; SQLite's generator (seeded from the
    /// operating system) gives the 122 random bits without a system call.
    static func newEventID() -> UUID {
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { sqlite3_randomness(16, $0.baseAddress) }
        bytes.6 = bytes.6 & 0x0F | 0x40
        bytes.8 = bytes.8 & 0x3F | 0x80
        return UUID(uuid: bytes)
    }
}
