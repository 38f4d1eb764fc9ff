import Foundation
import GantryCore
import GRDB

/// Records machine signals with their events inside one write transaction. Each signal's state or count
/// row is written at once; the signals share one `MachineSignalsReported` event for up to
/// `MachineSignalsReported.maximumSignals` of them, appended when it is full, before any other event, and
/// when recording ends (`recording(in:_:)`), at the sequence the rows already name. The MQTT inbox
/// projection records thousands of messages in a transaction, and an event row per message was most of what
/// projecting one cost. The event log's tail and the statements are looked up once, not per message. Valid
/// only inside the transaction it was made in.
struct MachineSignalRecorder {
    private var tail: EventLogTail
    private let findState, insertState, newestState, findCount, insertCount, newestCount: Statement
    /// Per machine and kind, the newest `at` stored (text order is time order), read once per transaction and
    /// kept up to date: a message past it can neither repeat nor contradict a stored one, so the lookup for
    /// one is skipped. Machines mostly report in time order.
    private var newest: [Key: String] = [:]
    /// The entry of `newest` in use, kept here until another machine's message comes.
    private var last: (key: Key, at: String?)?
    /// The payload of the event the signals recorded since the last one will share, and when the newest of
    /// them was heard.
    private var payload = MachineSignalsPayload()
    private var heardAt = Date.distantPast

    private struct Key: Hashable {
        var state: Bool
        var line: String
        var machine: String
    }

    /// Runs `body` with a recorder and writes what it left pending: nothing recorded can be left behind.
    static func recording<T>(in db: Database, _ body: (inout MachineSignalRecorder) throws -> T) throws -> T {
        var recorder = try MachineSignalRecorder(db)
        let result = try body(&recorder)
        try recorder.flush()
        return result
    }

    private init(_ db: Database) throws {
        tail = try EventLogTail(db)
        findState = try db.cachedStatement(sql: "SELECT state, reason FROM machine_states WHERE line = ? AND machine = ? AND at = ?")
        insertState = try db.cachedStatement(sql: """
            INSERT INTO machine_states (line, machine, at, state, reason, seq) VALUES (?, ?, ?, ?, ?, ?)
            """)
        newestState = try db.cachedStatement(sql: "SELECT max(at) FROM machine_states WHERE line = ? AND machine = ?")
        findCount = try db.cachedStatement(sql: "SELECT good, scrap FROM machine_counts WHERE line = ? AND machine = ? AND at = ?")
        insertCount = try db.cachedStatement(sql: """
            INSERT INTO machine_counts (line, machine, at, good, scrap, seq) VALUES (?, ?, ?, ?, ?, ?)
            """)
        newestCount = try db.cachedStatement(sql: "SELECT max(at) FROM machine_counts WHERE line = ? AND machine = ?")
    }

    /// Appends another event to the log, after the event of the signals recorded before it.
    mutating func appendingEvent<T>(_ body: (inout EventLogTail) throws -> T) throws -> T {
        try flush()
        return try body(&tail)
    }

    /// Records `signal` for the next event, unless it repeats or contradicts a stored one (the caller keeps a
    /// contradiction as a dead letter). `.recorded` names the sequence that event will have.
    mutating func record(_ signal: MachineSignal, receivedAt: Date) throws -> MachineSignalOutcome {
        let sequence = tail.sequence + 1
        switch signal {
        case .state(let change):
            let at = Timestamp.format(change.at)
            if try !isNewest(at, Key(state: true, line: change.line, machine: change.machine)),
               let earlier = try BoundStatement(findState, .text(change.line), .text(change.machine), .text(at))
                   .first({ (state: $0.string(0) ?? "", reason: $0.string(1)) }) {
                if earlier.state == change.state.rawValue && earlier.reason == change.reason { return .duplicate }
                return .conflict("another state (\(earlier.state)) was reported for \(change.machineID) at \(at)")
            }
            try BoundStatement(
                insertState, .text(change.line), .text(change.machine), .text(at), .text(change.state.rawValue),
                .text(change.reason), .integer(sequence)
            ).run()
            payload.add(change, at: at)
        case .count(let count):
            let at = Timestamp.format(count.at)
            if try !isNewest(at, Key(state: false, line: count.line, machine: count.machine)),
               let earlier = try BoundStatement(findCount, .text(count.line), .text(count.machine), .text(at))
                   .first({ (good: $0.int64(0), scrap: $0.int64(1)) }) {
                if earlier.good == count.good && earlier.scrap == count.scrap { return .duplicate }
                return .conflict("another count was reported for \(count.machineID) at \(at)")
            }
            try BoundStatement(
                insertCount, .text(count.line), .text(count.machine), .text(at), .integer(count.good), .integer(count.scrap),
                .integer(sequence)
            ).run()
            payload.add(count, at: at)
        }
        heardAt = max(heardAt, receivedAt)
        if payload.signals >= MachineSignalsReported.maximumSignals { try flush() }
        return .recorded(sequence: sequence)
    }

    /// Appends the event of the signals recorded since the last one, at the sequence their rows name.
    private mutating func flush() throws {
        guard let earliest = payload.earliest else { return }
        _ = try tail.append(MachineSignalsReported.self, payload: payload.text(), occurredAt: earliest, recordedAt: heardAt)
        payload = MachineSignalsPayload()
        heardAt = .distantPast
    }

    /// Whether `at` is past everything stored for `key`; if so it counts as the newest from now on (the caller
    /// stores it).
    private mutating func isNewest(_ at: String, _ key: Key) throws -> Bool {
        // Mostly the machine of the message before: no hashing then; `newest` is brought up to date on a change.
        if last?.key != key {
            if let last { newest[last.key] = last.at }
            let stored = try newest[key] ?? BoundStatement(
                key.state ? newestState : newestCount, .text(key.line), .text(key.machine)
            ).first { $0.string(0) } ?? nil
            last = (key, stored)
        }
        if let stored = last?.at, stored >= at { return false }
        last?.at = at
        return true
    }
}
