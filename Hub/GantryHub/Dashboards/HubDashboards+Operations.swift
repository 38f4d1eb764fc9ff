import Foundation
import GantryCore
import GantryPages
import Hummingbird

/// The decision layers' page: buyers', planners' and plant managers' figures per plant of the viewer's companies,
/// and for all of them, over the chosen window (docs/dashboards.md).
extension HubDashboards {
    /// `/dashboards/operations`: one table per layer, a row per plant and one for all.
    func operationsPage(_ viewer: DashboardViewer, _ request: Request) async throws -> OperationsView {
        let plants = try await store.plants().filter { viewer.scope.covers($0.company) }
        let companies = Set(plants.map(\.company))
        let place = try await self.place(plants: plants, company: companies.count == 1 ? companies.first : nil, request: request)
        // The rollups' hours: a window starting mid-hour (a half-hour zone) starts at the hour before.
        let from = MachineElements.bucketStart(of: place.window.start)
        let hourEnd = MachineElements.bucketStart(of: place.window.end)
        let to = hourEnd == place.window.end ? hourEnd : hourEnd.addingTimeInterval(3600)
        let now = api.now()
        let facts = try await store.operationsFacts(scope: viewer.scope, plant: nil, from: from, to: to)
        let records = try await store.masters(kind: .kpi, key: nil, company: nil, scope: viewer.scope)
        let definitions = KPIQuery.definitions(records, companies: companies)
        let byPlant = OperationsQuery(level: .plant, definitions: definitions.byCompany, shared: definitions.shared).report(facts, now: now)
        let total = OperationsQuery(level: .group, definitions: definitions.byCompany, shared: definitions.shared).report(facts, now: now)
        let machines = try await DashboardFigures.load(
            store, scope: viewer.scope, plant: nil, window: place.window, now: now, totals: true, finest: .plant)
        let machineNodes = machines.nodes(.plant, from: place.window.start, to: place.window.end)
        var rows = byPlant.map { node in
            OperationsView.Source(
                name: node.plant ?? "", link: link("/plants/\(encode(node.plant ?? ""))", place.window), elements: node.elements,
                readings: node.kpis, machines: machineNodes.first { $0.plant == node.plant }?.elements ?? .zero)
        }
        if let all = total.first, byPlant.count > 1 {
            rows.append(OperationsView.Source(
                name: "All plants", link: nil, elements: all.elements, readings: all.kpis,
                machines: machines.nodes(.group, from: place.window.start, to: place.window.end).first?.elements ?? .zero))
        }
        let path = "\(Self.root)/operations"
        return OperationsView(
            frame: frame(title: "Buyers, planners and plant managers", viewer: viewer),
            crumbs: [.init(name: "Group", link: link("", place.window)), .init(name: "Operations", link: nil)],
            windows: place.windows.choices(path: path, window: place.window), window: place.window,
            notice: place.window.start > now ? "This window has not begun yet." : nil, rows: rows, format: place.format)
    }
}
