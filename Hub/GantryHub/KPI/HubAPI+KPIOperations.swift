import Foundation
import GantryCore
import Hummingbird

extension HubAPI {
    /// `GET /v1/kpis/operations?from&to&level&company&plant`: buyers', planners' and plant managers' figures per
    /// node (group, company or plant): work orders completed on time and in full, cycle-count accuracy and
    /// corrective maintenance requests over the window's whole UTC hours, and purchase lines owed, confirmed and
    /// overdue as of now (each plant's own today), with each governed operations KPI.
    func operationsKPIs(_ query: Parameters, scope: CompanyScope) async throws -> OperationsReportBody {
        let window = try ReportWindow(from: query["from"].map(String.init), to: query["to"].map(String.init))
        for (name, instant) in [("from", window.from), ("to", window.to)] where MachineElements.bucketStart(of: instant) != instant {
            throw invalidQuery(name, "\(name) must be a whole UTC hour (operations KPIs are summed from hour rows), got \(Timestamp.format(instant))")
        }
        var level = OperationsQuery.Level.plant
        if let text = query["level"].map(String.init) {
            guard let chosen = OperationsQuery.Level(rawValue: text) else {
                throw invalidQuery("level", "level is one of \(OperationsQuery.Level.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(text)\"")
            }
            level = chosen
        }
        var within = scope
        if let company = try await companyFilter(query, scope: scope) { within = .only([company]) }
        let plant = try await plantFilter(query, scope: scope)
        let plants = try await store.operationsFacts(scope: within, plant: plant, from: window.from, to: window.to)
        let records = try await store.masters(kind: .kpi, key: nil, company: nil, scope: within)
        let definitions = KPIQuery.definitions(records, companies: Set(plants.map(\.company)))
        let report = OperationsQuery(level: level, definitions: definitions.byCompany, shared: definitions.shared)
        return OperationsReportBody(from: window.from, to: window.to, level: level, nodes: report.report(plants, now: now()))
    }
}

/// `GET /v1/kpis/operations`'s body.
struct OperationsReportBody: Codable, Sendable {
    var from: Date
    var to: Date
    var level: OperationsQuery.Level
    var nodes: [OperationsNode]
}
