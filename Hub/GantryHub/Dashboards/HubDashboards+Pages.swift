import Foundation
import GantryCore
import GantryPages
import Hummingbird
import Logging

/// The drill-down pages: group → company → plant → line → machine, each the node's panel over the chosen window
/// and a table of the level below linking down. Only the viewer's companies are read; another company's plant or
/// company is refused with 403 (its existence is not hidden: plant codes carry their company's code anyway).
extension HubDashboards {
    /// `/dashboards`: every company of the viewer.
    func groupPage(_ viewer: DashboardViewer, _ request: Request) async throws -> DashboardView {
        let plants = try await store.plants().filter { viewer.scope.covers($0.company) }
        let place = try await self.place(plants: plants, company: nil, request: request)
        let figures = try await loadFigures(scope: viewer.scope, plant: nil, place: place, now: api.now(), finest: .company)
        let node = figures.nodes(.group, from: place.window.start, to: place.window.end).first
        let children = figures.nodes(.company, from: place.window.start, to: place.window.end)
        let companies = Set(plants.map(\.company)).union(children.compactMap(\.company)).sorted()
        return view(
            "Group overview", viewer: viewer, place: place, path: Self.root, crumbs: [.init(name: "Group", link: nil)],
            panel: figures.panel(node, company: nil, format: place.format),
            children: .init(heading: "Company", rows: companies.map { company in
                .init(
                    name: company, link: link("/companies/\(encode(company))", place.window),
                    panel: figures.panel(children.first { $0.company == company }, company: company, format: place.format))
            }),
            trend: figures.trend(.group, parts: place.windows.parts(of: place.window), format: place.format))
    }

    /// `/dashboards/companies/{company}`: its plants.
    func companyPage(_ viewer: DashboardViewer, _ request: Request, company text: String) async throws -> DashboardView {
        let company = text.uppercased()
        try requireCompany(company, viewer: viewer)
        let plants = try await store.plants().filter { $0.company == company }
        guard !plants.isEmpty else { throw Self.notFound("No plant of company \(company) is enrolled.") }
        let place = try await self.place(plants: plants, company: company, request: request)
        let figures = try await loadFigures(scope: .only([company]), plant: nil, place: place, now: api.now(), finest: .plant)
        let node = figures.nodes(.company, from: place.window.start, to: place.window.end).first
        let children = figures.nodes(.plant, from: place.window.start, to: place.window.end)
        return view(
            "Company \(company)", viewer: viewer, place: place, path: "\(Self.root)/companies/\(encode(company))",
            crumbs: [.init(name: "Group", link: link("", place.window)), .init(name: company, link: nil)],
            panel: figures.panel(node, company: company, format: place.format),
            children: .init(heading: "Plant", rows: plants.map { plant in
                .init(
                    name: plant.plantID, link: link("/plants/\(encode(plant.plantID))", place.window),
                    panel: figures.panel(children.first { $0.plant == plant.plantID }, company: company, format: place.format))
            }),
            trend: figures.trend(.company, parts: place.windows.parts(of: place.window), format: place.format))
    }

    /// `/dashboards/plants/{plant}`: its lines, and the Pareto of its downtime reasons.
    func plantPage(_ viewer: DashboardViewer, _ request: Request, plantID: String) async throws -> DashboardView {
        let plant = try await enrolledPlant(plantID, viewer: viewer)
        let place = try await self.place(plants: [plant], company: plant.company, request: request)
        let figures = try await loadFigures(scope: .only([plant.company]), plant: plant.plantID, place: place, now: api.now(), finest: .line)
        let node = figures.nodes(.plant, from: place.window.start, to: place.window.end).first
        let lines = figures.nodes(.line, from: place.window.start, to: place.window.end)
        let base = "/plants/\(encode(plant.plantID))"
        return view(
            "Plant \(plant.plantID)", viewer: viewer, place: place, path: Self.root + base,
            crumbs: crumbs(plant, place: place) + [.init(name: plant.plantID, link: nil)],
            panel: figures.panel(node, company: plant.company, format: place.format),
            children: .init(heading: "Line", rows: lines.map { line in
                .init(
                    name: line.line ?? "", link: link("\(base)/lines/\(encode(line.line ?? ""))", place.window),
                    panel: figures.panel(line, company: plant.company, format: place.format))
            }),
            trend: figures.trend(.plant, parts: place.windows.parts(of: place.window), format: place.format))
    }

