import Foundation

/// A machine reported a state (from `{prefix}/{plant}/{line}/{machine}/state`).
public struct MachineStateChanged: PlantEvent {
    public static let eventType = "MachineStateChanged"
    public static let schemaVersion = 1

    public var line: String
    public var machine: String
    public var state: MachineState
    /// The reason code as sent, if any (downtime reasons especially).
    public var reason: String?
    /// When the machine says the state began (UTC).
    public var at: Date

    public init(line: String, machine: String, state: MachineState, reason: String?, at: Date) {
        self.line = line
        self.machine = machine
        self.state = state
        self.reason = reason
        self.at = at
    }

    public var machineID: MachineID { MachineID(line: line, machine: machine) }
}

/// A machine reported produced quantities (from `…/count`), as increments.
public struct MachineCountReported: PlantEvent {
    public static let eventType = "MachineCountReported"
    public static let schemaVersion = 1

    public var line: String
    public var machine: String
    public var good: Int64
    public var scrap: Int64
    public var at: Date

    public init(line: String, machine: String, good: Int64, scrap: Int64, at: Date) {
        self.line = line
        self.machine = machine
        self.good = good
        self.scrap = scrap
        self.at = at
    }

    public var machineID: MachineID { MachineID(line: line, machine: machine) }
}

/// Machine messages the plant recorded together: every state and count as its message said. The agent
/// projects its MQTT inbox thousands of messages per transaction, and one event for up to
/// `MachineSignalsReported.maximumSignals` of them spares the event log (and the hub) a row per message.
/// Older agents wrote `MachineStateChanged` and `MachineCountReported` per message; the hub reads both.
public struct MachineSignalsReported: PlantEvent {
    public static let eventType = "MachineSignalsReported"
    public static let schemaVersion = 1
    /// Signals per event at most: a payload of roughly 100 KB.
    public static let maximumSignals = 1_000

    public var states: [MachineStateChanged]
    public var counts: [MachineCountReported]

    public init(states: [MachineStateChanged], counts: [MachineCountReported]) {
        self.states = states
        self.counts = counts
    }

    public func payloadJSON() throws -> String {
        var payload = MachineSignalsPayload()
        for state in states { payload.add(state, at: Timestamp.format(state.at)) }
        for count in counts { payload.add(count, at: Timestamp.format(count.at)) }
        return payload.text()
    }
}

/// Writes a `MachineSignalsReported` payload a signal at a time, from timestamps the caller formatted
/// (`Timestamp.format`) for its own use already: byte for byte what the wire format's encoder writes.
public struct MachineSignalsPayload: Sendable {
    private var states = JSONText.objectArray(capacity: 4_096)
    private var counts = JSONText.objectArray(capacity: 4_096)
    /// Signals added.
    public private(set) var signals = 0
    /// The earliest `at` added, as formatted (text order is time order).
    public private(set) var earliest: String?

    public init() {}

    public mutating func add(_ state: MachineStateChanged, at: String) {
        states.nextObject()
        states.field("at", at)
        states.field("line", state.line)
        states.field("machine", state.machine)
        states.field("reason", state.reason)
        states.field("state", state.state.rawValue)
        added(at)
    }

    public mutating func add(_ count: MachineCountReported, at: String) {
        counts.nextObject()
        counts.field("at", at)
        counts.field("good", count.good)
        counts.field("line", count.line)
        counts.field("machine", count.machine)
        counts.field("scrap", count.scrap)
        added(at)
    }

    private mutating func added(_ at: String) {
        signals += 1
        if earliest.map({ at < $0 }) ?? true { earliest = at }
    }

    public func text() -> String {
        var json = JSONText()
        json.field("counts", json: counts.closeArray())
        json.field("states", json: states.closeArray())
        return json.close()
    }
}

/// The agent stopped hearing machines at `at`: every machine's state is unknown from then until its next message.
public struct MachineSignalLost: PlantEvent {
    public static let eventType = "MachineSignalLost"
    public static let schemaVersion = 1

    /// Why: `broker-disconnected` or `agent-stopped`.
    public var cause: String
    public var at: Date

    public init(cause: String, at: Date) {
        self.cause = cause
        self.at = at
    }
}

extension MachineStateChanged {
    public func payloadJSON() throws -> String {
        var json = JSONText()
        json.field("at", Timestamp.format(at))
        json.field("line", line)
        json.field("machine", machine)
        json.field("reason", reason)
        json.field("state", state.rawValue)
        return json.close()
    }
}

extension MachineCountReported {
    public func payloadJSON() throws -> String {
        var json = JSONText()
        json.field("at", Timestamp.format(at))
        json.field("good", good)
        json.field("line", line)
        json.field("machine", machine)
        json.field("scrap", scrap)
        return json.close()
    }
}
