import Dispatch
import Foundation
import Synchronization

/// The MQTT inbox: an append-only log beside the store, the folder `{store.path}-inbox.d`, holding segment
/// files named by the id of their first entry (`00000000000000000001.log`). Taking a message is encoding it
/// into a buffer and one `pwrite` into the page cache, which survives a process crash like a WAL commit does,
/// without SQLite's B-tree, page and log work; with `power-loss` durability an `fdatasync` follows. It is what
/// libmosquitto's thread does for each QoS 1 message before returning (libmosquitto has queued the PUBACK and
/// writes it once the callback returns).
/// The projection behind it (`SQLitePlantStore.projectMachineInbox`) reads recent entries from memory and the
/// rest from the files, records in the store's transaction how far it has projected (`mqtt_inbox_progress`),
/// and deletes a segment once every entry in it is projected.
///
/// Each entry is a record: its body's length and CRC-32C, then the body (id, arrival time, kind, QoS, sizes,
/// topic, payload or cause). Opening the log reads every segment and cuts the newest at the first record that
/// is short or fails its checksum, the torn end of a write interrupted by a power loss; what follows can only
/// be from the same interrupted write. A write that fails is cut off again, and the segment's end stays where
/// it was: the next write starts at the same offset.
///
/// QoS 0 entries are queued and group-written on a private queue; a QoS 1 entry is written at once, together
/// with whatever is queued. At most `maximumQueued` entries wait in memory: beyond that `enqueue` blocks,
/// which slows the broker connection instead of growing memory. Entries get increasing ids, never reused.
///
/// `@unchecked Sendable`: the files and the write position are used only while holding the writer's `Mutex`;
/// segments are read without it, only up to the end the writer had reached, which never changes afterwards.
/// The rest is `Mutex`es, a semaphore and a serial queue.
final class InboxLog: MachineInbox, @unchecked Sendable {
    static let maximumQueued = 10_000
    /// Entries kept in memory after their write for the projection, which then need not read them back.
    static let maximumRecent = 10_000
    /// Fewer QoS 0 entries than this wait a millisecond for more before they are written.
    static let flushGathering = 256
    /// A segment is closed and a new one started once it is this large.
    static let defaultSegmentBytes = 4 << 20

    /// An entry read back for projection.
    struct Stored: Sendable {
        var id: Int64
        var entry: InboxEntry
    }

    struct Segment {
        var firstID: Int64
        var path: String
        /// Where its records end: the writer's position for the segment written to.
        var end: Int
    }

    private struct Writer {
        /// Oldest first; entries are written to the last.
        var segments: [Segment]
        var descriptor: Int32
        var nextID: Int64
        var buffer: [UInt8] = []
    }

    /// Where the projection's last read from the files stopped: reading on from there skips re-reading.
    private struct ReadPosition {
        var segmentFirstID: Int64
        var offset: Int
        var lastID: Int64
    }

    private let folder: String
    private let powerLoss: Bool
    private let segmentBytes: Int
    private let lock: StoreLock
    private let writer: Mutex<Writer>
    private let queued = Mutex<(entries: [InboxEntry], flushing: Bool)>(([], false))
    /// Written entries in id order, a cache of the log's newest ones: when it is full, new ones are only in the files.
    private let recent = Mutex<[Stored]>([])
    private let readPosition = Mutex<ReadPosition?>(nil)
    private let slots = DispatchSemaphore(value: InboxLog.maximumQueued)
    private let flushQueue = DispatchQueue(label: "gantry.mqtt.inbox.flush")
    private let committed: @Sendable ([InboxEntry]) -> Void
    private let failed: @Sendable (Int, any Error) -> Void

