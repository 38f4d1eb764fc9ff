import Foundation

/// Downtime intervals classified by the reason taxonomy, and MTBF/MTTR in hours from them.
public struct DowntimeInterval: Sendable, Equatable, Codable {
    public var line: String
    public var machine: String
    public var start: Date
    /// When the machine left `down`; `nil` while it is still down at the report's end.
    public var end: Date?
    public var reason: String?
    /// The reason's loss class, when the taxonomy knows the code.
    public var lossClass: DowntimeReasons.LossClass?
    /// False when the code is not in the taxonomy (kept and flagged, never dropped).
    public var knownReason: Bool
    /// A failure: opens corrective maintenance and counts for MTBF/MTTR. Unknown or missing reasons count as
    /// failures, so an unclassified stop is never hidden from reliability figures.
    public var failure: Bool
    public var seconds: Double
}

public enum Reliability {
    /// The `down` stretches of a machine's timeline within `[from, to)`, classified. Time after `now` has not
    /// happened: the window ends at `now` when `to` is later, and a stretch reaching now is still down.
    public static func downtime(
        _ timeline: MachineTimeline, machine: MachineID, from: Date, to: Date, now: Date, reasons: DowntimeReasons
    ) -> [DowntimeInterval] {
        let end = min(to, now)
        return timeline.intervals(from: from, to: end).filter { $0.state == .down }.map { interval in
            let known = reasons[interval.reason]
            let stillDown = interval.end >= now
            return DowntimeInterval(
                line: machine.line, machine: machine.machine, start: interval.start, end: stillDown ? nil : interval.end,
                reason: interval.reason, lossClass: known?.lossClass, knownReason: known != nil,
                failure: known?.failure ?? true, seconds: interval.end.timeIntervalSince(interval.start))
        }
    }

    /// MTBF = running time / failures; MTTR = time down in failures / failures; both in hours, `nil` without failures.
    public static func figures(summary: MachineTimeSummary, downtime: [DowntimeInterval]) -> (mtbfHours: Double?, mttrHours: Double?, failures: Int) {
        let failures = downtime.filter(\.failure)
        guard !failures.isEmpty else { return (nil, nil, 0) }
        let repair = failures.reduce(0) { $0 + $1.seconds }
        return ((summary.seconds[.running] ?? 0) / Double(failures.count) / 3600, repair / Double(failures.count) / 3600, failures.count)
    }
}