    /// `/dashboards/plants/{plant}/lines/{line}`: its machines.
    func linePage(_ viewer: DashboardViewer, _ request: Request, plantID: String, line: String) async throws -> DashboardView {
        let plant = try await enrolledPlant(plantID, viewer: viewer)
        let place = try await self.place(plants: [plant], company: plant.company, request: request)
        let figures = try await loadFigures(scope: .only([plant.company]), plant: plant.plantID, place: place, now: api.now())
        let node = figures.nodes(.line, from: place.window.start, to: place.window.end, line: line).first
        let machines = figures.nodes(.machine, from: place.window.start, to: place.window.end, line: line)
        let base = "/plants/\(encode(plant.plantID))/lines/\(encode(line))"
        return view(
            "Line \(line)", viewer: viewer, place: place, path: Self.root + base,
            crumbs: crumbs(plant, place: place) + [
                .init(name: plant.plantID, link: link("/plants/\(encode(plant.plantID))", place.window)), .init(name: line, link: nil),
            ],
            panel: figures.panel(node, company: plant.company, format: place.format),
            children: .init(heading: "Machine", rows: machines.map { machine in
                .init(
                    name: machine.machine ?? "", link: link("\(base)/machines/\(encode(machine.machine ?? ""))", place.window),
                    panel: figures.panel(machine, company: plant.company, format: place.format))
            }),
            trend: figures.trend(.line, parts: place.windows.parts(of: place.window), line: line, format: place.format))
    }

    /// `/dashboards/plants/{plant}/lines/{line}/machines/{machine}`: its figures and its down stretches with reasons.
    func machinePage(_ viewer: DashboardViewer, _ request: Request, plantID: String, line: String, machine: String) async throws -> DashboardView {
        let plant = try await enrolledPlant(plantID, viewer: viewer)
        let place = try await self.place(plants: [plant], company: plant.company, request: request)
        let now = api.now()
        let figures = try await loadFigures(scope: .only([plant.company]), plant: plant.plantID, place: place, now: now)
        let node = figures.nodes(.machine, from: place.window.start, to: place.window.end, line: line, machine: machine).first
        let id = MachineID(line: line, machine: machine)
        let end = min(place.window.end, now)
        var intervals: [DowntimeInterval] = []
        if place.window.start < end {
            let timeline = try await store.kpiMachineTimeline(plant: plant.plantID, machine: id, from: place.window.start, through: end)
            intervals = MachineHistory(timelines: [id: timeline], counts: [:])
                .downtime(from: place.window.start, to: place.window.end, now: now, reasons: figures.reasons[plant.company] ?? DowntimeReasons())
        }
        let limit = HubAPI.kpiDowntimeLimit
        let plantLink = "/plants/\(encode(plant.plantID))"
        return view(
            "Machine \(line)/\(machine)", viewer: viewer, place: place,
            path: "\(Self.root)\(plantLink)/lines/\(encode(line))/machines/\(encode(machine))",
            crumbs: crumbs(plant, place: place) + [
                .init(name: plant.plantID, link: link(plantLink, place.window)),
                .init(name: line, link: link("\(plantLink)/lines/\(encode(line))", place.window)), .init(name: machine, link: nil),
            ],
            panel: figures.panel(node, company: plant.company, format: place.format), children: nil,
            trend: figures.trend(.machine, parts: place.windows.parts(of: place.window), line: line, machine: machine, format: place.format),
            intervals: .init(Array(intervals.prefix(limit)), truncated: intervals.count > limit, format: place.format))
    }

    // MARK: Shared steps

