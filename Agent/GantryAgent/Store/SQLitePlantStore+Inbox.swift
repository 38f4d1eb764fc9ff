import Foundation
import GantryCore
import GRDB
import Synchronization

extension SQLitePlantStore {
    /// An inbox entry read back, its message already read.
    private struct ReadEntry: Sendable {
        enum Kind: Sendable {
            case message(topic: String, payload: [UInt8], payloadBytes: Int, Result<[MachineSignal], MachineSignalError>)
            case signalLost(cause: String)
        }

        var id: Int64
        var receivedAt: Date
        var kind: Kind
    }

    /// Opens the inbox, the folder `{store.path}-inbox.d`, carrying over what an inbox of an earlier version
    /// (the SQLite file `{store.path}-inbox`) still holds. `committed` runs after each write with the entries
    /// it made durable, `failed` when queued entries could not be written.
    public func openMachineInbox(
        committed: @escaping @Sendable ([InboxEntry]) -> Void, failed: @escaping @Sendable (Int, any Error) -> Void
    ) async throws -> any MachineInbox {
        let projectedThrough = try await pool.read { db in
            try Int64.fetchOne(db, sql: "SELECT projected_through FROM mqtt_inbox_progress") ?? 0
        }
        let (path, powerLoss) = (path, synchronous == "FULL")
        let opened = try await withCheckedThrowingContinuation { continuation in
            // Opening files blocks: not on the cooperative thread pool.
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    let log = try InboxLog(
                        folder: path + "-inbox.d", powerLoss: powerLoss, projectedThrough: projectedThrough,
                        committed: committed, failed: failed)
                    try SQLiteInboxFile.carryOver(path + "-inbox", into: log)
                    return log
                })
            }
        }
        inbox.withLock { $0 = (opened, projectedThrough) }
        return opened
    }

    /// How many entries wait in the inbox to be projected.
    public func machineInboxBacklog() async throws -> Int {
        let (inbox, projectedThrough) = try openInbox()
        return try await inbox.count(after: projectedThrough)
    }

    private func openInbox() throws -> (InboxLog, Int64) {
        guard let opened = inbox.withLock({ $0 }) else { throw StoreError(.unusable, "the MQTT inbox is not open") }
        return opened
    }

    /// Projects up to `limit` inbox entries, oldest first, in one transaction of the store: machine states and
    /// counts with their events, dead letters, lost signals, and how far the inbox has been projected, so each
    /// entry is projected exactly once whatever crashes. Segments all projected are deleted from the inbox after.
    /// Messages are read (`read`) before the transaction, outside SQLite's write lock.
    public func projectMachineInbox(limit: Int, read: @escaping MachineMessageReader) async throws -> InboxProjection {
        try await projectMachineInbox(limit: limit, reading: { read($0, $1, $2, $3).map { [$0] } }, changes: nil)
    }

    /// The same, blocking the calling thread (the MQTT ingest's projection thread).
    public func projectMachineInboxNow(limit: Int, read: MachineMessageReader) throws -> InboxProjection {
        try projectMachineInboxNow(limit: limit, reading: { read($0, $1, $2, $3).map { [$0] } }, changes: nil)
    }

    /// Projects like `projectMachineInbox(limit:read:)`, with a reader that may give any number of signals per
    /// message (a Sparkplug payload carries several metrics), storing the Sparkplug sessions `changes` gives in
    /// the same transaction.
    public func projectMachineInbox(
        limit: Int, reading: @escaping MachineMessagesReader, changes: SparkplugSessionChanges?
    ) async throws -> InboxProjection {
        try await withCheckedThrowingContinuation { continuation in
            // Blocking SQLite work: not on the cooperative thread pool.
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.projectMachineInboxNow(limit: limit, reading: reading, changes: changes) })
            }
        }
    }

    /// The same, blocking the calling thread (the MQTT ingest's projection thread).
    public func projectMachineInboxNow(
        limit: Int, reading read: MachineMessagesReader, changes: SparkplugSessionChanges?
    ) throws -> InboxProjection {
        let (inbox, projectedThrough) = try openInbox()
        let batch = try inbox.entriesNow(after: projectedThrough, limit: limit).map { stored in
            switch stored.entry.content {
            case .signalLost(let cause):
                return ReadEntry(id: stored.id, receivedAt: stored.entry.receivedAt, kind: .signalLost(cause: cause))
            case .message(let topic, let payload, let payloadBytes, _):
                let signal = read(topic, payload, payloadBytes, stored.entry.receivedAt)
                return ReadEntry(
                    id: stored.id, receivedAt: stored.entry.receivedAt,
                    kind: .message(topic: topic, payload: payload, payloadBytes: payloadBytes, signal))
            }
        }
        guard var through = batch.last?.id else { return InboxProjection() }
        let recordedAt = now()
        var result: InboxProjection
        do {
            result = try writer.writeAndWait { db in try Self.project(batch, recordedAt: recordedAt, changes: changes, in: db) }
        } catch where batch.count > 1 {
            // One entry the store refuses must not hold up the others: take them one at a time. Each commits
            // its own progress, so a failure part way returns what was projected before it.
            result = InboxProjection()
            for (index, entry) in batch.enumerated() {
                do {
                    result.add(try projectAlone(entry, recordedAt: recordedAt, changes: changes))
                } catch {
                    // The next call starts with the failing entry (and throws, if the store still fails).
                    guard index > 0 else { throw error }
                    through = batch[index - 1].id
                    break
                }
            }
        }
        self.inbox.withLock { $0?.projectedThrough = through }
        // Entries through `through` are skipped from now on, whether or not their segment is deleted.
        inbox.remove(through: through)
        return result
    }

    /// Projects one entry, or keeps it as a dead letter saying why it could not be projected; throws only when
    /// even that fails (the store is unusable for now: the entry waits in the inbox for a later attempt).
    private func projectAlone(_ entry: ReadEntry, recordedAt: Date, changes: SparkplugSessionChanges?) throws -> InboxProjection {
        do {
            return try writer.writeAndWait { db in try Self.project([entry], recordedAt: recordedAt, changes: changes, in: db) }
        } catch {
            let reason = "the store could not record it: \(error)"
            return try writer.writeAndWait { db in
                var result = InboxProjection()
                result.entries = 1
                switch entry.kind {
                case .message(let topic, let payload, let payloadBytes, _):
                    let added = try Self.storeDeadLetter(
                        topic: topic, payload: payload, payloadBytes: payloadBytes, reason: reason, receivedAt: entry.receivedAt, in: db)
                    if added { result.deadLetters = 1 } else { result.duplicates = 1 }
                case .signalLost(let cause):
                    try Self.storeDeadLetter(
                        topic: "", payload: Array(cause.utf8), payloadBytes: cause.utf8.count, reason: reason,
                        receivedAt: entry.receivedAt, in: db)
                }
                try Self.recordProgress(through: entry.id, in: db)
                return result
            }
        }
    }

    private static func project(
        _ batch: [ReadEntry], recordedAt: Date, changes: SparkplugSessionChanges?, in db: Database
    ) throws -> InboxProjection {
        let result = try MachineSignalRecorder.recording(in: db) { recorder in try project(batch, recordedAt: recordedAt, with: &recorder, in: db) }
        if let changes { try storeSparkplugNodes(changes(), at: recordedAt, in: db) }
        return result
    }

    private static func project(
        _ batch: [ReadEntry], recordedAt: Date, with recorder: inout MachineSignalRecorder, in db: Database
    ) throws -> InboxProjection {
        var result = InboxProjection()
        for entry in batch {
            switch entry.kind {
            case .signalLost(let cause):
                try recorder.appendingEvent { tail in
                    try storeSignalLost(cause: cause, at: entry.receivedAt, recordedAt: recordedAt, tail: &tail, in: db)
                }
            case .message(let topic, let payload, let payloadBytes, .failure(let error)):
                let added = try storeDeadLetter(
                    topic: topic, payload: payload, payloadBytes: payloadBytes, reason: error.reason, receivedAt: entry.receivedAt, in: db)
                if added { result.deadLetters += 1 } else { result.duplicates += 1 }
            case .message(let topic, let payload, let payloadBytes, .success(let signals)):
                for signal in signals {
                    switch try recorder.record(signal, receivedAt: entry.receivedAt) {
                    case .recorded: result.recorded += 1
                    case .duplicate: result.duplicates += 1
                    case .conflict(let reason):
                        try storeDeadLetter(
                            topic: topic, payload: payload, payloadBytes: payloadBytes, reason: reason, receivedAt: entry.receivedAt, in: db)
                        result.deadLetters += 1
                    }
                }
            }
        }
        try recordProgress(through: batch[batch.count - 1].id, in: db)
        result.entries = batch.count
        return result
    }

    private static func recordProgress(through id: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "UPDATE mqtt_inbox_progress SET projected_through = ? WHERE id = 1").execute(arguments: [id])
    }
}
