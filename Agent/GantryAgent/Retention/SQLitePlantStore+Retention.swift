import Foundation
import GantryCore
import GRDB

/// The event log's retention (docs/reliability.md, "Retention"): events the hub acknowledged leave the log for
/// the archive files once old enough, while every state table (scans, stock, work orders, machine timelines, …)
/// stays whole. Nothing rebuilds state from old events; only the sync reads the log, from the acknowledged
/// position on, and a read of an archived event is refused (`EventRetention.checkReadable`).
public protocol PlantEventArchive: Sendable {
    /// Archives, in transactions of at most `batchEvents` events each, every acknowledged event recorded before
    /// `cutoff` that may leave the log (`EventRetention.decide`), and says how many left.
    func archiveEvents(recordedBefore cutoff: Date, batchEvents: Int) async throws -> ArchivePass
    /// Every event through this sequence has left the log (0: none).
    func archivedThrough() async throws -> Int64
}

/// What one archiving pass did.
public struct ArchivePass: Sendable, Equatable {
    /// Events that left the log.
    public var events: Int = 0
    /// The newest of them, if any left.
    public var through: Int64?
}

extension SQLitePlantStore: PlantEventArchive {
    public func archiveEvents(recordedBefore cutoff: Date, batchEvents: Int = 1000) async throws -> ArchivePass {
        let files = EventArchiveFiles(storePath: path)
        var pass = ArchivePass()
        while true {
            // Read and compressed beside the writer (WAL readers block no one); only the delete takes the writer.
            let (snapshot, rows) = try await pool.read { db in
                let state = try RetentionRows.State.fetchOne(db, sql: """
                    SELECT a.archived_through, s.acknowledged_through FROM event_archive a, sync_progress s WHERE a.id = 1 AND s.id = 1
                    """)!
                let rows = try EventLogRows.Event.fetchAll(db, sql: """
                    SELECT seq, event_id, type, schema_version, occurred_at, recorded_at, payload
                    FROM events WHERE seq > ? ORDER BY seq LIMIT ?
                    """, arguments: [state.archivedThrough, batchEvents])
                return (try Self.retentionSnapshot(state, rows), rows)
            }
            guard let run = try EventRetention.decide(snapshot, recordedBefore: cutoff) else { break }
            let leaving = rows.prefix(while: { $0.seq <= run.upperBound }).map(\.stored)
            // One gzip member per month the run reaches, each line a sync batch body.
            for (month, events) in Dictionary(grouping: leaving, by: { String($0.recordedAt.prefix(7)) }).sorted(by: { $0.key < $1.key }) {
                try files.append([try SyncBatch.body(plant: plantID, agentHead: run.upperBound, events: events)], month: month)
            }
            let at = Timestamp.format(now())
            let deleted = try await writer.write { db -> ClosedRange<Int64>? in
                // Decided again on what the log holds now: the hub may have asked for a resend meanwhile.
                let state = try RetentionRows.State.fetchOne(db, sql: """
                    SELECT a.archived_through, s.acknowledged_through FROM event_archive a, sync_progress s WHERE a.id = 1 AND s.id = 1
                    """)!
                guard state.archivedThrough == snapshot.archivedThrough,
                      let current = try EventRetention.decide(Self.retentionSnapshot(state, rows), recordedBefore: cutoff)
                else { return nil }
                let through = min(current.upperBound, run.upperBound)
                try db.execute(sql: "DELETE FROM events WHERE seq BETWEEN ? AND ?", arguments: [current.lowerBound, through])
                try db.execute(
                    sql: "UPDATE event_archive SET archived_through = ?, archived_at = ? WHERE id = 1", arguments: [through, at])
                return current.lowerBound...through
            }
            guard let deleted else { break }
            pass.events += deleted.count
            pass.through = deleted.upperBound
            // A run shorter than what was read stopped at the acknowledged position or the cutoff: done for now.
            if deleted.upperBound < rows.last?.seq ?? 0 || rows.count < batchEvents { break }
        }
        return pass
    }

    public func archivedThrough() async throws -> Int64 {
        try await pool.read { db in try Self.archivedThrough(db) }
    }

    /// How far the log has been archived, read inside the caller's transaction.
    static func archivedThrough(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT archived_through FROM event_archive WHERE id = 1")) ?? 0
    }

    private static func retentionSnapshot(_ state: RetentionRows.State, _ rows: [EventLogRows.Event]) throws -> EventRetention.Snapshot {
        EventRetention.Snapshot(
            archivedThrough: state.archivedThrough, acknowledged: state.acknowledged,
            candidates: try rows.map { row in
                guard let recordedAt = Timestamp.parse(row.recordedAt) else {
                    throw StoreError(.unusable, "event \(row.seq) has an unreadable recording time \(row.recordedAt)")
                }
                return EventRetention.Candidate(sequence: row.seq, recordedAt: recordedAt)
            })
    }
}

/// The rows retention reads.
enum RetentionRows {
    /// How far the log has been archived and acknowledged.
    struct State: Decodable, FetchableRecord {
        var archivedThrough: Int64
        var acknowledged: Int64

        enum CodingKeys: String, CodingKey {
            case archivedThrough = "archived_through", acknowledged = "acknowledged_through"
        }
    }
}
