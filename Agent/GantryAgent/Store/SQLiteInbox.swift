import CSQLite3
import Dispatch
import Foundation
import Synchronization

/// The MQTT inbox: a small SQLite file beside the store (`{store.path}-inbox`), written through the C API on
/// a connection of its own. One prepared INSERT and a WAL commit is the cheapest durable step there is, and
/// it is what libmosquitto's thread does for each QoS 1 message before returning (libmosquitto has sent
/// PUBACK already). Being a file of its own, the inbox never waits for SQLite's write lock on the store,
/// which the projection behind it (`SQLitePlantStore.projectMachineInbox`) holds for a batch at a time. The
/// connection holds the file in exclusive locking mode, which spares every commit the file-lock system calls
/// SQLite otherwise makes around each transaction; the projection reads recent entries from memory and only
/// falls back to this connection, under the same lock as the writers, when they did not fit there.
///
/// QoS 0 entries are queued and group-committed on a private queue; a QoS 1 entry is committed at once,
/// together with whatever is queued. At most `maximumQueued` entries wait in memory: beyond that `enqueue`
/// blocks, which slows the broker connection instead of growing memory. Entries get increasing ids, never
/// reused, so that the store can record how far it has projected (`mqtt_inbox_progress`).
///
/// `@unchecked Sendable`: the connection is used only while holding its `Mutex` (SQLite connections must not
/// be used by two threads at once); the rest is a `Mutex`, a semaphore and serial queues.
final class SQLiteInbox: MachineInbox, @unchecked Sendable {
    static let maximumQueued = 10_000
    /// Entries kept in memory after their commit for the projection, which then need not read them back.
    static let maximumRecent = 10_000
    /// Fewer QoS 0 entries than this wait a millisecond for more before they are committed.
    static let flushGathering = 256
    /// Entries committed between checkpoints at most (each QoS 1 commit adds a 1 KiB page to the log).
    static let checkpointEvery = 8_192

    /// An entry read back for projection.
    struct Stored: Sendable {
        var id: Int64
        var entry: InboxEntry
    }

    private struct Writer {
        let connection: SQLiteConnection
        let insert, begin, commit, rollback, delete, select, count: OpaquePointer
        var nextID: Int64
        var sinceCheckpoint = 0
    }

    private let writer: Mutex<Writer>
    private let queued = Mutex<(entries: [InboxEntry], flushing: Bool)>(([], false))
    /// Committed entries in id order, a cache of the file's newest ones: when it is full, new ones are only in the file.
    private let recent = Mutex<[Stored]>([])
    private let slots = DispatchSemaphore(value: SQLiteInbox.maximumQueued)
    private let flushQueue = DispatchQueue(label: "gantry.mqtt.inbox.flush")
    private let projectionQueue = DispatchQueue(label: "gantry.mqtt.inbox.projection")
    private let committed: @Sendable ([InboxEntry]) -> Void
    private let failed: @Sendable (Int, any Error) -> Void

