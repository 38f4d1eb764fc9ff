import Foundation
import GantryCore
import GRDB

extension SQLiteHubStore {
    public func kpiMachineTimeline(plant: String, machine: MachineID, from: Date, through: Date) async throws -> MachineTimeline {
        try await pool.read { db in
            let facts = try SQLiteKPIRollupWriter(db: db, plant: plant).facts(machine, KPIRollup.Span(start: from, through: through))
            return facts.timeline
        }
    }

    public func kpiRollups(scope: CompanyScope, plant: String?, from: Date, to: Date) async throws -> KPIRollupSnapshot {
        try await pool.read { db in
            let scoped = SQLiteCompanyFilter(scope, column: "company")
            let plantFilter = plant == nil ? "" : " AND plant_id = ?"
            let plantArgument: StatementArguments = plant.map { [$0] } ?? []
            let window: StatementArguments = [Timestamp.format(from), Timestamp.format(to)]
            let hours = try HourRow.fetchAll(db, sql: """
                SELECT * FROM kpi_machine_hours WHERE hour >= ? AND hour < ?\(plantFilter)\(scoped.and)
                ORDER BY company, plant_id, line, machine, hour
                """, arguments: window + plantArgument + scoped.arguments)
            let downtime = try DowntimeRow.fetchAll(db, sql: """
                SELECT * FROM kpi_downtime_hours WHERE hour >= ? AND hour < ?\(plantFilter)\(scoped.and)
                ORDER BY company, plant_id, line, machine, hour, reason
                """, arguments: window + plantArgument + scoped.arguments)
            return KPIRollupSnapshot(
                hours: hours.compactMap(\.hour), downtime: downtime.compactMap(\.downtime), heads: try kpiHeads(db, plant: plant, scope: scope))
        }
    }

    /// The heads of the machines within `scope` (and of `plant`), sorted by machine.
    func kpiHeads(_ db: Database, plant: String?, scope: CompanyScope) throws -> [KPIMachineHead] {
        let scoped = SQLiteCompanyFilter(scope, column: "company")
        return try HeadRow.fetchAll(db, sql: """
            SELECT * FROM kpi_machine_heads WHERE 1 = 1\(plant == nil ? "" : " AND plant_id = ?")\(scoped.and)
            ORDER BY company, plant_id, line, machine
            """, arguments: (plant.map { [$0] } ?? []) + scoped.arguments).compactMap(\.head)
    }
}

private struct HourRow: Decodable, FetchableRecord {
    var company, plantID, line, machine, hourAt, plannedRunTime: String
    var running, setup, idle, down, plannedStop, unknown, good, scrap, rework, unrated: Int64
    enum CodingKeys: String, CodingKey {
        case company, plantID = "plant_id", line, machine, hourAt = "hour", plannedRunTime = "planned_run_time"
        case running = "running_us", setup = "setup_us", idle = "idle_us", down = "down_us", plannedStop = "planned_stop_us"
        case unknown = "unknown_us", good, scrap, rework, unrated
    }

    var hour: KPIMachineHour? {
        Timestamp.parse(hourAt).map {
            KPIMachineHour(
                machine: KPIMachineKey(company: company, plant: plantID, line: line, machine: machine), hour: $0,
                elements: KPIRollup.elements(
                    running: running, setup: setup, idle: idle, down: down, plannedStop: plannedStop, unknown: unknown,
                    plannedRunTime: plannedRunTime, good: good, scrap: scrap, rework: rework, unrated: unrated))
        }
    }
}

private struct DowntimeRow: Decodable, FetchableRecord {
    var company, plantID, line, machine, hour, reason: String
    var down, stops: Int64
    enum CodingKeys: String, CodingKey { case company, plantID = "plant_id", line, machine, hour, reason, down = "down_us", stops }

    var downtime: KPIDowntimeHour? {
        Timestamp.parse(hour).map {
            KPIDowntimeHour(
                machine: KPIMachineKey(company: company, plant: plantID, line: line, machine: machine), hour: $0, reason: reason,
                seconds: KPIRollup.seconds(down), stops: stops)
        }
    }
}

private struct HeadRow: Decodable, FetchableRecord {
    var company, plantID, line, machine, through, state: String
    var reason: String?
    enum CodingKeys: String, CodingKey { case company, plantID = "plant_id", line, machine, through = "through_at", state, reason }

    var head: KPIMachineHead? {
        guard let at = Timestamp.parse(through), let state = MachineState(rawValue: state) else { return nil }
        return KPIMachineHead(
            machine: KPIMachineKey(company: company, plant: plantID, line: line, machine: machine), through: at, state: state,
            reason: reason)
    }
}