    /// Opens (creating if needed) the log in `folder`, cutting a torn end, and deleting segments projected
    /// through `projectedThrough`. New entries get ids above that and above every entry already there.
    /// `powerLoss`: every write is followed by `fdatasync`. `committed` runs after each write with the entries
    /// it made durable, `failed` when queued entries could not be written.
    init(
        folder: String, powerLoss: Bool, projectedThrough: Int64, segmentBytes: Int = InboxLog.defaultSegmentBytes,
        committed: @escaping @Sendable ([InboxEntry]) -> Void, failed: @escaping @Sendable (Int, any Error) -> Void
    ) throws {
        self.folder = folder
        self.powerLoss = powerLoss
        self.segmentBytes = segmentBytes
        self.committed = committed
        self.failed = failed
        if mkdir(folder, 0o700) != 0 && errno != EEXIST { throw Self.error("cannot create the MQTT inbox \(folder)") }
        // One agent per inbox: a second one on the same store would interleave its entries with ours.
        lock = try StoreLock(path: "\(folder)/lock", guarding: "the MQTT inbox \(folder)")
        let recovered = try Self.recover(folder: folder, powerLoss: powerLoss)
        var segments = recovered.segments
        let lastID = recovered.lastID
        var nextID = max(lastID ?? 0, projectedThrough) + 1
        // Segments whose entries are all projected: the last crash came before their deletion.
        for segment in Self.removeProjected(from: &segments, through: projectedThrough) { unlink(segment.path) }
        if segments.isEmpty || lastID.map({ $0 <= projectedThrough }) ?? true {
            // Nothing to project: start afresh at the next id.
            for segment in segments { unlink(segment.path) }
            segments = [try Self.create(firstID: nextID, in: folder, powerLoss: powerLoss)]
        }
        let descriptor = open(segments[segments.count - 1].path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Self.error("cannot open \(segments[segments.count - 1].path)") }
        nextID = max(nextID, segments[segments.count - 1].firstID)
        writer = Mutex(Writer(segments: segments, descriptor: descriptor, nextID: nextID))
    }

    deinit {
        writer.withLock { _ = close($0.descriptor) }
    }

    // MARK: Writing (libmosquitto's thread, the flush queue)

    /// Makes `entry` durable, with everything queued, before returning.
    func append(_ entry: InboxEntry) throws {
        let entries = try writer.withLock { writer in
            var entries = takeQueued()
            entries.append(entry)
            defer { release(entries.count - 1) }
            do {
                try write(entries, with: &writer)
            } catch {
                if entries.count > 1 { failed(entries.count - 1, error) }
                throw error
            }
            return entries
        }
        committed(entries)
    }

    /// Queues `entry` for the next group write and returns, unless `maximumQueued` entries are waiting.
    func enqueue(_ entry: InboxEntry) {
        slots.wait()
        let startFlushing = queued.withLock { queued in
            queued.entries.append(entry)
            defer { queued.flushing = true }
            return !queued.flushing
        }
        if startFlushing { flushQueue.async { self.flush() } }
    }

    /// Waits until every queued entry has been written (or given up): a flush, once scheduled, runs until
    /// nothing is queued.
    func flushQueued() async {
        await withCheckedContinuation { continuation in flushQueue.async { continuation.resume() } }
    }

