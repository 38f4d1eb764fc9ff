import Foundation
import GantryCore
import GRDB

/// Records machine signals with their events inside one write transaction: the event log's tail and the
/// statements run for every message are looked up once, not per message (the MQTT inbox projection records
/// thousands in a transaction). Valid only inside the transaction it was made in.
struct MachineSignalRecorder {
    var tail: EventLogTail
    private let findState, insertState, newestState, findCount, insertCount, newestCount: Statement
    /// Per machine and kind, the newest `at` stored (text order is time order), read once per transaction
    /// and kept up to date: a message past it can neither repeat nor contradict a stored one, so the lookup
    /// for one is skipped. Machines mostly report in time order.
    private var newest: [Key: String] = [:]

    private struct Key: Hashable {
        var state: Bool
        var line: String
        var machine: String
    }

    init(_ db: Database) throws {
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

    /// Stores `signal` and appends its event, unless it repeats or contradicts a stored one (the caller keeps a
    /// contradiction as a dead letter).
    mutating func record(_ signal: MachineSignal, receivedAt: Date) throws -> MachineSignalOutcome {
        switch signal {
        case .state(let change):
            let at = Timestamp.format(change.at)
            let earlier = try isNewest(at, Key(state: true, line: change.line, machine: change.machine)) ? nil
                : BoundStatement(findState, .text(change.line), .text(change.machine), .text(at))
                    .first { (state: $0.string(0) ?? "", reason: $0.string(1)) }
            if let earlier {
                if earlier.state == change.state.rawValue && earlier.reason == change.reason { return .duplicate }
                return .conflict("another state (\(earlier.state)) was reported for \(change.machineID) at \(at)")
            }
            let event = try tail.append(change, occurredAt: at, recordedAt: receivedAt)
            try BoundStatement(
                insertState, .text(change.line), .text(change.machine), .text(at), .text(change.state.rawValue),
                .text(change.reason), .integer(event.sequence)
            ).run()
            return .recorded(sequence: event.sequence)
        case .count(let count):
            let at = Timestamp.format(count.at)
            let earlier = try isNewest(at, Key(state: false, line: count.line, machine: count.machine)) ? nil
                : BoundStatement(findCount, .text(count.line), .text(count.machine), .text(at))
                    .first { (good: $0.int64(0), scrap: $0.int64(1)) }
            if let earlier {
                if earlier.good == count.good && earlier.scrap == count.scrap { return .duplicate }
                return .conflict("another count was reported for \(count.machineID) at \(at)")
            }
            let event = try tail.append(count, occurredAt: at, recordedAt: receivedAt)
            try BoundStatement(
                insertCount, .text(count.line), .text(count.machine), .text(at), .integer(count.good), .integer(count.scrap),
                .integer(event.sequence)
            ).run()
            return .recorded(sequence: event.sequence)
        }
    }

    /// Whether `at` is past everything stored for `key`; either way it counts as stored from now on (the caller
    /// stores it unless an earlier row has the same `at`, which then is not past it either).
    private mutating func isNewest(_ at: String, _ key: Key) throws -> Bool {
        let stored = try newest[key] ?? BoundStatement(
            key.state ? newestState : newestCount, .text(key.line), .text(key.machine)
        ).first { $0.string(0) } ?? nil
        guard let stored, stored >= at else {
            newest[key] = at
            return true
        }
        return false
    }
}
