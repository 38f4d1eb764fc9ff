import Foundation
import GantryCore
import GantryPages
import Hummingbird
import Logging

/// The plant manager's page and a machine's page, from the agent's own machine intervals and counts.
extension AgentDashboards {
    /// `/dashboards`: the plant over the window (the current shift unless asked otherwise): its figures summed
    /// from every machine's elements, the machines with theirs, and every down stretch.
    func plantPage(_ viewer: PlantViewer, _ request: Request) async throws -> DashboardView {
        let place = try await self.place(request)
        let figures = try await PlantFigures.load(store, window: place.window, now: now(), base: reasons)
        let company = PlantIdentity.company(of: store.plantID)
        let rows = figures.machines.map { machine in
            DashboardView.ChildRow(
                name: "\(machine.line)/\(machine.machine)", link: link(to: machine, place.window),
                panel: figures.panel(of: [machine], format: place.format))
        }
        return DashboardView(
            frame: frame(title: "Plant \(store.plantID)", viewer: viewer), crumbs: [.init(name: company, link: nil), .init(name: store.plantID, link: nil)],
            windows: place.windows.choices(path: Self.root, window: place.window), window: place.window,
            panel: figures.panel(of: figures.machines, format: place.format), children: .init(heading: "Machine", rows: rows),
            trend: try await trend(place, machines: nil), intervals: .init(figures.intervals, truncated: false, format: place.format),
            notice: nil, format: place.format)
    }

    /// `/dashboards/lines/{line}/machines/{machine}`: one machine's figures and down stretches.
    func machinePage(_ viewer: PlantViewer, _ request: Request, machine: MachineID) async throws -> DashboardView {
        let place = try await self.place(request)
        let figures = try await PlantFigures.load(store, window: place.window, now: now(), base: reasons)
        return DashboardView(
            frame: frame(title: "Machine \(machine.line)/\(machine.machine)", viewer: viewer),
            crumbs: [.init(name: store.plantID, link: "\(Self.root)?window=\(place.window.kind.rawValue)&at=\(Timestamp.format(place.window.start))"),
                     .init(name: "\(machine.line)/\(machine.machine)", link: nil)],
            windows: place.windows.choices(path: link(to: machine, nil), window: place.window), window: place.window,
            panel: figures.panel(of: [machine], format: place.format), children: nil, trend: try await trend(place, machines: [machine]),
            intervals: .init(figures.intervals.filter { $0.line == machine.line && $0.machine == machine.machine }, truncated: false, format: place.format),
            notice: figures.machines.contains(machine) ? nil : "No signal from this machine in this window.", format: place.format)
    }

    /// The OEE trend (availability while OEE has no value) over the window's parts, each read on its own.
    func trend(_ place: AgentPlace, machines: [MachineID]?) async throws -> PageChart? {
        let parts = place.windows.parts(of: place.window)
        guard parts.count > 1 else { return nil }
        var elements: [KPIElements?] = []
        for part in parts {
            let figures = try await PlantFigures.load(store, window: part, now: now(), base: reasons)
            let chosen = machines ?? figures.machines
            elements.append(part.start < now() ? chosen.map { figures.elements[$0] ?? .zero }.sum() : nil)
        }
        for formula in [KPIFormula.oee, .availability] {
            let points = zip(parts, elements).map { SVGChart.Point(label: $0.label, value: $1?.value(formula).map { $0 * 100 }) }
            guard points.contains(where: { $0.value != nil }) else { continue }
            let title = formula == .oee ? "OEE trend" : "Availability trend (OEE has no value in this window)"
            return PageChart(title: title, svg: SVGChart.trend(title, points: points, target: nil, unit: "%", format: place.format))
        }
        return nil
    }

    /// The plant's zone (its `plant` master from the hub, UTC until it arrives), its company's locale and
    /// fiscal periods, and the window asked for (the current shift by default).
    func place(_ request: Request) async throws -> AgentPlace {
        let company = PlantIdentity.company(of: store.plantID)
        let zone = try await store.masters(kind: .plant, key: store.plantID).compactMap { PlantMaster($0) }.first?.timeZone ?? "UTC"
        let calendar = (try? PlantCalendar(timeZone: zone)) ?? (try! PlantCalendar(timeZone: "UTC"))
        let periods = try await store.masters(kind: .fiscalPeriod, key: nil).filter { $0.company == nil || $0.company == company }
            .compactMap { FiscalPeriodMaster($0) }
        let country = try await store.masters(kind: .company, key: company).compactMap { CompanyMaster($0) }.first?.country
        let windows = PageWindows(calendar: calendar, periods: periods)
        let query = request.uri.queryParameters
        let window = try windows.window(kind: query["window"].map(String.init) ?? "shift", at: query["at"].map(String.init), now: now())
        return AgentPlace(format: PageFormat(locale: PageWindows.locale(country: country), timeZone: calendar.timeZone), windows: windows, window: window)
    }

    /// A machine page's link, keeping the window when given.
    func link(to machine: MachineID, _ window: KPIWindow?) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let path = "\(Self.root)/lines/\(machine.line.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")/machines/"
            + (machine.machine.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
        guard let window else { return path }
        return "\(path)?window=\(window.kind.rawValue)&at=\(Timestamp.format(window.start))"
    }
}

/// Where an agent page stands: its format, window choices and window.
struct AgentPlace: Sendable {
    var format: PageFormat
    var windows: PageWindows
    var window: KPIWindow
}
