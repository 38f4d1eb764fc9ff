import Foundation
import GantryCore
import GantryPages
import Hummingbird

/// The planner's page at the plant, from the agent's own store (it keeps working with the WAN down): the material
/// readiness of every open work order, and the plant's buyers', planners' and plant managers' figures over the
/// window, the same `OperationsElements` the hub sums from this plant's events.
extension AgentDashboards {
    /// `/dashboards/planner`: open work orders and whether their material is there, then the layers' figures.
    func plannerPage(_ viewer: PlantViewer, _ request: Request) async throws -> OperationsView {
        let place = try await self.place(request)
        let at = now()
        let elements = try await store.operationsElements(from: place.window.start, to: place.window.end)
        let machines = try await PlantFigures.load(store, window: place.window, now: at, base: reasons)
        let plant = OperationsView.Source(
            name: store.plantID, link: nil, elements: elements, readings: [],
            machines: machines.machines.map { machines.elements[$0] ?? .zero }.sum())
        let readiness = try await store.readiness(workOrder: nil)
        let rows = readiness.map { order in
            OperationsView.Row(name: order.workOrder, link: nil, cells: [
                .init(text: order.item, note: nil, flagged: false),
                .init(text: place.format.time(order.plannedStart), note: nil, flagged: false),
                .init(text: order.materialReady ? "ready" : "short", note: order.delays.isEmpty ? nil : order.delays.joined(separator: "; "), flagged: !order.materialReady),
                .init(text: order.materialReadyBy ?? (order.materialReady ? "now" : "no supply known"), note: nil, flagged: false),
                .init(text: order.atRisk ? "at risk" : "no", note: nil, flagged: order.atRisk),
            ])
        }
        let readinessSection = OperationsView.Section(
            id: "readiness", title: "Material readiness", question: "Can each open work order start when planned?",
            rowHeading: "Work order", columns: ["Item", "Planned start", "Material", "Ready by", "Shortage risk"], rows: rows,
            footnote: rows.isEmpty ? "No planned or released work order." : "A work order is at risk when its material comes after its planned start or a machine of its work centres is down.")
        var view = OperationsView(
            frame: frame(title: "Planner \(store.plantID)", viewer: viewer),
            crumbs: [.init(name: store.plantID, link: Self.root), .init(name: "Planner", link: nil)],
            windows: place.windows.choices(path: "\(Self.root)/planner", window: place.window), window: place.window, notice: nil,
            rows: [plant], format: place.format)
        view.sections.insert(readinessSection, at: 0)
        return view
    }
}
