import Foundation
import GantryCore
import GRDB

/// What became of one machine message.
public enum MachineSignalOutcome: Sendable, Equatable {
    /// Stored with its event at this sequence.
    case recorded(sequence: Int64)
    /// The same message was stored before (an MQTT redelivery): nothing changed.
    case duplicate
    /// Another message for the same machine and timestamp says something else: kept as a dead letter.
    case conflict(String)
}

/// A message that was not the contract, kept with its reason.
public struct DeadLetter: Sendable, Equatable, Codable {
    public var id: Int64
    public var receivedAt: Date
    public var topic: String
    /// The payload as text (invalid UTF-8 replaced), at most the first 1 KiB.
    public var payload: String
    public var payloadBytes: Int
    public var reason: String
}

extension SQLitePlantStore {
    /// Payload bytes kept per dead letter: enough to see what was wrong, bounded against floods of large junk.
    static let deadLetterPayloadLimit = 1024

    /// Records a machine message and its event, unless it repeats one already stored; a message that
    /// contradicts a stored one is kept as a dead letter in the same transaction.
    func machineSignalIntent(
        _ signal: MachineSignal, topic: String, payload: [UInt8], receivedAt: Date
    ) -> @Sendable (Database) throws -> MachineSignalOutcome {
        { db in
            let outcome = try MachineSignalRecorder.recording(in: db) { try $0.record(signal, receivedAt: receivedAt) }
            if case .conflict(let reason) = outcome {
                try Self.storeDeadLetter(topic: topic, payload: payload, payloadBytes: payload.count, reason: reason, receivedAt: receivedAt, in: db)
            }
            return outcome
        }
    }

