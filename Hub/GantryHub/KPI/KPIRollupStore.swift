import Foundation
import GantryCore

/// The hub's KPI rollups as stored (docs/kpis.md, "Storage"): what the KPI query sums, never the raw signals.
public protocol KPIRollupStore: Sendable {
    /// The hour and downtime rows of the machines within `scope` (and of `plant`, when given) whose hours start
    /// in `[from, to)`, and the heads of those machines, sorted by machine then hour.
    func kpiRollups(scope: CompanyScope, plant: String?, from: Date, to: Date) async throws -> KPIRollupSnapshot
    /// The same rows summed per machine (and per machine and reason) by the database, each sum stamped at `from`:
    /// the whole UTC months of `[from, to)` from the month rows, the whole UTC days around them from the day rows,
    /// the hours around those from the hour rows; the heads
    /// as `kpiRollups` gives them. What `KPIQuery` makes of it is what it makes of `kpiRollups`, read in a fraction
    /// of the rows.
    func kpiRollupTotals(scope: CompanyScope, plant: String?, from: Date, to: Date) async throws -> KPIRollupSnapshot
    /// The same sums for each span between consecutive `cuts` (sorted by the store), each stamped at its span's
    /// start and read from the coarsest rows inside it (whole UTC months, whole UTC days, hours: `KPIRollupSpans`),
    /// kept apart only down to `depth` (a row per company, plant, line or machine; the finer key fields `""`): what
    /// a page's window and the parts of its trend need, without an hour row for a whole day or month, nor a row per
    /// machine for a company's figures. `kpiRollupTotals` is this with the cuts `[from, to]`, per machine.
    func kpiRollupSpans(scope: CompanyScope, plant: String?, cuts: [Date], depth: KPIRollupDepth) async throws -> KPIRollupSnapshot
    /// One machine's raw timeline around `[from, through]`: its state changes and its plant's lost signals within
    /// it and the last of each before it (for the drill-down to the downtime behind a figure).
    func kpiMachineTimeline(plant: String, machine: MachineID, from: Date, through: Date) async throws -> MachineTimeline
}

extension KPIRollup {
    /// A stored hour row's columns as elements (failures and repair time are the downtime rows').
    static func elements(
        running: Int64, setup: Int64, idle: Int64, down: Int64, plannedStop: Int64, unknown: Int64, plannedRunTime: String,
        good: Int64, scrap: Int64, rework: Int64, unrated: Int64
    ) -> KPIElements {
        KPIElements(
            actualProductionTime: seconds(running), setupTime: seconds(setup), delayTime: seconds(idle), downTime: seconds(down),
            plannedStopTime: seconds(plannedStop), unknownTime: seconds(unknown),
            plannedRunTime: Decimal(string: plannedRunTime, locale: Locale(identifier: "en_US_POSIX")) ?? 0,
            good: Quantity(micro: good), scrap: Quantity(micro: scrap), rework: Quantity(micro: rework),
            unratedQuantity: Quantity(micro: unrated))
    }
}
