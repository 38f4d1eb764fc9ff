import Foundation
import GantryCore
import GantryPages
import Hummingbird
import Logging

/// The executives' page: per company of the viewer, service level, revenue and gross margin, working capital,
/// inventory and its turns, from the ledger and the shipments (docs/dashboards.md). A figure the company's books
/// cannot give yet (no fiscal period, nothing posted) says why instead of showing a number.
extension HubDashboards {
    /// `/dashboards/executive`: a row per company, its fiscal period the one holding the window's end.
    func executivePage(_ viewer: DashboardViewer, _ request: Request) async throws -> OperationsView {
        let plants = try await store.plants().filter { viewer.scope.covers($0.company) }
        let companies = Set(plants.map(\.company)).sorted()
        let place = try await self.place(plants: plants, company: companies.count == 1 ? companies.first : nil, request: request)
        let now = api.now()
        let service = try await serviceLevels(scope: viewer.scope, now: now)
        var rows: [OperationsView.Row] = []
        for company in companies {
            let periods = try await store.masters(kind: .fiscalPeriod, key: nil, company: nil, scope: .only([company]))
                .filter { $0.company == company }.compactMap { FiscalPeriodMaster($0) }
            let zone = plants.first { $0.company == company }?.timeZone ?? "UTC"
            let calendar = (try? PlantCalendar(timeZone: zone)) ?? (try? PlantCalendar(timeZone: "UTC"))
            let period = calendar?.fiscalPeriod(containing: min(place.window.end, now).addingTimeInterval(-1), among: periods)
            rows.append(OperationsView.Row(
                name: period.map { "\(company) (\($0.label))" } ?? company, link: link("/companies/\(encode(company))", place.window),
                cells: [ExecutiveCells.service(service[company], format: place.format)]
                    + (await books(company: company, period: period, format: place.format))))
        }
        let path = "\(Self.root)/executive"
        return OperationsView(
            frame: frame(title: "Executives", viewer: viewer),
            crumbs: [.init(name: "Group", link: link("", place.window)), .init(name: "Executives", link: nil)],
            windows: place.windows.choices(path: path, window: place.window), window: place.window,
            notice: place.window.start > now ? "This window has not begun yet." : nil,
            sections: [ExecutiveCells.section(rows)], format: place.format)
    }

    /// Each company's OTIF over the customer order lines due so far (requested dates, no grace).
    func serviceLevels(scope: CompanyScope, now: Date) async throws -> [String: ServiceLevel.Summary] {
        let facts = try await store.serviceLevelFacts(OutboundFilter(), scope: scope)
        var zones: [String: String] = [:]
        for record in try await store.masters(kind: .plant, key: nil, company: nil, scope: scope) {
            if let plant = PlantMaster(record) { zones[record.key] = plant.timeZone }
        }
        return ServiceLevelReport(facts, policy: ServiceLevel.Policy(), asOf: nil, now: now, timeZones: zones).companies
    }

    /// Revenue, gross margin, working capital, inventory and turns of `company` in `period`.
    func books(company: String, period: KPIWindow?, format: PageFormat) async -> [DashboardView.Cell] {
        guard let period else { return ExecutiveCells.missing("no fiscal period holds this window") }
        do {
            let margin = try await store.margin(company: company, from: period.label, to: period.label, by: .company)
            let capital = try await store.workingCapital(company: company, at: period.label)
            return ExecutiveCells.books(margin: margin, capital: capital, days: period.end.timeIntervalSince(period.start) / 86_400, format: format)
        } catch let refusal as any ProblemReporting {
            // What the books refuse (no ledger, a period unknown): said to the viewer as the API says it.
            return ExecutiveCells.missing(refusal.problem.detail)
        } catch {
            // Anything else is the hub's own trouble: logged, never shown.
            logger.error("executive page: the books of \(company) could not be read", metadata: ["error": "\(error)"])
            return ExecutiveCells.missing("the books could not be read just now")
        }
    }
}