    private func flush() {
        while true {
            // Let a moment's messages gather: a write of hundreds costs little more than a write of one.
            if queued.withLock({ $0.entries.count }) < Self.flushGathering { usleep(1_000) }
            let stored: Result<[InboxEntry], any Error>? = writer.withLock { writer in
                let entries = takeQueued()
                guard !entries.isEmpty else { return nil }
                defer { release(entries.count) }
                do {
                    try write(entries, with: &writer)
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

    /// Writes `entries` as records at the end of the last segment in one `pwrite` (and `fdatasync`), then
    /// starts a new segment if that one is full.
    private func write(_ entries: [InboxEntry], with writer: inout Writer) throws {
        let firstID = writer.nextID
        writer.buffer.removeAll(keepingCapacity: true)
        for (offset, entry) in entries.enumerated() {
            InboxRecord.append(entry, id: firstID + Int64(offset), to: &writer.buffer)
        }
        let last = writer.segments.count - 1
        do {
            try writer.buffer.withUnsafeBytes { bytes in
                try Self.write(bytes, to: writer.descriptor, at: writer.segments[last].end, path: writer.segments[last].path)
            }
            if powerLoss, fdatasync(writer.descriptor) != 0 {
                throw Self.error("cannot flush \(writer.segments[last].path) to disk")
            }
        } catch {
            // What did reach the file goes; if even that fails, the next write starts at the same end anyway.
            _ = ftruncate(writer.descriptor, off_t(writer.segments[last].end))
            throw error
        }
        writer.segments[last].end += writer.buffer.count
        writer.nextID += Int64(entries.count)
        // Still under the writer's lock, so the cache stays in id order.
        recent.withLock { recent in
            for (offset, entry) in entries.enumerated() where recent.count < Self.maximumRecent {
                recent.append(Stored(id: firstID + Int64(offset), entry: entry))
            }
        }
        // Not fatal when it fails: the full segment takes the next entries and the next write tries again.
        if writer.segments[last].end >= segmentBytes, let next = try? Self.create(firstID: writer.nextID, in: folder, powerLoss: powerLoss) {
            let descriptor = open(next.path, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                unlink(next.path)
                return
            }
            close(writer.descriptor)
            writer.descriptor = descriptor
            writer.segments.append(next)
        }
    }

    private static func write(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, at offset: Int, path: String) throws {
        var written = 0
        while written < bytes.count {
            let count = pwrite(descriptor, bytes.baseAddress! + written, bytes.count - written, off_t(offset + written))
            if count < 0 {
                if errno == EINTR { continue }
                throw error("cannot write to \(path)")
            }
            written += count
        }
    }

    /// The id the next entry gets: above every entry written and every entry projected.
    var nextID: Int64 { writer.withLock { $0.nextID } }

    /// Writes entries that keep their ids (from an earlier inbox), each above every id written so far.
    func carryOver(_ stored: [Stored]) throws {
        try writer.withLock { writer in
            var rest = stored[...]
            while let first = rest.first {
                guard first.id >= writer.nextID else {
                    throw StoreError(.unusable, "inbox entry \(first.id) is not newer than the entries written")
                }
                // A run of consecutive ids is one write.
                var count = 1
                while count < rest.count, rest[rest.startIndex + count].id == first.id + Int64(count) { count += 1 }
                writer.nextID = first.id
                try write(rest.prefix(count).map(\.entry), with: &writer)
                rest = rest.dropFirst(count)
            }
        }
    }

    // MARK: Reading and removing (the projection)

    /// Up to `limit` entries after `id`, oldest first: from memory when it holds the next ones, else from the
    /// files. Blocks the calling thread.
    func entriesNow(after id: Int64, limit: Int) throws -> [Stored] {
        let cached = recent.withLock { recent -> [Stored] in
            recent.removeFirst(recent.prefix { $0.id <= id }.count)
            // Only a run without gaps: entries that did not fit are only in the files.
            var count = 0
            while count < min(limit, recent.count), recent[count].id == id + 1 + Int64(count) { count += 1 }
            defer { recent.removeFirst(count) }
            return Array(recent.prefix(count))
        }
        if !cached.isEmpty { return cached }
        return try read(after: id, limit: limit)
    }

    /// How many entries after `id` wait.
    func count(after id: Int64) async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            // Reading files blocks: not on the cooperative thread pool.
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    var count = 0
                    var from = id
                    while true {
                        let entries = try self.read(after: from, limit: 10_000)
                        guard let last = entries.last else { return count }
                        count += entries.count
                        from = last.id
                    }
                })
            }
        }
    }

    /// Deletes the segments whose entries are all projected (through `id`), never the one written to.
    func remove(through id: Int64) {
        let projected = writer.withLock { Self.removeProjected(from: &$0.segments, through: id) }
        for segment in projected { unlink(segment.path) }
    }

    /// Takes the oldest segments whose entries are all through `id` (the next segment's first id is past it)
    /// out of `segments` and returns them; the last one always stays.
    private static func removeProjected(from segments: inout [Segment], through id: Int64) -> [Segment] {
        var count = 0
        while count + 1 < segments.count, segments[count + 1].firstID - 1 <= id { count += 1 }
        defer { segments.removeFirst(count) }
        return Array(segments.prefix(count))
    }

    /// Reads entries after `id` from the files, up to where the writer had written when asked.
    private func read(after id: Int64, limit: Int) throws -> [Stored] {
        let segments = writer.withLock { $0.segments }
        var start = segments.lastIndex { $0.firstID <= id + 1 } ?? 0
        var offset = 0
        if let position = readPosition.withLock({ $0 }), position.lastID == id,
           let index = segments.firstIndex(where: { $0.firstID == position.segmentFirstID }) {
            (start, offset) = (index, position.offset)
        }
        var entries: [Stored] = []
        for segment in segments[start...] {
            let reached = try InboxRecord.read(segment.path, from: offset, to: segment.end) { stored in
                guard stored.id > id else { return true }
                guard entries.count < limit else { return false }
                entries.append(stored)
                return true
            }
            if entries.count == limit || segment.firstID == segments.last?.firstID {
                if let last = entries.last {
                    readPosition.withLock { $0 = ReadPosition(segmentFirstID: segment.firstID, offset: reached, lastID: last.id) }
                }
                break
            }
            offset = 0
        }
        return entries
    }
}
