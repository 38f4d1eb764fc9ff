import Foundation
import GantryCore
import GantryPages

/// One window's figures at the agent, from its store alone: each machine's elements by `MachineElements` from its
/// timeline and counts (as the hub's rollups are made), its down stretches classified by the plant's downtime
/// reasons (`Reliability`), its counts rated by the machine's governed `machine-rate` master (`MachineRates`, as the
/// hub's rollups rate them), and the KPI definitions in force (the company's own over the shared ones, from the
/// masters the agent holds).
struct PlantFigures: Sendable {
    var machines: [MachineID]
    var elements: [MachineID: KPIElements]
    /// Every down stretch in the window, oldest first.
    var intervals: [DowntimeInterval]
    var definitions: [KPIDefinition]

    static func load(_ store: any PlantStore, window: KPIWindow, now: Date, base: DowntimeReasons) async throws -> PlantFigures {
        let end = min(window.end, now)
        let reasons = try await store.downtimeReasons(base: base)
        let definitions = inForce(try await store.masters(kind: .kpi, key: nil), company: PlantIdentity.company(of: store.plantID))
        guard window.start < end else { return PlantFigures(machines: [], elements: [:], intervals: [], definitions: definitions) }
        let history = try await store.machineHistory(from: window.start, to: end)
        let rates = MachineRates(records: try await store.masters(kind: .machineRate, key: nil), company: PlantIdentity.company(of: store.plantID))
        var elements: [MachineID: KPIElements] = [:]
        for machine in history.machines {
            // The store gives a machine's counts in the window as totals: they belong to the window, whatever their
            // instants. Stored counts name no item, so one rate (the machine's own, from its governed master) rates them all.
            let total = history.counts[machine] ?? (0, 0)
            let counts = [rates.rated(
                KPICount(at: window.start, good: Quantity(total.good), scrap: Quantity(total.scrap)), plant: store.plantID, machine: machine)]
            elements[machine] = MachineElements.elements(
                history.timelines[machine] ?? MachineTimeline(changes: []), counts: counts, from: window.start, to: end, now: now, reasons: reasons)
        }
        return PlantFigures(
            machines: history.machines, elements: elements,
            intervals: history.downtime(from: window.start, to: end, now: now, reasons: reasons), definitions: definitions)
    }

    /// The panel of `machines` together: their elements summed (never their ratios averaged), the definitions'
    /// readings, and their downtime by reason (stretches begun in the window counted as stops).
    func panel(of machines: [MachineID], format: PageFormat) -> KPIPanel {
        let chosen = Set(machines)
        let sum = machines.map { elements[$0] ?? .zero }.sum()
        var byReason: [String: KPIPanel.ReasonTime] = [:]
        for interval in intervals where chosen.contains(MachineID(line: interval.line, machine: interval.machine)) {
            let reason = interval.reason ?? ""
            byReason[reason, default: KPIPanel.ReasonTime(reason: reason, seconds: 0, stops: 0, failure: interval.failure)].seconds += interval.seconds
            byReason[reason]!.stops += 1
        }
        return KPIPanel(
            elements: sum, readings: definitions.filter(\.formula.isMachineFormula).map { $0.reading(sum) }, downtime: Array(byReason.values),
            format: format)
    }

    /// The shared definitions, each replaced by the company's own of the same key.
    static func inForce(_ records: [MasterRecord], company: String) -> [KPIDefinition] {
        var merged: [String: KPIDefinition] = [:]
        for definition in records.compactMap(KPIDefinition.init) where definition.company == nil { merged[definition.key] = definition }
        for definition in records.compactMap(KPIDefinition.init) where definition.company == company { merged[definition.key] = definition }
        return merged.values.sorted { $0.key < $1.key }
    }
}
