import Foundation
import GantryCore

/// The machine signals a window needs, gathered row by row from either database and reported once: each plant's
/// lost signals, each machine's state changes and summed counts (see `machineTime` in the stores).
struct MachineFacts {
    private var gaps: [String: [MachineTimeline.Change]] = [:]
    private var changes: [String: [MachineID: [MachineTimeline.Change]]] = [:]
    private var counts: [String: [MachineID: (good: Int64, scrap: Int64)]] = [:]

    /// A plant's signals were lost at `at`: its machines' states are unknown from then on.
    mutating func signalLost(plant: String, at: Date) {
        gaps[plant, default: []].append(MachineTimeline.Change(at: at, state: .unknown))
    }

    /// A machine changed state (an unknown stored state is passed over).
    mutating func stateChanged(plant: String, line: String, machine: String, at: Date, state: String, reason: String?) {
        guard let state = MachineState(rawValue: state) else { return }
        changes[plant, default: [:]][MachineID(line: line, machine: machine), default: []]
            .append(MachineTimeline.Change(at: at, state: state, reason: reason))
    }

    /// A machine's good and scrap counts in the window.
    mutating func counted(plant: String, line: String, machine: String, good: Int64, scrap: Int64) {
        counts[plant, default: [:]][MachineID(line: line, machine: machine)] = (good, scrap)
    }

    /// Each plant's history, reported the same way as at the agent.
    func reports(from: Date, to: Date) -> [MachineTimeReport] {
        Set(changes.keys).union(counts.keys).sorted().flatMap { plant in
            MachineHistory(
                timelines: (changes[plant] ?? [:]).mapValues { MachineTimeline(changes: $0 + (gaps[plant] ?? [])) },
                counts: counts[plant] ?? [:]
            ).timeReports(plant: plant, from: from, to: to)
        }
    }
}
