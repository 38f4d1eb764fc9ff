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
    /// The end of the time reported: the end asked for, or now when that was later.
    public var to: Date
    /// The end asked for, present only when it was after now and the window was cut there (see
    /// `ReportWindow.elapsed(now:)`).
    public var requestedTo: Date?
    public var machines: [MachineTimeReport]

    public init(from: Date, to: Date, requestedTo: Date? = nil, machines: [MachineTimeReport]) {
        self.from = from
        self.to = to
        self.requestedTo = requestedTo
        self.machines = machines
    }

    /// The report of `window` (cut at now, see `ReportWindow.elapsed(now:)`).
    public init(window: ReportWindow, machines: [MachineTimeReport]) {
        self.init(from: window.from, to: window.to, requestedTo: window.requestedTo, machines: machines)
    }
}

/// A report's time window from query text: both RFC 3339, `from` before `to`, at most a year apart.
public struct ReportWindow: Sendable, Equatable {
    public var from: Date
    public var to: Date
    /// The end asked for when the window was cut at now (`to` is then now); nil when `to` is as asked.
    public var requestedTo: Date?

    /// A window that cannot be used, naming the parameter at fault.
    public struct Invalid: Error, Sendable, Equatable, ProblemReporting {
        public var field: String
        public var detail: String

        /// `400 invalid-query` naming the query parameter at fault.
        public var problem: ProblemDetails {
            ProblemDetails(code: "invalid-query", title: "Invalid query", status: 400, detail: detail, field: field)
        }
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

    /// The part of the window that has passed by `now`: time after now is not yet time, so a window that ends
    /// later ends at `now` instead, and says so in `requestedTo`. Reports of what machines did (machine time,
    /// downtime, reliability) use this; the last known state is never carried past now. A window that starts
    /// at or after `now` holds nothing that has happened: refused, naming `from`.
    public func elapsed(now: Date) throws(Invalid) -> ReportWindow {
        guard from < now else {
            throw Invalid(
                field: "from",
                detail: "the window starts at \(Timestamp.format(from)), not before now (\(Timestamp.format(now))): nothing has happened in it yet")
        }
        guard to > now else { return self }
        var cut = self
        cut.to = now
        cut.requestedTo = to
        return cut
    }
}
