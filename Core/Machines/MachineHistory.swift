import Foundation

/// What a plant knows about its machines up to some moment: each machine's timeline (state changes and lost
/// signals) and its counts within a window. Reports are computed from it, the same way at agent and hub.
public struct MachineHistory: Sendable {
    public var timelines: [MachineID: MachineTimeline]
    public var counts: [MachineID: (good: Int64, scrap: Int64)]

    public init(timelines: [MachineID: MachineTimeline], counts: [MachineID: (good: Int64, scrap: Int64)]) {
        self.timelines = timelines
        self.counts = counts
    }

    /// Every machine with a state or a count, in line and machine order.
    public var machines: [MachineID] { Set(timelines.keys).union(counts.keys).sorted() }

    /// Seconds per state, downtime by reason, counts and availability per machine within `[from, to)`. The
    /// window must have passed: cut it at now first (`ReportWindow.elapsed(now:)`), or the last known state is
    /// counted for time that has not happened yet.
    public func timeReports(plant: String, from: Date, to: Date) -> [MachineTimeReport] {
        machines.map { machine in
            let count = counts[machine] ?? (0, 0)
            return MachineTimeReport(
                plant: plant, machine: machine, summary: timeline(machine).summary(from: from, to: to),
                good: count.good, scrap: count.scrap)
        }
    }

    /// Every `down` stretch within `[from, to)` up to `now`, classified by the reason taxonomy, oldest first.
    public func downtime(from: Date, to: Date, now: Date, reasons: DowntimeReasons) -> [DowntimeInterval] {
        machines.flatMap { machine in
            Reliability.downtime(timeline(machine), machine: machine, from: from, to: to, now: now, reasons: reasons)
        }.sorted { ($0.start, $0.line, $0.machine) < ($1.start, $1.line, $1.machine) }
    }

    /// MTBF and MTTR in hours per machine within `[from, to)`, up to `now` at the latest (time after now has
    /// not happened: it is neither running nor down time).
    public func reliability(from: Date, to: Date, now: Date, reasons: DowntimeReasons) -> [ReliabilityReport] {
        machines.map { machine in
            let summary = timeline(machine).summary(from: from, to: max(from, min(to, now)))
            let downtime = Reliability.downtime(timeline(machine), machine: machine, from: from, to: to, now: now, reasons: reasons)
            let figures = Reliability.figures(summary: summary, downtime: downtime)
            return ReliabilityReport(
                line: machine.line, machine: machine.machine, failures: figures.failures,
                mtbfHours: figures.mtbfHours, mttrHours: figures.mttrHours,
                runningHours: (summary.seconds[.running] ?? 0) / 3600, downHours: (summary.seconds[.down] ?? 0) / 3600)
        }
    }

    private func timeline(_ machine: MachineID) -> MachineTimeline { timelines[machine] ?? MachineTimeline(changes: []) }
}

/// One machine's line in `GET /v1/reports/reliability`.
public struct ReliabilityReport: Sendable, Equatable, Codable {
    public var line: String
    public var machine: String
    /// Down stretches that count as failures (failure-class or unclassified reasons).
    public var failures: Int
    /// Running hours per failure; absent without failures.
    public var mtbfHours: Double?
    /// Hours down per failure; absent without failures.
    public var mttrHours: Double?
    public var runningHours: Double
    public var downHours: Double
}
