import Foundation
import GantryCore

extension KPIRollup {
    /// The instants a batch (or the backfill) changed, per machine of one plant: the rollup of each is recomputed
    /// from the hour of the earliest through the newest fact.
    struct Changes {
        /// Each machine's new state changes and counts: the earliest and latest instant.
        var machines: [MachineID: ClosedRange<Date>] = [:]
        /// The plant's new lost signals, which change every machine of the plant that has rollups.
        var gaps: ClosedRange<Date>?

        init(machines: [MachineID: ClosedRange<Date>] = [:], gaps: ClosedRange<Date>? = nil) {
            self.machines = machines
            self.gaps = gaps
        }

        /// What a batch's projection changed.
        init(_ projection: EventProjection) {
            for state in projection.states { note(MachineID(line: state.line, machine: state.machine), state.at) }
            for count in projection.counts { note(MachineID(line: count.line, machine: count.machine), count.at) }
            for gap in projection.gaps { gaps = Self.widen(gaps, gap.at) }
        }

        var isEmpty: Bool { machines.isEmpty && gaps == nil }

        private mutating func note(_ machine: MachineID, _ at: Date) {
            machines[machine] = Self.widen(machines[machine], at)
        }

        static func widen(_ range: ClosedRange<Date>?, _ at: Date) -> ClosedRange<Date> {
            guard let range else { return at...at }
            return min(range.lowerBound, at)...max(range.upperBound, at)
        }

        /// Each machine to recompute with what changed for it, given the machines that already have rollups and
        /// how far each reaches: a machine's own facts, and the plant's lost signals for a machine with rollups.
        func targets(heads: [MachineID: Date]) -> [MachineID: Span] {
            var targets: [MachineID: Span] = [:]
            for machine in Set(machines.keys).union(gaps == nil ? [] : Array(heads.keys)) {
                var changed = machines[machine]
                if let gaps {
                    if heads[machine] != nil {
                        changed = changed.map { min($0.lowerBound, gaps.lowerBound)...max($0.upperBound, gaps.upperBound) } ?? gaps
                    } else if let own = changed {
                        // A machine's rollups begin with its own first fact: earlier lost signals only reach later.
                        changed = own.lowerBound...max(own.upperBound, gaps.upperBound)
                    }
                }
                guard let changed else { continue }
                targets[machine] = Span(changed: changed, previous: heads[machine])
            }
            return targets
        }
    }

    /// The hours to recompute for one machine: from the hour of the earliest changed instant (or of the newest
    /// fact before, whose hour was stored only up to it), through its newest fact.
    struct Span: Equatable {
        var start: Date
        var through: Date

        init(start: Date, through: Date) {
            self.start = start
            self.through = through
        }

        init(changed: ClosedRange<Date>, previous: Date?) {
            start = MachineElements.bucketStart(of: min(changed.lowerBound, previous ?? changed.lowerBound))
            through = max(changed.upperBound, previous ?? changed.upperBound)
        }
    }
}
