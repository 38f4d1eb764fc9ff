import Crypto
import Foundation
import GantryCore
import PostgresNIO

/// The raw events' monthly partitions on PostgreSQL (migration 18, docs/postgresql.md "Events by month"): made
/// ahead as batches arrive, detached to an archive file and restored by `gantry-hub events`. Only `events` is
/// touched: every projection (scans, stock, machine facts, rollups, the ledger) keeps its rows.
extension PostgresHubStore {
    /// Makes the partitions of the month holding `at` and of the next one, if missing (one function call that
    /// finds them made in all but the first batch of a month).
    func makeEventPartitions(around at: Date) async throws {
        let logger = logger
        try await run { connection in
            _ = try await connection.query("SELECT gantry_event_partitions_ahead(\(at))", logger: logger)
        }
    }

    /// The months that have a partition, and those detached to archive files.
    public func eventMonths() async throws -> (partitioned: [EventMonth], detached: [EventArchiveSummary]) {
        let logger = logger
        return try await run { connection in
            var partitioned: [EventMonth] = []
            for try await name in try await connection.query("""
                SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'events'::regclass ORDER BY c.relname
                """, logger: logger).decode(String.self) {
                if let month = EventMonth(String(name.dropFirst("events_".count)).replacingOccurrences(of: "_", with: "-")) {
                    partitioned.append(month)
                }
            }
            var detached: [EventArchiveSummary] = []
            for try await (month, events, file, sha256) in try await connection.query(
                "SELECT month, events, file, sha256 FROM event_archives ORDER BY month", logger: logger
            ).decode((String, Int64, String, String).self) {
                if let month = EventMonth(month) {
                    detached.append(EventArchiveSummary(month: month, events: events, file: file, sha256: sha256))
                }
            }
            return (partitioned, detached)
        }
    }

    /// Writes `month`'s events to `path` (flushed, then renamed into place), then detaches and drops its partition
    /// in one transaction that also records the archive, provided the partition still holds exactly the events
    /// written. Refuses a month not yet closed (`EventMonth.checkClosed`), one without a partition and an existing
    /// file. Runs without the store's time limit: a month of a large company takes a while to write.
    public func detachEvents(of month: EventMonth, to path: String, now: Date) async throws -> EventArchiveSummary {
        try month.checkClosed(now: now)
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CommandLineError("\(path) exists: choose another file, or move that one away first")
        }
        let logger = logger
        do {
            return try await client.withConnection { connection in
                guard try await Self.hasPartition(month, connection, logger) else {
                    throw CommandLineError("events of \(month) have no partition here (detached already? `gantry-hub events list` shows)")
                }
                var writer = try EventArchiveFile.Writer(path: path, month: month)
                let rows = try await connection.query("""
                    SELECT plant_id, seq, event_id::text, type, schema_version, \(unescaped: EventArchiveFile.utc("occurred_at")),
                           \(unescaped: EventArchiveFile.utc("recorded_at")), \(unescaped: EventArchiveFile.utc("received_at")),
                           payload::text, status, status_reason
                    FROM \(unescaped: month.partition) ORDER BY plant_id, seq
                    """, logger: logger)
                for try await row in rows.decode((String, Int64, String, String, Int32, String, String, String, String, String, String?).self) {
                    try writer.write(EventArchiveFile.Row(
                        plant: row.0, seq: row.1, id: row.2, type: row.3, schemaVersion: row.4, occurredAt: row.5, recordedAt: row.6,
                        receivedAt: row.7, payload: row.8, status: row.9, statusReason: row.10))
                }
                let summary = try writer.finish()
                try await Self.inTransaction(connection, logger: logger) { connection in
                    try await connection.query("ALTER TABLE events DETACH PARTITION \(unescaped: month.partition)", logger: logger)
                    var held: Int64 = -1
                    for try await count in try await connection.query(
                        "SELECT count(*) FROM \(unescaped: month.partition)", logger: logger
                    ).decode(Int64.self) {
                        held = count
                    }
                    guard held == summary.events else {
                        throw CommandLineError(
                            "\(month) gained events while it was written (\(held) now, \(summary.events) written): is the hub's clock right? "
                                + "Nothing was detached; \(path) can be removed")
                    }
                    try await connection.query("""
                        INSERT INTO event_archives (month, events, file, sha256, detached_at)
                        VALUES (\(month.description), \(summary.events), \(summary.file), \(summary.sha256), \(now))
                        """, logger: logger)
                    try await connection.query("DROP TABLE \(unescaped: month.partition)", logger: logger)
                }
                return summary
            }
        } catch {
            throw Self.translate(error)
        }
    }

    /// Reads an archive file written by `detachEvents`, checks it whole (its header's count, every row in its
    /// month), loads it into a new table and attaches that as the month's partition, in one transaction that also
    /// removes the month from the register. Refuses a month that has a partition (or rows in the default one).
    public func restoreEvents(from path: String) async throws -> EventArchiveSummary {
        let archive = try EventArchiveFile.read(path: path)
        let month = archive.summary.month
        let logger = logger
        do {
            return try await client.withConnection { connection in
                try await Self.inTransaction(connection, logger: logger) { connection in
                    guard try await !Self.hasPartition(month, connection, logger) else {
                        throw CommandLineError("events of \(month) have a partition already: nothing to restore")
                    }
                    try await connection.query(
                        "CREATE TABLE \(unescaped: month.partition) (LIKE events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)", logger: logger)
                    for chunk in stride(from: 0, to: archive.rows.count, by: 5000) {
                        let rows = archive.rows[chunk..<min(chunk + 5000, archive.rows.count)]
                        try await connection.query("""
                            INSERT INTO \(unescaped: month.partition) (plant_id, seq, event_id, type, schema_version, occurred_at,
                                                                      recorded_at, received_at, payload, status, status_reason)
                            SELECT plant, seq, id::uuid, type, version, occurred::timestamptz, recorded::timestamptz, received::timestamptz,
                                   payload::jsonb, status, NULLIF(reason, '')
                            FROM unnest(\(rows.map(\.plant)), \(rows.map(\.seq)), \(rows.map(\.id)), \(rows.map(\.type)),
                                        \(rows.map(\.schemaVersion)), \(rows.map(\.occurredAt)), \(rows.map(\.recordedAt)),
                                        \(rows.map(\.receivedAt)), \(rows.map(\.payload)), \(rows.map(\.status)),
                                        \(rows.map { $0.statusReason ?? "" }))
                                AS u(plant, seq, id, type, version, occurred, recorded, received, payload, status, reason)
                            """, logger: logger)
                    }
                    try await connection.query("""
                        ALTER TABLE events ATTACH PARTITION \(unescaped: month.partition)
                        FOR VALUES FROM ('\(unescaped: Timestamp.format(month.start))') TO ('\(unescaped: Timestamp.format(month.end))')
                        """, logger: logger)
                    try await connection.query("DELETE FROM event_archives WHERE month = \(month.description)", logger: logger)
                }
                return archive.summary
            }
        } catch {
            throw Self.translate(error)
        }
    }

    private static func hasPartition(_ month: EventMonth, _ connection: PostgresConnection, _ logger: Logger) async throws -> Bool {
        for try await exists in try await connection.query(
            "SELECT to_regclass(\(month.partition)) IS NOT NULL", logger: logger
        ).decode(Bool.self) {
            return exists
        }
        return false
    }
}
