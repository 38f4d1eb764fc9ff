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
