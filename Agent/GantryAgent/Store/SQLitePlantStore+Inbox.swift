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
        try await projectMachineInbox(limit: limit, reading: { read($0, $1, $2, $3).map { [$0] } }, sessions: nil)
    }

    /// The same, blocking the calling thread (the MQTT ingest's projection thread).
    public func projectMachineInboxNow(limit: Int, read: MachineMessageReader) throws -> InboxProjection {
        try projectMachineInboxNow(limit: limit, reading: { read($0, $1, $2, $3).map { [$0] } }, sessions: nil)
    }

    /// Projects like `projectMachineInbox(limit:read:)`, with a reader that may give any number of signals per
    /// message (a Sparkplug payload carries several metrics), storing the Sparkplug sessions `changes` gives in
    /// the same transaction.
    public func projectMachineInbox(
        limit: Int, reading: @escaping MachineMessagesReader, sessions: SparkplugSessionHooks?
    ) async throws -> InboxProjection {
        try await withCheckedThrowingContinuation { continuation in
            // Blocking SQLite work: not on the cooperative thread pool.
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.projectMachineInboxNow(limit: limit, reading: reading, sessions: sessions) })
            }
        }
    }

    /// The same, blocking the calling thread (the MQTT ingest's projection thread).
    public func projectMachineInboxNow(
        limit: Int, reading read: MachineMessagesReader, sessions: SparkplugSessionHooks?
    ) throws -> InboxProjection {
        let (inbox, projectedThrough) = try openInbox()
        let stored = try inbox.entriesNow(after: projectedThrough, limit: limit)
        guard var through = stored.last?.id else { return InboxProjection() }
        let recordedAt = now()
        // Reading a Sparkplug message moves its node's session: a write that fails puts the sessions back, so
        // that the messages are read again against the sessions they were first read against.
        let rewind = sessions?.checkpoint()
        let batch = stored.map { Self.read($0, with: read) }
        var result: InboxProjection
        do {
            result = try writer.writeAndWait { db in try Self.project(batch, recordedAt: recordedAt, sessions: sessions, in: db) }
        } catch where batch.count > 1 {
            rewind?()
            // One entry the store refuses must not hold up the others: take them one at a time. Each commits
            // its own progress, so a failure part way returns what was projected before it.
            result = InboxProjection()
            for (index, entry) in stored.enumerated() {
                let rewindEntry = sessions?.checkpoint()
                do {
                    result.add(try projectAlone(Self.read(entry, with: read), recordedAt: recordedAt, sessions: sessions, rewind: rewindEntry))
                } catch {
                    rewindEntry?()
                    // The next call starts with the failing entry (and throws, if the store still fails).
                    guard index > 0 else { throw error }
                    through = stored[index - 1].id
                    break
                }
            }
        } catch {
            rewind?()
            throw error
        }
        self.inbox.withLock { $0?.projectedThrough = through }
        // Entries through `through` are skipped from now on, whether or not their segment is deleted.
        inbox.remove(through: through)
        return result
    }

    /// An inbox entry with its message read.
    private static func read(_ stored: InboxLog.Stored, with read: MachineMessagesReader) -> ReadEntry {
        switch stored.entry.content {
        case .signalLost(let cause):
            return ReadEntry(id: stored.id, receivedAt: stored.entry.receivedAt, kind: .signalLost(cause: cause))
        case .message(let topic, let payload, let payloadBytes, _):
            let signals = read(topic, payload, payloadBytes, stored.entry.receivedAt)
            return ReadEntry(
                id: stored.id, receivedAt: stored.entry.receivedAt,
                kind: .message(topic: topic, payload: payload, payloadBytes: payloadBytes, signals))
        }
    }

    /// Projects one entry, or keeps it as a dead letter saying why it could not be projected; throws only when
    /// even that fails (the store is unusable for now: the entry waits in the inbox for a later attempt).
    private func projectAlone(_ entry: ReadEntry, recordedAt: Date, sessions: SparkplugSessionHooks?, rewind: (@Sendable () -> Void)? = nil) throws -> InboxProjection {
        do {
            return try writer.writeAndWait { db in try Self.project([entry], recordedAt: recordedAt, sessions: sessions, in: db) }
        } catch {
            // What reading the entry did to the sessions is undone: a counter's total in a message kept as a dead
            // letter is not taken, so the next total counts its parts.
            rewind?()
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
                if let sessions { try Self.storeSparkplugNodes(sessions.changes(), at: recordedAt, in: db) }
                return result
            }
        }
    }

    private static func project(
        _ batch: [ReadEntry], recordedAt: Date, sessions: SparkplugSessionHooks?, in db: Database
    ) throws -> InboxProjection {
        let result = try MachineSignalRecorder.recording(in: db) { recorder in try project(batch, recordedAt: recordedAt, with: &recorder, in: db) }
        if let sessions { try storeSparkplugNodes(sessions.changes(), at: recordedAt, in: db) }
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
            case .message(let topic, let payload, let payloadBytes, let read):
                let signals: [MachineSignal]
                switch read {
                case .success(let all): signals = all
                case .failure(let error):
                    let added = try storeDeadLetter(
                        topic: topic, payload: payload, payloadBytes: payloadBytes, reason: error.reason, receivedAt: entry.receivedAt, in: db)
                    if added { result.deadLetters += 1 } else { result.duplicates += 1 }
                    // What the dead letter still implies (a birth that cannot be read: machines' time unknown).
                    signals = error.implied
                }
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
