import CSQLite3
import Foundation
import GantryCore
import GRDB

/// The newest event's sequence and running byte total, read once and carried forward with the prepared INSERT,
/// so that an intent appending many events (the MQTT inbox projection) does not look the log's end or the
/// statement up again for each. Valid only inside the write transaction it was read in.
struct EventLogTail {
    private(set) var sequence: Int64
    private(set) var logBytes: Int64
    private let insert: Statement

    init(_ db: Database) throws {
        let last = try EventLogRows.Last.fetchOne(db.cachedStatement(sql: "SELECT seq, log_bytes FROM events ORDER BY seq DESC LIMIT 1"))
        sequence = last?.seq ?? 0
        logBytes = last?.logBytes ?? 0
        insert = try db.cachedStatement(sql: """
            INSERT INTO events (seq, event_id, type, schema_version, occurred_at, recorded_at, payload, log_bytes)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
    }

    /// Appends `event` at the next sequence, with the state it describes written by the caller.
    mutating func append<E: PlantEvent>(_ event: E, occurredAt: Date, recordedAt: Date) throws -> (sequence: Int64, id: UUID) {
        try append(event, occurredAt: Timestamp.format(occurredAt), recordedAt: recordedAt)
    }

    /// The same, with `occurredAt` already formatted (`Timestamp.format`) by a caller that needed the text too.
    mutating func append<E: PlantEvent>(_ event: E, occurredAt: String, recordedAt: Date) throws -> (sequence: Int64, id: UUID) {
        try append(E.self, payload: event.payloadJSON(), occurredAt: occurredAt, recordedAt: recordedAt)
    }

    /// The same, with the payload already written (`E`'s own `payloadJSON()` would write the same text).
    mutating func append<E: PlantEvent>(
        _: E.Type, payload: String, occurredAt: String, recordedAt: Date
    ) throws -> (sequence: Int64, id: UUID) {
        let payloadBytes = Int64(payload.utf8.count)
        let id = Self.newEventID(at: recordedAt)
        try BoundStatement(
            insert, .integer(sequence + 1), .text(SyncBatchReader.text(id)), .text(E.eventType), .integer(Int64(E.schemaVersion)),
            .text(occurredAt), .text(Timestamp.format(recordedAt)), .text(payload), .integer(logBytes + payloadBytes)
        ).run()
        sequence += 1
        logBytes += payloadBytes
        return (sequence, id)
    }

    /// A time-ordered UUID (version 7, RFC 9562): the first 48 bits are `at` in Unix milliseconds, 74 of the
    /// other 80 random. Each new event's id then sorts after the ids before it (those of the same millisecond
    /// aside), so it lands on the last page of the log's `event_id` index instead of a random one: with random
    /// ids, a log bigger than the page cache read a page from disk for nearly every event.
    /// SQLite's generator (seeded from the operating system) gives the random bits without a system call;
    /// Foundation's `UUID()` reads `/dev/urandom` for each id on Linux.
    static func newEventID(at: Date) -> UUID {
        // Clamped to what 48 bits hold, so no clock reading can trap the conversion.
        let milliseconds = UInt64(min(max(at.timeIntervalSince1970 * 1000, 0), Double(1 << 48 - 1)))
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { buffer in
            for index in 0..<6 { buffer[index] = UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * index)) }
            sqlite3_randomness(10, buffer.baseAddress! + 6)
        }
        bytes.6 = bytes.6 & 0x0F | 0x70
        bytes.8 = bytes.8 & 0x3F | 0x80
        return UUID(uuid: bytes)
    }
}
