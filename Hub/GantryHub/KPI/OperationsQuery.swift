import Foundation
import GantryCore

/// The hub's operations KPIs (`GET /v1/kpis/operations`): each node's elements summed from its plants' rows (flows
/// over the window, owed purchase lines as of each plant's own today), and each governed operations KPI read over
/// the sums, never by averaging ratios. Pure: the route loads the rows and masters and hands them here.
struct OperationsQuery {
    /// Which nodes the figures are given for: the group, each company, or each plant.
    enum Level: String, Sendable, Codable, CaseIterable {
        case group, company, plant
    }

    var level: Level
    /// Each company's KPI definitions (its own over the shared ones); `shared` for the group node.
    var definitions: [String: [KPIDefinition]]
    var shared: [KPIDefinition]

    func report(_ plants: [OperationsPlantFacts], now: Date) -> [OperationsNode] {
        var nodes: [KPINodeKey: OperationsElements] = [:]
        for facts in plants {
            // A plant's zone is checked when it enrols; UTC only if the stored name stopped being known.
            let calendar = (try? PlantCalendar(timeZone: facts.timeZone)) ?? (try? PlantCalendar(timeZone: "UTC"))
            let today = calendar?.dayText(of: now) ?? String(Timestamp.format(now).prefix(10))
            let key = KPINodeKey(company: level == .group ? nil : facts.company, plant: level == .plant ? facts.plant : nil, line: nil, machine: nil)
            nodes[key, default: .zero] += facts.elements(today: today)
        }
        return nodes.keys.sorted().map { key in
            let elements = nodes[key]!
            let governing = (key.company.flatMap { definitions[$0] } ?? shared).filter { !$0.formula.isMachineFormula }
            return OperationsNode(
                company: key.company, plant: key.plant, elements: elements, kpis: governing.map { $0.reading(elements) })
        }
    }
}

/// One node's operations figures: its summed elements and each governed operations KPI.
public struct OperationsNode: Sendable, Equatable, Codable {
    public var company: String?
    public var plant: String?
    public var elements: OperationsElements
    public var kpis: [KPIReading]
}
