import Foundation
import GantryCore
import Hummingbird

extension HubAPI {
    /// The KPI routes: the JSON and CSV figures, and the downtime behind them.
    func respondKPIs(to endpoint: HubEndpoint, query: Parameters, scope: CompanyScope) async throws -> Response {
        switch endpoint {
        case .kpiDowntime: return try jsonResponse(try await kpiDowntime(query, scope: scope))
        case .kpiOperations: return try jsonResponse(try await operationsKPIs(query, scope: scope))
        case .kpiReportCSV: return textResponse(try await kpis(query, scope: scope).csv(), contentType: "text/csv; charset=utf-8")
        default: return try jsonResponse(try await kpis(query, scope: scope))
        }
    }

    /// `GET /v1/kpis/downtime?plant&line&machine&from&to`: the down stretches of one machine within a window of at
    /// most 31 days, with their reasons classified by the company's governed downtime reasons, from the raw
    /// state intervals (the cause behind a KPI figure). At most `kpiDowntimeLimit` stretches, oldest first.
    func kpiDowntime(_ query: Parameters, scope: CompanyScope) async throws -> KPIDowntimeBody {
        let window = try ReportWindow(from: query["from"].map(String.init), to: query["to"].map(String.init)).elapsed(now: now())
        guard (window.requestedTo ?? window.to).timeIntervalSince(window.from) <= 31 * 86_400 else {
            throw invalidQuery("to", "a downtime drill-down covers at most 31 days")
        }
        guard let plant = try await plantFilter(query, scope: scope, required: true) else { throw invalidQuery("plant", "plant is required") }
        guard let line = try machineCode(query, "line") else { throw invalidQuery("line", "line is required") }
        guard let code = try machineCode(query, "machine") else { throw invalidQuery("machine", "machine is required") }
        let machine = MachineID(line: line, machine: code)
        let company = PlantIdentity.company(of: plant)
        let records = try await store.masters(kind: .downtimeReason, key: nil, company: nil, scope: scope)
        let reasons = DowntimeReasons().overlaid(with: records.filter { $0.company == nil || $0.company == company })
        let timeline = try await store.kpiMachineTimeline(plant: plant, machine: machine, from: window.from, through: window.to)
        let intervals = MachineHistory(timelines: [machine: timeline], counts: [:])
            .downtime(from: window.from, to: window.to, now: now(), reasons: reasons)
        return KPIDowntimeBody(
            plant: plant, line: line, machine: code, from: window.from, to: window.to,
            intervals: Array(intervals.prefix(Self.kpiDowntimeLimit)), truncated: intervals.count > Self.kpiDowntimeLimit)
    }

    /// The most down stretches one drill-down lists.
    static let kpiDowntimeLimit = 1000
}

/// `GET /v1/kpis/downtime`'s body. `to` is the window's end cut at now; `truncated` says stretches were left out.
struct KPIDowntimeBody: Codable, Sendable {
    var plant: String
    var line: String
    var machine: String
    var from: Date
    var to: Date
    var intervals: [DowntimeInterval]
    var truncated: Bool
}
