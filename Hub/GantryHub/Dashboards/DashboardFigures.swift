import Foundation
import GantryCore
import GantryPages

/// The figures behind one page: the stored rollups of its companies (and plant) over its window, with the
/// governed KPI definitions and downtime reasons, read once; the nodes of any level over the window or any part
/// of it are then summed by `KPIQuery`, the same code as `GET /v1/kpis`.
struct DashboardFigures: Sendable {
    var snapshot: KPIRollupSnapshot
    var reasons: [String: DowntimeReasons]
    var shared: [KPIDefinition]
    var byCompany: [String: [KPIDefinition]]
    var now: Date

    /// Reads what a page over `window` needs within `scope` (and `plant`): the database's sums per machine for the
    /// window cut at the start of each of `parts` (a trend's parts), each span read from its whole UTC months and
    /// days and only the hours around them (`kpiRollupSpans`), so a month's page reads a row per machine and day
    /// rather than one per machine and hour; summed in the database down to `finest`, the finest level the page
    /// shows (a company's page needs no row per machine). With `totals` (or no parts), one span: the whole window.
    static func load(
        _ store: any HubStore, scope: CompanyScope, plant: String?, window: KPIWindow, parts: [KPIWindow] = [], now: Date,
        totals: Bool = false, finest: KPIQuery.Level = .machine
    ) async throws -> DashboardFigures {
        // Buckets whose hour begins in the window: a window starting mid-hour (a zone at a half-hour offset)
        // starts at the hour before it; so does each part.
        let from = MachineElements.bucketStart(of: window.start)
        let starts = totals ? [] : parts.map { MachineElements.bucketStart(of: $0.start) }
        let cuts = [from, window.end] + starts.filter { $0 > from && $0 < window.end }
        let snapshot = try await store.kpiRollupSpans(scope: scope, plant: plant, cuts: cuts, depth: KPIRollupDepth(finest))
        var companies = Set(snapshot.hours.map(\.machine.company) + snapshot.heads.map(\.machine.company))
        if let plant { companies.insert(PlantIdentity.company(of: plant)) }
        let kpiRecords = try await store.masters(kind: .kpi, key: nil, company: nil, scope: scope)
        let reasonRecords = try await store.masters(kind: .downtimeReason, key: nil, company: nil, scope: scope)
        let definitions = KPIQuery.definitions(kpiRecords, companies: companies)
        var reasons: [String: DowntimeReasons] = [:]
        for company in companies {
            reasons[company] = DowntimeReasons().overlaid(with: reasonRecords.filter { $0.company == nil || $0.company == company })
        }
        return DashboardFigures(snapshot: snapshot, reasons: reasons, shared: definitions.shared, byCompany: definitions.byCompany, now: now)
    }

    /// The nodes of `level` over `[from, to)`, of one line (and machine) when given.
    func nodes(_ level: KPIQuery.Level, from: Date, to: Date, line: String? = nil, machine: String? = nil) -> [KPINode] {
        KPIQuery(
            from: MachineElements.bucketStart(of: from), to: to, level: level, line: line, machine: machine, reasons: reasons,
            definitions: byCompany, shared: shared
        ).report(snapshot, now: now)
    }

    /// The panel of `node`; a node with no rows (nothing heard in the window) shows zero elements against the
    /// definitions of `company` (the shared ones for the group).
    func panel(_ node: KPINode?, company: String?, format: PageFormat) -> KPIPanel {
        guard let node else {
            let definitions = company.flatMap { byCompany[$0] } ?? shared
            return KPIPanel(
                elements: .zero, readings: definitions.filter(\.formula.isMachineFormula).map { $0.reading(KPIElements.zero) }, downtime: [],
                format: format)
        }
        return KPIPanel(
            elements: node.elements, readings: node.kpis,
            downtime: node.downtime.map { KPIPanel.ReasonTime(reason: $0.reason, seconds: $0.seconds, stops: $0.stops, failure: $0.failure) },
            format: format)
    }

    /// The OEE trend of the one node of `level` over `parts` (availability when OEE has no value in any part, as
    /// while rates are not governed), against the governed target when there is one.
    func trend(_ level: KPIQuery.Level, parts: [KPIWindow], line: String? = nil, machine: String? = nil, format: PageFormat) -> PageChart? {
        guard parts.count > 1 else { return nil }
        // A part ends where the next one's span begins (its hour, in a zone at a half-hour offset).
        let readings = parts.map { part in
            let end = part.end == parts.last?.end ? part.end : MachineElements.bucketStart(of: part.end)
            return nodes(level, from: part.start, to: end, line: line, machine: machine).first
        }
        for formula in [KPIFormula.oee, .availability] {
            var target: Double?
            var unit = "%"
            let points = zip(parts, readings).map { part, node -> SVGChart.Point in
                guard let node else { return SVGChart.Point(label: part.label, value: nil) }
                if let reading = node.kpis.first(where: { $0.formula == formula }) {
                    target = reading.target.map { NSDecimalNumber(decimal: $0).doubleValue }
                    unit = reading.unit
                    return SVGChart.Point(label: part.label, value: reading.value)
                }
                return SVGChart.Point(label: part.label, value: node.elements.value(formula).map { $0 * 100 })
            }
            guard points.contains(where: { $0.value != nil }) else { continue }
            let title = formula == .oee ? "OEE trend" : "Availability trend (OEE has no value in this window)"
            return PageChart(title: title, svg: SVGChart.trend(title, points: points, target: target, unit: unit, format: format))
        }
        return nil
    }
}
