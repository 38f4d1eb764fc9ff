import Foundation
import GantryCore

/// A machine as the rollups name it: its company, plant, line and machine code.
public struct KPIMachineKey: Sendable, Hashable, Codable, Comparable {
    public var company: String
    public var plant: String
    public var line: String
    public var machine: String

    public init(company: String, plant: String, line: String, machine: String) {
        self.company = company
        self.plant = plant
        self.line = line
        self.machine = machine
    }

    public static func < (lhs: KPIMachineKey, rhs: KPIMachineKey) -> Bool {
        (lhs.company, lhs.plant, lhs.line, lhs.machine) < (rhs.company, rhs.plant, rhs.line, rhs.machine)
    }
}

/// One machine's time and quantity elements in one UTC hour (`kpi_machine_hours`). Failures and repair time are
/// not kept here: they depend on which downtime reasons are failures, and come from `KPIDowntimeHour` rows.
public struct KPIMachineHour: Sendable, Equatable, Codable {
    public var machine: KPIMachineKey
    /// The hour's start (UTC, a whole hour since the epoch).
    public var hour: Date
    public var elements: KPIElements

    public init(machine: KPIMachineKey, hour: Date, elements: KPIElements) {
        self.machine = machine
        self.hour = hour
        self.elements = elements
    }
}

/// Seconds one machine was down for one reason in one UTC hour, and how many down stretches for that reason
/// began in it (`kpi_downtime_hours`). The reason is "" when the machine sent none.
public struct KPIDowntimeHour: Sendable, Equatable, Codable {
    public var machine: KPIMachineKey
    public var hour: Date
    public var reason: String
    public var seconds: Double
    public var stops: Int64

    public init(machine: KPIMachineKey, hour: Date, reason: String, seconds: Double, stops: Int64) {
        self.machine = machine
        self.hour = hour
        self.reason = reason
        self.seconds = seconds
        self.stops = stops
    }
}

/// How far a machine's buckets reach (its newest known fact) and the state that held then, which a query
/// extends to min(now, window end) (`kpi_machine_heads`).
public struct KPIMachineHead: Sendable, Equatable, Codable {
    public var machine: KPIMachineKey
    public var through: Date
    public var state: MachineState
    public var reason: String?

    public init(machine: KPIMachineKey, through: Date, state: MachineState, reason: String?) {
        self.machine = machine
        self.through = through
        self.state = state
        self.reason = reason
    }
}

/// A machine's stored rollup rows over a window, as a test or a query reads them.
public struct KPIRollupSnapshot: Sendable, Equatable {
    public var hours: [KPIMachineHour]
    public var downtime: [KPIDowntimeHour]
    public var heads: [KPIMachineHead]
}
