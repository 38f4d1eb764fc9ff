import Foundation
import GantryCore

/// The hub's KPI query over stored rollups (`GET /v1/kpis`): sums the hour rows of each node of the level asked
/// for, extends each machine's last known state to min(now, window end) as the machine-time report does, counts
/// failures and repair time with the company's governed downtime reasons, and reads each governed KPI, never by
/// averaging ratios. Pure: the route loads the rows and masters and hands them here.
struct KPIQuery {
    /// Which nodes the figures are given for.
    enum Level: String, Sendable, Codable, CaseIterable {
        case group, company, plant, line, machine
    }

    var from: Date
    var to: Date
    var level: Level
    /// Only this line's (and machine's) rows, when given; company and plant are filtered by the store.
    var line: String?
    var machine: String?
    /// Each company's downtime reasons (a reason not listed, or none, is a failure).
    var reasons: [String: DowntimeReasons]
    /// Each company's KPI definitions (its own over the shared ones); `shared` for the group node.
    var definitions: [String: [KPIDefinition]]
    var shared: [KPIDefinition]

    /// One node's figures.
    func report(_ snapshot: KPIRollupSnapshot, now: Date) -> [KPINode] {
        var machines: [KPIMachineKey: (elements: KPIElements, downtime: [String: KPIReasonTime])] = [:]
        func wanted(_ key: KPIMachineKey) -> Bool { (line == nil || key.line == line) && (machine == nil || key.machine == machine) }
        for row in snapshot.hours where wanted(row.machine) && row.hour >= from && row.hour < to {
            machines[row.machine, default: (.zero, [:])].elements += row.elements
        }
        for row in snapshot.downtime where wanted(row.machine) && row.hour >= from && row.hour < to {
            let failure = reasons[row.machine.company]?[row.reason.isEmpty ? nil : row.reason]?.failure ?? true
            machines[row.machine, default: (.zero, [:])].downtime[row.reason, default: KPIReasonTime(reason: row.reason, failure: failure)]
                .add(seconds: row.seconds, stops: row.stops)
        }
        // The last known state holds until now (never past it, nor past the window), as in the machine-time report.
        let end = min(to, now)
        for head in snapshot.heads where wanted(head.machine) {
            let start = max(head.through, from)
            guard start < end else { continue }
            let seconds = end.timeIntervalSince(start)
            machines[head.machine, default: (.zero, [:])].elements[head.state] += seconds
            if head.state == .down {
                let reason = head.reason ?? ""
                let failure = reasons[head.machine.company]?[head.reason]?.failure ?? true
                machines[head.machine, default: (.zero, [:])].downtime[reason, default: KPIReasonTime(reason: reason, failure: failure)]
                    .add(seconds: seconds, stops: 0)
            }
        }
        var nodes: [KPINodeKey: (elements: KPIElements, downtime: [String: KPIReasonTime])] = [:]
        for (key, figures) in machines {
            var elements = figures.elements
            for time in figures.downtime.values where time.failure {
                elements.failures += time.stops
                elements.repairTime += time.seconds
            }
            let node = KPINodeKey(key, level: level)
            nodes[node, default: (.zero, [:])].elements += elements
            for (reason, time) in figures.downtime {
                nodes[node, default: (.zero, [:])].downtime[reason, default: KPIReasonTime(reason: reason, failure: time.failure)]
                    .add(seconds: time.seconds, stops: time.stops)
            }
        }
        return nodes.keys.sorted().map { key in
            let figures = nodes[key]!
            let governing = (key.company.flatMap { definitions[$0] } ?? shared).filter(\.formula.isMachineFormula)
            return KPINode(
                company: key.company, plant: key.plant, line: key.line, machine: key.machine, elements: figures.elements,
                kpis: governing.map { $0.reading(figures.elements) }, waterfall: OEEWaterfall(figures.elements),
                downtime: figures.downtime.values.sorted { ($1.seconds, $0.reason) < ($0.seconds, $1.reason) })
        }
    }

    /// The definitions in force for each company: the shared ones, each replaced by the company's own of the same key.
    static func definitions(_ records: [MasterRecord], companies: Set<String>) -> (shared: [KPIDefinition], byCompany: [String: [KPIDefinition]]) {
        let all = records.compactMap(KPIDefinition.init)
        let shared = all.filter { $0.company == nil }.sorted { $0.key < $1.key }
        var byCompany: [String: [KPIDefinition]] = [:]
        for company in companies {
            var merged = Dictionary(shared.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
            for own in all where own.company == company { merged[own.key] = own }
            byCompany[company] = merged.values.sorted { $0.key < $1.key }
        }
        return (shared, byCompany)
    }
}

/// A node of the hierarchy at one level: the fields below the level are nil.
struct KPINodeKey: Hashable, Comparable {
    var company: String?
    var plant: String?
    var line: String?
    var machine: String?

    init(company: String?, plant: String?, line: String?, machine: String?) {
        self.company = company
        self.plant = plant
        self.line = line
        self.machine = machine
    }

    init(_ key: KPIMachineKey, level: KPIQuery.Level) {
        let depth = KPIQuery.Level.allCases.firstIndex(of: level)!
        company = depth >= 1 ? key.company : nil
        plant = depth >= 2 ? key.plant : nil
        line = depth >= 3 ? key.line : nil
        machine = depth >= 4 ? key.machine : nil
    }

    static func < (lhs: KPINodeKey, rhs: KPINodeKey) -> Bool {
        (lhs.company ?? "", lhs.plant ?? "", lhs.line ?? "", lhs.machine ?? "")
            < (rhs.company ?? "", rhs.plant ?? "", rhs.line ?? "", rhs.machine ?? "")
    }
}

/// Seconds down for one reason in a node's window, and the stretches that began in it.
public struct KPIReasonTime: Sendable, Equatable, Codable {
    /// The reason code; "" when the machine sent none.
    public var reason: String
    /// Whether the company's downtime reasons count it as a failure (an unknown or missing reason does).
    public var failure: Bool
    public var seconds: Double = 0
    public var stops: Int64 = 0

    mutating func add(seconds: Double, stops: Int64) {
        self.seconds += seconds
        self.stops += stops
    }
}

/// One node's figures over the window: its summed elements, each governed KPI, the OEE waterfall (nil while
/// some quantity has no planned rate, or without planned busy time), and downtime by reason, longest first.
public struct KPINode: Sendable, Equatable, Codable {
    public var company: String?
    public var plant: String?
    public var line: String?
    public var machine: String?
    public var elements: KPIElements
    public var kpis: [KPIReading]
    public var waterfall: OEEWaterfall?
    public var downtime: [KPIReasonTime]
}