    /// Opens (creating if needed) the inbox at `path`. New entries get ids above `projectedThrough` and above
    /// every entry already in the file. `committed` runs after each commit with the entries it made durable,
    /// `failed` when queued entries could not be stored.
    init(
        path: String, synchronous: String, projectedThrough: Int64,
        committed: @escaping @Sendable ([InboxEntry]) -> Void, failed: @escaping @Sendable (Int, any Error) -> Void
    ) throws {
        let connection = try SQLiteConnection(path: path, name: "the MQTT inbox")
        // Small pages: every QoS 1 commit writes its page to the log, and a row is ~100 bytes. Takes effect
        // only when the file is created. Checkpoints must not run on libmosquitto's thread: the projection
        // runs them (`removeSoon`).
        try connection.execute("PRAGMA page_size = 1024")
        try connection.execute("PRAGMA locking_mode = EXCLUSIVE")
        try connection.execute("PRAGMA journal_mode = WAL")
        try connection.execute("PRAGMA synchronous = \(synchronous)")
        try connection.execute("PRAGMA wal_autocheckpoint = 0")
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS mqtt_inbox (
                id INTEGER PRIMARY KEY,
                received_at INTEGER NOT NULL, -- agent clock, microseconds since 1970
                qos INTEGER,                  -- NULL for a lost connection
                topic TEXT NOT NULL,
                payload BLOB NOT NULL,        -- at most the first 1 KiB when over mqtt.max_payload_bytes
                payload_bytes INTEGER NOT NULL,
                lost_cause TEXT               -- set (topic and payload empty) when the broker connection was lost
            )
            """)
        let newest = try connection.prepare("SELECT coalesce(max(id), 0) FROM mqtt_inbox")
        _ = try connection.step(newest)
        let nextID = max(sqlite3_column_int64(newest, 0), projectedThrough) + 1
        sqlite3_reset(newest)
        writer = Mutex(Writer(
            connection: connection,
            insert: try connection.prepare("""
                INSERT INTO mqtt_inbox (id, received_at, qos, topic, payload, payload_bytes, lost_cause) VALUES (?, ?, ?, ?, ?, ?, ?)
                """),
            begin: try connection.prepare("BEGIN IMMEDIATE"), commit: try connection.prepare("COMMIT"),
            rollback: try connection.prepare("ROLLBACK"), delete: try connection.prepare("DELETE FROM mqtt_inbox WHERE id <= ?"),
            select: try connection.prepare("""
                SELECT id, received_at, qos, topic, payload, payload_bytes, lost_cause FROM mqtt_inbox
                WHERE id > ? ORDER BY id LIMIT ?
                """),
            count: try connection.prepare("SELECT count(*) FROM mqtt_inbox WHERE id > ?"),
            nextID: nextID))
        self.committed = committed
        self.failed = failed
    }

    // MARK: Writing (libmosquitto's thread, the flush queue)

    /// Makes `entry` durable, with everything queued, before returning.
    func append(_ entry: InboxEntry) throws {
        let entries = try writer.withLock { writer in
            var entries = takeQueued()
            entries.append(entry)
            defer { release(entries.count - 1) }
            do {
                try insert(entries, with: &writer)
            } catch {
                if entries.count > 1 { failed(entries.count - 1, error) }
                throw error
            }
            return entries
        }
        committed(entries)
    }

    /// Queues `entry` for the next group commit and returns, unless `maximumQueued` entries are waiting.
    func enqueue(_ entry: InboxEntry) {
        slots.wait()
        let startFlushing = queued.withLock { queued in
            queued.entries.append(entry)
            defer { queued.flushing = true }
            return !queued.flushing
        }
        if startFlushing { flushQueue.async { self.flush() } }
    }

    /// Waits until every queued entry has been committed (or given up): a flush, once scheduled, runs until
    /// nothing is queued.
    func flushQueued() async {
        await withCheckedContinuation { continuation in flushQueue.async { continuation.resume() } }
    }

    private func flush() {
        while true {
            // Let a moment's messages gather: a commit of hundreds costs little more than a commit of one.
            if queued.withLock({ $0.entries.count }) < Self.flushGathering { usleep(1_000) }
            let stored: Result<[InboxEntry], any Error>? = writer.withLock { writer in
                let entries = takeQueued()
                guard !entries.isEmpty else { return nil }
                defer { release(entries.count) }
                do {
                    try insert(entries, with: &writer)
                    return .success(entries)
                } catch {
                    failed(entries.count, error)
                    return .failure(error)
                }
            }
            switch stored {
            case .success(let entries): committed(entries)
            case .failure: continue
            case nil:
                let done = queued.withLock { queued -> Bool in
                    if queued.entries.isEmpty { queued.flushing = false }
                    return !queued.flushing
                }
                if done { return }
            }
        }
    }

    private func takeQueued() -> [InboxEntry] {
        queued.withLock { queued in
            defer { queued.entries = [] }
            return queued.entries
        }
    }

    private func release(_ count: Int) {
        for _ in 0..<count { slots.signal() }
    }

    /// Inserts `entries` in one transaction (a single one in autocommit mode, which is one transaction too).
    private func insert(_ entries: [InboxEntry], with writer: inout Writer) throws {
        try Self.insert(entries, with: &writer)
        writer.sinceCheckpoint += entries.count
        // Still under the writer's lock, so the cache stays in id order.
        let firstID = writer.nextID - Int64(entries.count)
        recent.withLock { recent in
            for (offset, entry) in entries.enumerated() where recent.count < Self.maximumRecent {
                recent.append(Stored(id: firstID + Int64(offset), entry: entry))
            }
        }
    }

    private static func insert(_ entries: [InboxEntry], with writer: inout Writer) throws {
        let firstID = writer.nextID
        guard entries.count > 1 else {
            try insert(entries[0], id: firstID, with: writer)
            writer.nextID += 1
            return
        }
        try writer.connection.run(writer.begin)
        do {
            for (offset, entry) in entries.enumerated() { try insert(entry, id: firstID + Int64(offset), with: writer) }
            try writer.connection.run(writer.commit)
        } catch {
            _ = sqlite3_step(writer.rollback)
            sqlite3_reset(writer.rollback)
            throw error
        }
        writer.nextID += Int64(entries.count)
    }

    private static func insert(_ entry: InboxEntry, id: Int64, with writer: Writer) throws {
        let statement = writer.insert
        // SQLITE_TRANSIENT: SQLite copies the few bytes, so nothing has to outlive this call.
        let transient = gantry_sqlite_transient()
        sqlite3_bind_int64(statement, 1, id)
        sqlite3_bind_int64(statement, 2, Int64((entry.receivedAt.timeIntervalSince1970 * 1_000_000).rounded()))
        switch entry.content {
        case .message(let topic, let payload, let payloadBytes, let qos):
            sqlite3_bind_int(statement, 3, qos)
            sqlite3_bind_text(statement, 4, topic, -1, transient)
            // A blob from a nil pointer would be NULL: an empty payload is bound as an empty blob.
            _ = payload.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress, !bytes.isEmpty {
                    sqlite3_bind_blob(statement, 5, base, Int32(bytes.count), transient)
                } else {
                    sqlite3_bind_zeroblob(statement, 5, 0)
                }
            }
            sqlite3_bind_int64(statement, 6, Int64(payloadBytes))
            sqlite3_bind_null(statement, 7)
        case .signalLost(let cause):
            sqlite3_bind_null(statement, 3)
            sqlite3_bind_text(statement, 4, "", -1, transient)
            sqlite3_bind_zeroblob(statement, 5, 0)
            sqlite3_bind_int64(statement, 6, 0)
            sqlite3_bind_text(statement, 7, cause, -1, transient)
        }
        try writer.connection.run(statement)
    }

    // MARK: Reading and removing (the projection)

    /// Up to `limit` entries after `id`, oldest first: from memory when it holds the next ones, else from the
    /// file. Blocks the calling thread.
    func entriesNow(after id: Int64, limit: Int) throws -> [Stored] {
        let cached = recent.withLock { recent -> [Stored] in
            recent.removeFirst(recent.prefix { $0.id <= id }.count)
            // Only a run without gaps: entries that did not fit are only in the file.
            var count = 0
            while count < min(limit, recent.count), recent[count].id == id + 1 + Int64(count) { count += 1 }
            defer { recent.removeFirst(count) }
            return Array(recent.prefix(count))
        }
        if !cached.isEmpty { return cached }
        // On the projection queue: the calling thread may run at a low priority, and libmosquitto's thread
        // waits for the connection meanwhile.
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Result<[Stored], any Error>?>(nil)
        projectionQueue.async {
            result.withLock { $0 = Result { try self.writer.withLock { try Self.read(after: id, limit: limit, with: $0) } } }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }

    private static func read(after id: Int64, limit: Int, with writer: Writer) throws -> [Stored] {
        let select = writer.select
        defer { sqlite3_reset(select) }
        sqlite3_bind_int64(select, 1, id)
        sqlite3_bind_int64(select, 2, Int64(limit))
        var entries: [Stored] = []
        while try writer.connection.step(select) {
            entries.append(Stored(id: sqlite3_column_int64(select, 0), entry: Self.entry(select)))
        }
        return entries
    }

    private static func entry(_ row: OpaquePointer) -> InboxEntry {
        let receivedAt = Date(timeIntervalSince1970: Double(sqlite3_column_int64(row, 1)) / 1_000_000)
        if sqlite3_column_type(row, 6) != SQLITE_NULL {
            return InboxEntry(.signalLost(cause: text(row, 6)), receivedAt: receivedAt)
        }
        let count = Int(sqlite3_column_bytes(row, 4))
        let payload = count == 0 ? [] : Array(UnsafeRawBufferPointer(start: sqlite3_column_blob(row, 4), count: count))
        return InboxEntry(
            .message(topic: text(row, 3), payload: payload, payloadBytes: Int(sqlite3_column_int64(row, 5)),
                     qos: sqlite3_column_int(row, 2)),
            receivedAt: receivedAt)
    }

    private static func text(_ row: OpaquePointer, _ column: Int32) -> String {
        guard let text = sqlite3_column_text(row, column) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(row, column))), as: UTF8.self)
    }

    /// How many entries after `id` wait.
    func count(after id: Int64) async throws -> Int {
        try await onProjectionQueue { writer in
            defer { sqlite3_reset(writer.count) }
            sqlite3_bind_int64(writer.count, 1, id)
            _ = try writer.connection.step(writer.count)
            return Int(sqlite3_column_int64(writer.count, 0))
        }
    }

    /// Soon deletes the entries through `id` (projected) and, every `checkpointEvery` entries, copies the inbox's
    /// log into its file so that the log starts over; on the projection queue, not on libmosquitto's thread
    /// (which waits meanwhile). A failure leaves the entries for the next removal.
    func removeSoon(through id: Int64) {
        projectionQueue.async {
            try? self.writer.withLock { writer in
                sqlite3_bind_int64(writer.delete, 1, id)
                try writer.connection.run(writer.delete)
                guard writer.sinceCheckpoint >= Self.checkpointEvery else { return }
                writer.sinceCheckpoint = 0
                try writer.connection.checkpoint()
            }
        }
    }

    /// Runs `body` with the connection on the read queue, off the cooperative thread pool.
    private func onProjectionQueue<T: Sendable>(_ body: @escaping @Sendable (inout Writer) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            projectionQueue.async {
                continuation.resume(with: Result { try self.writer.withLock { try body(&$0) } })
            }
        }
    }
}
