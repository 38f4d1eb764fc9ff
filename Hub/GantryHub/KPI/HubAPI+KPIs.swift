import Foundation
import GantryCore
import Hummingbird

extension HubAPI {
    /// `GET /v1/kpis?from&to&company&plant&line&machine&level`: each node's summed elements, governed KPIs, OEE
    /// waterfall and downtime by reason, from the stored hour rollups of the principal's companies. `from` and
    /// `to` are whole UTC hours (the rollups' buckets; anything else is a 400), at most a year apart.
    func kpis(_ query: Parameters, scope: CompanyScope) async throws -> KPIReportBody {
        let window = try ReportWindow(from: query["from"].map(String.init), to: query["to"].map(String.init))
        for (name, instant) in [("from", window.from), ("to", window.to)] where MachineElements.bucketStart(of: instant) != instant {
            throw invalidQuery(name, "\(name) must be a whole UTC hour (KPIs are summed from hour buckets), got \(Timestamp.format(instant))")
        }
        let level: KPIQuery.Level
        if let text = query["level"].map(String.init) {
            guard let chosen = KPIQuery.Level(rawValue: text) else {
                throw invalidQuery("level", "level is one of \(KPIQuery.Level.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(text)\"")
            }
            level = chosen
        } else {
            level = .plant
        }
        let line = try machineCode(query, "line"), machine = try machineCode(query, "machine")
        var within = scope
        if let company = try await companyFilter(query, scope: scope) { within = .only([company]) }
        let plant = try await plantFilter(query, scope: scope)
        // Summed by the database, from day rows for the whole days: a year is a few rows per machine.
        let snapshot = try await store.kpiRollupTotals(scope: within, plant: plant, from: window.from, to: window.to)
        let companies = Set(snapshot.hours.map(\.machine.company) + snapshot.heads.map(\.machine.company))
        let kpiRecords = try await store.masters(kind: .kpi, key: nil, company: nil, scope: within)
        let reasonRecords = try await store.masters(kind: .downtimeReason, key: nil, company: nil, scope: within)
        let definitions = KPIQuery.definitions(kpiRecords, companies: companies)
        var reasons: [String: DowntimeReasons] = [:]
        for company in companies {
            reasons[company] = DowntimeReasons().overlaid(with: reasonRecords.filter { $0.company == nil || $0.company == company })
        }
        let kpiQuery = KPIQuery(
            from: window.from, to: window.to, level: level, line: line, machine: machine, reasons: reasons,
            definitions: definitions.byCompany, shared: definitions.shared)
        return KPIReportBody(from: window.from, to: window.to, level: level, nodes: kpiQuery.report(snapshot, now: now()))
    }

    /// A line or machine code filter: 1 to 64 characters, as machines name them; nil when absent.
    func machineCode(_ query: Parameters, _ name: String) throws -> String? {
        guard let text = query[Substring(name)].map(String.init) else { return nil }
        guard !text.isEmpty, text.count <= 64, !text.contains(where: { $0.isWhitespace || $0 == "/" }) else {
            throw invalidQuery(name, "\(name) is a code of 1 to 64 characters without spaces or slashes")
        }
        return text
    }
}

/// `GET /v1/kpis`'s body.
struct KPIReportBody: Codable, Sendable {
    var from: Date
    var to: Date
    var level: KPIQuery.Level
    var nodes: [KPINode]

    /// One line per node: where it is, its main elements (seconds, quantities) and its OEE factors as fractions.
    func csv() -> String {
        var text = CSV.line([
            "company", "plant", "line", "machine", "planned_busy_s", "running_s", "setup_s", "idle_s", "down_s", "planned_stop_s",
            "unknown_s", "good", "scrap", "rework", "unrated", "failures", "repair_s", "availability", "effectiveness",
            "quality_ratio", "oee",
        ])
        func figure(_ value: Double?) -> String { value.map { String($0) } ?? "" }
        for node in nodes {
            let e = node.elements
            text += CSV.line([
                node.company ?? "", node.plant ?? "", node.line ?? "", node.machine ?? "", figure(e.plannedBusyTime),
                figure(e.actualProductionTime), figure(e.setupTime), figure(e.delayTime), figure(e.downTime), figure(e.plannedStopTime),
                figure(e.unknownTime), e.good.description, e.scrap.description, e.rework.description, e.unratedQuantity.description,
                String(e.failures), figure(e.repairTime), figure(e.availability), figure(e.effectiveness), figure(e.qualityRatio),
                figure(e.oee),
            ])
        }
        return text
    }
}
