import Foundation

/// One machine's line in a machine-time report (agent `GET /v1/reports/machine-time`, and the hub's).
public struct MachineTimeReport: Codable, Sendable, Equatable {
    public var plant: String
    public var line: String
    public var machine: String
    /// Seconds in each state within the window: running, setup, idle, down, planned_stop, unknown.
    public var seconds: [String: Double]
    /// Seconds down per reason code (`unspecified` when none was sent).
    public var downtimeByReason: [String: Double]
    public var good: Int64
    public var scrap: Int64
    /// running / (window − planned_stop − unknown); absent when that is zero.
    public var availability: Double?

    public init(plant: String, machine: MachineID, summary: MachineTimeSummary, good: Int64, scrap: Int64) {
        self.plant = plant
        line = machine.line
        self.machine = machine.machine
        seconds = Dictionary(uniqueKeysWithValues: summary.seconds.map { ($0.key.rawValue, $0.value) })
        downtimeByReason = summary.downtimeByReason
        self.good = good
        self.scrap = scrap
        availability = summary.availability
    }
}

/// The body of a machine-time report.
public struct MachineTimeReportBody: Codable, Sendable, Equatable {
    public var from: Date
    public var to: Date
    public var machines: [MachineTimeReport]

    public init(from: Date, to: Date, machines: [MachineTimeReport]) {
        self.from = from
        self.to = to
        self.machines = machines
    }
}

/// A report's time window from query text: both RFC 3339, `from` before `to`, at most a year apart.
public struct ReportWindow: Sendable, Equatable {
    public var from: Date
    public var to: Date

    /// A window that cannot be used, naming the parameter at fault.
    public struct Invalid: Error, Sendable, Equatable {
        public var field: String
        public var detail: String
    }

    public init(from fromText: String?, to toText: String?) throws {
        guard let fromText, let from = Timestamp.parse(fromText) else {
            throw Invalid(field: "from", detail: "from must be an RFC 3339 timestamp")
        }
        guard let toText, let to = Timestamp.parse(toText) else {
            throw Invalid(field: "to", detail: "to must be an RFC 3339 timestamp")
        }
        guard from < to, to.timeIntervalSince(from) <= 366 * 86_400 else {
            throw Invalid(field: "to", detail: "the window must be positive and at most a year long")
        }
        self.from = from
        self.to = to
    }
}
