import Foundation

/// A machine's history as ISO 22400 time: from its state changes, the moments the agent lost the signal,
/// and its counts, the seconds it spent in each state within a window. Pure and order-independent: late,
/// reordered or repeated inputs give the same answer as the same facts in order.
public struct MachineTimeline: Sendable {
    /// One change of the machine's state; a lost signal is a change to `unknown`.
    public struct Change: Sendable, Equatable {
        public var at: Date
        public var state: MachineState
        public var reason: String?

        public init(at: Date, state: MachineState, reason: String? = nil) {
            self.at = at
            self.state = state
            self.reason = reason
        }
    }

    /// A stretch of one state.
    public struct Interval: Sendable, Equatable, Codable {
        public var start: Date
        public var end: Date
        public var state: MachineState
        public var reason: String?
    }

    private let changes: [Change]

    /// `changes` in any order; signal losses are passed as changes to `.unknown`.
    public init(changes: [Change]) {
        // Ties: a lost signal before a state at the same instant, so the state is what holds after it.
        self.changes = changes.sorted {
            if $0.at != $1.at { return $0.at < $1.at }
            if ($0.state == .unknown) != ($1.state == .unknown) { return $0.state == .unknown }
            return ($0.state.rawValue, $0.reason ?? "") < ($1.state.rawValue, $1.reason ?? "")
        }
    }

    /// The stretches within `[from, to)`, the first one starting at `from` with the state that held then.
    public func intervals(from: Date, to: Date) -> [Interval] {
        guard from < to else { return [] }
        var current = Change(at: from, state: .unknown)
        if let before = changes.last(where: { $0.at <= from }) { current = Change(at: from, state: before.state, reason: before.reason) }
        var result: [Interval] = []
        for change in changes where change.at > from && change.at < to {
            if change.state == current.state && change.reason == current.reason { continue }
            result.append(Interval(start: current.at, end: change.at, state: current.state, reason: current.reason))
            current = change
        }
        result.append(Interval(start: current.at, end: to, state: current.state, reason: current.reason))
        return result.filter { $0.start < $0.end }
    }

    /// Seconds per state and downtime seconds per reason within `[from, to)`.
    public func summary(from: Date, to: Date) -> MachineTimeSummary {
        var seconds = Dictionary(uniqueKeysWithValues: MachineState.allCases.map { ($0, 0.0) })
        var downtime: [String: Double] = [:]
        for interval in intervals(from: from, to: to) {
            let duration = interval.end.timeIntervalSince(interval.start)
            seconds[interval.state, default: 0] += duration
            if interval.state == .down { downtime[interval.reason ?? "unspecified", default: 0] += duration }
        }
        return MachineTimeSummary(seconds: seconds, downtimeByReason: downtime, window: to.timeIntervalSince(from))
    }
}

/// Time in each state within a window, the basis of availability.
public struct MachineTimeSummary: Sendable, Equatable {
    public var seconds: [MachineState: Double]
    public var downtimeByReason: [String: Double]
    /// The window's length in seconds.
    public var window: Double

    /// running / (window − planned stop − unknown): a lost signal is not held against the machine.
    public var availability: Double? {
        let base = window - (seconds[.plannedStop] ?? 0) - (seconds[.unknown] ?? 0)
        return base > 0 ? (seconds[.running] ?? 0) / base : nil
    }
}