    /// Where a page stands: its zone and locale, its window choices, and the window asked for.
    struct Place {
        var format: PageFormat
        var windows: PageWindows
        var window: KPIWindow
    }

    /// The plants' zone (UTC when they differ), the company's locale and fiscal periods, and the window of the
    /// request's `window` and `at` (a refusal names the field, 400).
    func place(plants: [PlantRecord], company: String?, request: Request) async throws -> Place {
        let zones = Set(plants.map(\.timeZone))
        let zone = zones.count == 1 ? zones.first! : "UTC"
        let calendar = (try? PlantCalendar(timeZone: zone)) ?? (try! PlantCalendar(timeZone: "UTC"))
        var periods: [FiscalPeriodMaster] = []
        var country: String?
        if let company {
            let scope = CompanyScope.only([company])
            periods = try await store.masters(kind: .fiscalPeriod, key: nil, company: nil, scope: scope)
                .filter { $0.company == nil || $0.company == company }.compactMap { FiscalPeriodMaster($0) }
            country = try await store.masters(kind: .company, key: company, company: nil, scope: scope).compactMap { CompanyMaster($0) }.first?.country
        }
        let windows = PageWindows(calendar: calendar, periods: periods)
        let query = request.uri.queryParameters
        let window = try windows.window(kind: query["window"].map(String.init), at: query["at"].map(String.init), now: api.now())
        return Place(format: PageFormat(locale: PageWindows.locale(country: country), timeZone: calendar.timeZone), windows: windows, window: window)
    }

    /// The figures of a page at `place`: its window, cut for its trend's parts, down to the `finest` level it shows.
    func loadFigures(
        scope: CompanyScope, plant: String?, place: Place, now: Date, finest: KPIQuery.Level = .machine
    ) async throws -> DashboardFigures {
        try await DashboardFigures.load(
            store, scope: scope, plant: plant, window: place.window, parts: place.windows.parts(of: place.window), now: now, finest: finest)
    }

    /// A plant of the viewer's companies: another company's is 403, an unknown one 404.
    func enrolledPlant(_ plantID: String, viewer: DashboardViewer) async throws -> PlantRecord {
        let company = PlantIdentity.company(of: plantID)
        try requireCompany(company, viewer: viewer)
        guard let plant = try await store.plants().first(where: { $0.plantID == plantID }) else {
            throw Self.notFound("No plant \(plantID) is enrolled.")
        }
        return plant
    }

    func requireCompany(_ company: String, viewer: DashboardViewer) throws {
        guard viewer.scope.covers(company) else {
            throw ProblemDetails(
                code: "forbidden", title: "Not one of your companies", status: 403,
                detail: "Company \(company) is outside the companies \(viewer.principal.name) may see.")
        }
    }

    static func notFound(_ detail: String) -> ProblemDetails {
        ProblemDetails(code: "not-found", title: "Not found", status: 404, detail: detail)
    }

    func crumbs(_ plant: PlantRecord, place: Place) -> [DashboardView.Crumb] {
        [.init(name: "Group", link: link("", place.window)), .init(name: plant.company, link: link("/companies/\(encode(plant.company))", place.window))]
    }

    /// A page's link keeping the window.
    func link(_ path: String, _ window: KPIWindow) -> String {
        "\(Self.root)\(path)?window=\(window.kind.rawValue)&at=\(Timestamp.format(window.start))"
    }

    func encode(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? segment
    }

    func view(
        _ title: String, viewer: DashboardViewer, place: Place, path: String, crumbs: [DashboardView.Crumb], panel: KPIPanel,
        children: DashboardView.ChildTable?, trend: PageChart?, intervals: DashboardView.IntervalTable? = nil
    ) -> DashboardView {
        DashboardView(
            frame: frame(title: title, viewer: viewer), crumbs: crumbs, windows: place.windows.choices(path: path, window: place.window),
            window: place.window, panel: panel, children: children, trend: trend, intervals: intervals,
            notice: place.window.start > api.now() ? "This window has not begun yet." : nil, format: place.format)
    }
}
