import Foundation
import GantryCore

/// The hour buckets of one machine recomputed from its stored state changes, lost signals and counts: the state
/// intervals are the truth, the rollup rows (`kpi_machine_hours`, `kpi_downtime_hours`, `kpi_machine_heads`) a
/// cache of them. Both stores load the same `Facts`, ask for `recompute`, delete the machine's rows from `start`
/// on and write the result, inside the transaction that applied the events (see docs/kpis.md, "Storage").
///
/// Buckets hold time only up to the machine's newest known fact (`through`); the head row says which state held
/// then, and a query extends it to min(now, window end), as the machine-time report extends the last state.
struct KPIRollup {
    /// Everything the recomputation of one machine from `start` reads.
    struct Facts {
        /// The machine's state changes from `start` on, and the last one before it.
        var changes: [MachineTimeline.Change]
        /// Its plant's lost signals from `start` on, and the last one before it.
        var gaps: [Date]
        /// Its counts from `start` on.
        var counts: [KPICount]

        /// Of a plant's lost signals `all` (sorted, holding every one in `[start, through]` and the last before it),
        /// those one machine's facts from `start` take: the ones within `[start, through]` and the last before `start`.
        static func gaps(_ all: [Date], from start: Date, through: Date) -> [Date] {
            let before = all.last { $0 < start }
            return (before.map { [$0] } ?? []) + all.filter { $0 >= start && $0 <= through }
        }

        /// The machine's timeline: its changes, and its plant's lost signals as changes to `unknown`.
        var timeline: MachineTimeline {
            MachineTimeline(changes: changes + gaps.map { MachineTimeline.Change(at: $0, state: .unknown) })
        }
    }

    /// One machine's recomputed rows.
    struct Rows {
        var hours: [KPIMachineHour]
        var downtime: [KPIDowntimeHour]
        var head: KPIMachineHead
    }

    /// The rows of `machine` for the hours from `start` (an hour's start) to `through` (its newest fact).
    /// Downtime is classified by reason only: which reasons are failures is the company's governed
    /// `downtime-reason` masters' to say, read when a query computes MTBF and MTTR, so the rows keep no failures.
    static func recompute(
        _ facts: Facts, machine: KPIMachineKey, start: Date, through: Date
    ) -> Rows {
        let timeline = facts.timeline
        var hours: [Date: KPIElements] = [:]
        // Every reason counts as a failure here: the rows' failures and repair time are then the down stretches
        // and down seconds, which `downtime` splits by reason.
        for bucket in MachineElements.buckets(timeline, counts: [], from: start, to: through, now: through, reasons: DowntimeReasons()) {
            var elements = bucket.elements
            elements.failures = 0
            elements.repairTime = 0
            hours[bucket.start] = elements
        }
        for count in facts.counts where count.at >= start && count.at <= through {
            hours[MachineElements.bucketStart(of: count.at), default: .zero] += count.quantities
        }
        var downtime: [KPIDowntimeBucketKey: KPIDowntimeHour] = [:]
        let before = timeline.intervals(from: .distantPast, to: start).last
        for (index, interval) in timeline.intervals(from: start, to: through).enumerated() where interval.state == .down {
            let reason = interval.reason ?? ""
            let carried = index == 0 && before?.state == .down && before?.reason == interval.reason
            var from = interval.start
            var begins = !carried
            while from < interval.end {
                let hour = MachineElements.bucketStart(of: from)
                let end = min(interval.end, hour.addingTimeInterval(3600))
                let key = KPIDowntimeBucketKey(hour: hour, reason: reason)
                var row = downtime[key] ?? KPIDowntimeHour(machine: machine, hour: hour, reason: reason, seconds: 0, stops: 0)
                row.seconds += end.timeIntervalSince(from)
                if begins { row.stops += 1 }
                downtime[key] = row
                begins = false
                from = end
            }
        }
        let last = timeline.intervals(from: through, to: through.addingTimeInterval(1)).first
        return Rows(
            hours: hours.keys.sorted().map { KPIMachineHour(machine: machine, hour: $0, elements: hours[$0]!) },
            downtime: downtime.values.sorted { ($0.hour, $0.reason) < ($1.hour, $1.reason) },
            head: KPIMachineHead(machine: machine, through: through, state: last?.state ?? .unknown, reason: last?.reason))
    }

    /// Seconds as the whole microseconds the rows store them in (instants are stored to the microsecond, so
    /// every duration between them is a whole number of microseconds).
    static func micros(_ seconds: Double) -> Int64 { Int64((seconds * 1_000_000).rounded()) }

    /// Whole microseconds as seconds.
    static func seconds(_ micros: Int64) -> Double { Double(micros) / 1_000_000 }
}

/// A machine's hour and downtime reason.
struct KPIDowntimeBucketKey: Hashable {
    var hour: Date
    var reason: String
}

extension KPICount {
    /// The count's quantities as elements (PRI × PQ when the rate is known, else the quantity unrated).
    var quantities: KPIElements {
        var elements = KPIElements(good: good, scrap: scrap, rework: rework)
        if let plannedSecondsPerUnit {
            elements.plannedRunTime = elements.produced.decimal * plannedSecondsPerUnit
        } else {
            elements.unratedQuantity = elements.produced
        }
        return elements
    }
}