    /// Keeps a message with its reason; a redelivery of the same message for the same reason is kept once.
    /// `payload` may hold only the message's first bytes, `payloadBytes` is its size. Returns whether a row was added.
    @discardableResult
    static func storeDeadLetter(
        topic: String, payload: [UInt8], payloadBytes: Int, reason: String, receivedAt: Date, in db: Database
    ) throws -> Bool {
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO mqtt_dead_letters (received_at, topic, payload, payload_bytes, reason) VALUES (?, ?, ?, ?, ?)
            """).execute(arguments: [
                Timestamp.format(receivedAt), String(topic.prefix(512)), Data(payload.prefix(Self.deadLetterPayloadLimit)),
                payloadBytes, reason,
            ])
        return db.changesCount > 0
    }

    /// Records a machine message, blocking the calling thread until it is durable. (The MQTT ingest goes through
    /// the inbox and its projection instead; this records one signal directly.)
    public func recordMachineSignalNow(_ signal: MachineSignal, topic: String, payload: [UInt8], receivedAt: Date) throws -> MachineSignalOutcome {
        try writer.writeAndWait(machineSignalIntent(signal, topic: topic, payload: payload, receivedAt: receivedAt))
    }

    /// Marks that machines went unheard from `at` (broker lost, agent stopped).
    public func recordSignalLostNow(cause: String, at: Date) throws {
        try writer.writeAndWait(signalLostIntent(cause: cause, at: at))
    }

    /// The same, for callers in Swift concurrency.
    public func recordSignalLost(cause: String, at: Date) async throws {
        try await writer.write(signalLostIntent(cause: cause, at: at))
    }

    /// The agent's clock (when the loss was noticed) and the machines' clocks (their `ts`) differ: the
    /// signal was certainly alive up to the newest state already stored, so the gap never starts before it.
    /// Otherwise a crash just after a `down` arrived, or a machine clock running ahead, would turn the whole
    /// outage into downtime.
    private func signalLostIntent(cause: String, at: Date) -> @Sendable (Database) throws -> Void {
        let recordedAt = now()
        return { db in
            var tail = try EventLogTail(db)
            try Self.storeSignalLost(cause: cause, at: at, recordedAt: recordedAt, tail: &tail, in: db)
        }
    }

    static func storeSignalLost(cause: String, at: Date, recordedAt: Date, tail: inout EventLogTail, in db: Database) throws {
        let newestState = try String.fetchOne(db.cachedStatement(sql: "SELECT max(at) FROM machine_states")).flatMap(Timestamp.parse)
        // One microsecond after it: a lost signal sorts before a state at the same instant.
        let start = max(at, (newestState ?? at).addingTimeInterval(0.000_001))
        let event = try tail.append(MachineSignalLost(cause: cause, at: start), occurredAt: start, recordedAt: recordedAt)
        try db.execute(
            sql: "INSERT INTO machine_signal_gaps (at, cause, seq) VALUES (?, ?, ?)",
            arguments: [Timestamp.format(start), cause, event.sequence])
    }

    /// Notes that the MQTT ingest is alive at `at`, or stopped cleanly (`nil`); returns the previous note.
    @discardableResult
    public func recordAlive(at: Date?) async throws -> Date? {
        try await writer.write { db in
            let previous = try String.fetchOne(db, sql: "SELECT alive_at FROM mqtt_liveness WHERE id = 1")
            if let at {
                try db.execute(sql: """
                    INSERT INTO mqtt_liveness (id, alive_at) VALUES (1, ?)
                    ON CONFLICT (id) DO UPDATE SET alive_at = excluded.alive_at
                    """, arguments: [Timestamp.format(at)])
            } else {
                try db.execute(sql: "DELETE FROM mqtt_liveness")
            }
            return previous.flatMap(Timestamp.parse)
        }
    }

    /// How many dead letters are kept.
    public func deadLetterCount() async throws -> Int {
        try await pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM mqtt_dead_letters") ?? 0 }
    }

    /// The newest dead letters first.
    public func deadLetters(limit: Int) async throws -> [DeadLetter] {
        try await pool.read { db in
            try MachineSignalRows.DeadLetterRow.fetchAll(
                db, sql: "SELECT * FROM mqtt_dead_letters ORDER BY id DESC LIMIT ?", arguments: [limit]
            ).map(\.deadLetter)
        }
    }

    /// The machines' timelines up to `to` (lost signals included) and their counts within `[from, to)`. Only
    /// what the window needs is read: each machine's last state before it, the last lost signal before it, and
    /// everything inside it.
    public func machineHistory(from: Date, to: Date) async throws -> MachineHistory {
        try await pool.read { db in
            let end = Timestamp.format(to), start = Timestamp.format(from)
            let gaps = try Optional<String>.fetchAll(db, sql: """
                SELECT at FROM machine_signal_gaps WHERE at >= ? AND at < ?
                UNION ALL SELECT max(at) FROM machine_signal_gaps WHERE at < ?
                """, arguments: [start, end, start])
                .compactMap { $0.flatMap(Timestamp.parse) }.map { MachineTimeline.Change(at: $0, state: .unknown) }
            var changes: [MachineID: [MachineTimeline.Change]] = [:]
            for row in try MachineSignalRows.StateChange.fetchAll(db, sql: """
                SELECT line, machine, at, state, reason FROM machine_states WHERE at >= ? AND at < ?
                UNION ALL
                -- SQLite takes a bare column's value from the row that holds the max()
                SELECT line, machine, max(at) AS at, state, reason FROM machine_states WHERE at < ? GROUP BY line, machine
                """, arguments: [start, end, start]) {
                guard let at = Timestamp.parse(row.at), let state = MachineState(rawValue: row.state) else { continue }
                changes[row.machineID, default: []].append(MachineTimeline.Change(at: at, state: state, reason: row.reason))
            }
            var counts: [MachineID: (good: Int64, scrap: Int64)] = [:]
            for row in try MachineSignalRows.CountTotal.fetchAll(db, sql: """
                SELECT line, machine, sum(good) AS good, sum(scrap) AS scrap FROM machine_counts
                WHERE at >= ? AND at < ? GROUP BY line, machine
                """, arguments: [start, end]) {
                counts[row.machineID] = (row.good, row.scrap)
            }
            return MachineHistory(timelines: changes.mapValues { MachineTimeline(changes: $0 + gaps) }, counts: counts)
        }
    }
}
