import Foundation
import GantryCore
import GRDB
import Synchronization

/// The plant store on a SQLite file in WAL mode: one writer (group commit), concurrent readers.
public final class SQLitePlantStore: PlantStore {
    public let plantID: String
    let pool: DatabasePool
    let writer: GroupCommitWriter
    private let head: HeadSignal
    private let lock: StoreLock
    let now: @Sendable () -> Date
    let path: String
    /// SQLite's `synchronous` setting for the durability asked for, on every connection.
    let synchronous: String
    /// The MQTT inbox once opened, and the newest of its entries projected into the store.
    let inbox = Mutex<(inbox: InboxLog, projectedThrough: Int64)?>(nil)

    /// Opens (creating if needed) the store at `path` for `plantID`. Fails with a `StoreError` when the
    /// file belongs to another plant, was written by a newer Gantry, or is in use by another process.
    public init(
        path: String, plantID: String, durability: AgentConfiguration.Durability = .powerLoss,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        let directory = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
            throw StoreError(.unusable, "the store's folder \(directory) does not exist")
        }
        lock = try StoreLock(path: path + ".lock")
        var configuration = Configuration()
        let synchronous = durability == .powerLoss ? "FULL" : "NORMAL"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError(.unusable, "cannot open the store \(path): \(error)")
        }
        self.plantID = plantID
        self.now = now
        self.path = path
        self.synchronous = synchronous
        let initialHead = try Self.prepare(pool, path: path, plantID: plantID, now: now())
        let head = HeadSignal(head: initialHead)
        self.head = head
        writer = GroupCommitWriter(pool: pool) { db in
            if let newest = try? Int64.fetchOne(db.cachedStatement(sql: "SELECT max(seq) FROM events")) {
                head.advance(to: newest)
            }
        }
    }

    private static func prepare(_ pool: DatabasePool, path: String, plantID: String, now: Date) throws -> Int64 {
        let migrator = migrator
        if try pool.read({ try migrator.hasBeenSuperseded($0) }) {
            throw StoreError(.newerSchema, "the store \(path) was written by a newer gantry-agent; upgrade this one")
        }
        try migrator.migrate(pool)
        return try pool.write { db in
            let owner = try String.fetchOne(db, sql: "SELECT plant_id FROM store_identity")
            if let owner, owner != plantID {
                throw StoreError(.plantMismatch, "the store \(path) belongs to plant \(owner), not \(plantID)")
            }
            if owner == nil {
                try db.execute(
                    sql: "INSERT INTO store_identity (id, plant_id, created_at) VALUES (1, ?, ?)",
                    arguments: [plantID, Timestamp.format(now)])
            }
            return try Int64.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM events") ?? 0
        }
    }

    public func recordScan(_ scan: ScanRecorded, occurredAt: Date) async throws -> ScanReceipt {
        let recordedAt = now()
        return try await writer.write { db in
            let lookup = try db.cachedStatement(sql: """
                SELECT s.seq, s.device, s.data, e.event_id, e.recorded_at
                FROM scans s LEFT JOIN events e ON e.seq = s.seq WHERE s.scan_id = ?
                """)
            if let earlier = try EventLogRows.EarlierScan.fetchOne(lookup, arguments: [scan.scanID.uuidString]) {
                guard earlier.device == scan.device, earlier.data == scan.data else {
                    throw StoreError(
                        .idempotencyConflict,
                        "scan \(scan.scanID) was already recorded with other data or device")
                }
                guard let eventID = earlier.eventID.flatMap(UUID.init(uuidString:)) else {
                    throw StoreError(
                        .idempotencyConflict,
                        "scan \(scan.scanID) was recorded long ago at sequence \(earlier.seq), and its event has been archived")
                }
                return ScanReceipt(
                    scanID: scan.scanID, sequence: earlier.seq, eventID: eventID,
                    recordedAt: earlier.recordedAt.flatMap(Timestamp.parse) ?? recordedAt, duplicate: true)
            }
            let event = try Self.append(scan, occurredAt: occurredAt, recordedAt: recordedAt, in: db)
            try db.cachedStatement(sql: "INSERT INTO scans (scan_id, seq, device, data, occurred_at) VALUES (?, ?, ?, ?, ?)")
                .execute(arguments: [scan.scanID.uuidString, event.sequence, scan.device, scan.data, Timestamp.format(occurredAt)])
            return ScanReceipt(
                scanID: scan.scanID, sequence: event.sequence, eventID: event.id, recordedAt: recordedAt, duplicate: false)
        }
    }

    /// Appends `event` at the next sequence. Call only inside a write intent, with the state it describes.
    static func append<E: PlantEvent>(
        _ event: E, occurredAt: Date, recordedAt: Date, in db: Database
    ) throws -> (sequence: Int64, id: UUID) {
        var tail = try EventLogTail(db)
        return try tail.append(event, occurredAt: occurredAt, recordedAt: recordedAt)
    }

    /// The same events as `storedEvents`, read back as envelopes.
    public func events(from sequence: Int64, maxEvents: Int, maxBytes: Int) async throws -> [EventEnvelope] {
        try await storedEvents(from: sequence, maxEvents: maxEvents, maxBytes: maxBytes).map { try $0.envelope() }
    }

    public func storedEvents(from sequence: Int64, maxEvents: Int, maxBytes: Int) async throws -> [StoredEvent] {
        try await pool.read { db in
            let rows = try EventLogRows.Event.fetchCursor(db, sql: """
                SELECT seq, event_id, type, schema_version, occurred_at, recorded_at, payload
                FROM events WHERE seq >= ? ORDER BY seq LIMIT ?
                """, arguments: [sequence, maxEvents])
            var events: [StoredEvent] = []
            var bytes = 0
            while let row = try rows.next() {
                bytes += row.payload.utf8.count
                if !events.isEmpty, bytes > maxBytes { break }
                events.append(row.stored)
            }
            if events.first?.sequence ?? sequence != sequence {
                try EventRetention.checkReadable(from: sequence, archivedThrough: Self.archivedThrough(db))
            }
            return events
        }
    }

    public func recordAcknowledgement(through sequence: Int64) async throws {
        let at = Timestamp.format(now())
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE sync_progress SET acknowledged_through = ?, updated_at = ? WHERE id = 1",
                arguments: [sequence, at])
        }
    }

    /// The log's head, its running byte total, the acknowledged event's total and the oldest unsynced event's
    /// time, for an acknowledged sequence given twice. Each a lookup by sequence: the byte total is the head
    /// event's `log_bytes` (a running total), never `max(log_bytes)`, which has no index and read the whole log
    /// on every sync batch and status request (after 35 days offline, 2.4 million events, most of the agent's time).
    static let positionSQL = """
        SELECT
            (SELECT coalesce(max(seq), 0) FROM events) AS head,
            coalesce((SELECT log_bytes FROM events WHERE seq = (SELECT max(seq) FROM events)), 0) AS total_bytes,
            (SELECT log_bytes FROM events WHERE seq = ?) AS acknowledged_bytes,
            (SELECT recorded_at FROM events WHERE seq = ? + 1) AS oldest
        """

    public func position() async throws -> LogPosition {
        try await pool.read { db in
            let acknowledged = try Int64.fetchOne(db, sql: "SELECT acknowledged_through FROM sync_progress") ?? 0
            let row = try EventLogRows.Position.fetchOne(db, sql: Self.positionSQL, arguments: [acknowledged, acknowledged])!
            return LogPosition(
                head: row.head, acknowledged: acknowledged, backlogBytes: row.totalBytes - (row.acknowledgedBytes ?? 0),
                oldestUnsyncedAt: row.oldest.flatMap(Timestamp.parse))
        }
    }

    public func waitForEvents(after sequence: Int64, timeout: Duration) async -> Int64 {
        await head.wait(after: sequence, timeout: timeout)
    }
}
