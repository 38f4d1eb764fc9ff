import Foundation
import GantryCore
import GRDB

extension SQLiteHubStore {
    public func kpiRollupTotals(scope: CompanyScope, plant: String?, from: Date, to: Date) async throws -> KPIRollupSnapshot {
        try await pool.read { db in
            let scoped = SQLiteCompanyFilter(scope, column: "company")
            let filter = (plant == nil ? "" : " AND plant_id = ?") + scoped.and
            let filterArguments: StatementArguments = (plant.map { [$0] } ?? []) + scoped.arguments
            let (days, hours) = KPIDayRollup.split(from: from, to: to)
            var machineParts: [String] = [], downtimeParts: [String] = [], arguments: StatementArguments = []
            let times = "running_us, setup_us, idle_us, down_us, planned_stop_us, unknown_us"
            let counts = "good, scrap, rework, unrated"
            for range in hours {
                machineParts.append("""
                    SELECT company, plant_id, line, machine, \(times), CAST(planned_run_time AS REAL) AS planned, \(counts)
                    FROM kpi_machine_hours WHERE hour >= ? AND hour < ?\(filter)
                    """)
                downtimeParts.append("SELECT company, plant_id, line, machine, reason, down_us, stops FROM kpi_downtime_hours WHERE hour >= ? AND hour < ?\(filter)")
                arguments += [Timestamp.format(range.lowerBound), Timestamp.format(range.upperBound)] + filterArguments
            }
            if let days {
                machineParts.append("""
                    SELECT company, plant_id, line, machine, \(times), planned_run_time AS planned, \(counts)
                    FROM kpi_machine_days WHERE day >= ? AND day < ?\(filter)
                    """)
                downtimeParts.append("SELECT company, plant_id, line, machine, reason, down_us, stops FROM kpi_downtime_days WHERE day >= ? AND day < ?\(filter)")
                arguments += [Timestamp.format(days.lowerBound), Timestamp.format(days.upperBound)] + filterArguments
            }
            var snapshot = KPIRollupSnapshot(hours: [], downtime: [], heads: [])
            guard !machineParts.isEmpty else { return snapshot }
            for row in try TotalRow.fetchAll(db, sql: """
                SELECT company, plant_id, line, machine, sum(running_us) AS running_us, sum(setup_us) AS setup_us,
                       sum(idle_us) AS idle_us, sum(down_us) AS down_us, sum(planned_stop_us) AS planned_stop_us,
                       sum(unknown_us) AS unknown_us, sum(planned) AS planned, sum(good) AS good, sum(scrap) AS scrap,
                       sum(rework) AS rework, sum(unrated) AS unrated
                FROM (\(machineParts.joined(separator: " UNION ALL ")))
                GROUP BY company, plant_id, line, machine ORDER BY company, plant_id, line, machine
                """, arguments: arguments) {
                snapshot.hours.append(KPIMachineHour(
                    machine: KPIMachineKey(company: row.company, plant: row.plantID, line: row.line, machine: row.machine), hour: from,
                    elements: KPIRollup.elements(
                        running: row.running, setup: row.setup, idle: row.idle, down: row.down, plannedStop: row.plannedStop,
                        unknown: row.unknown, plannedRunTime: KPIDayRollup.plannedRunTime(row.planned).description, good: row.good,
                        scrap: row.scrap, rework: row.rework, unrated: row.unrated)))
            }
            for row in try DowntimeTotalRow.fetchAll(db, sql: """
                SELECT company, plant_id, line, machine, reason, sum(down_us) AS down_us, sum(stops) AS stops
                FROM (\(downtimeParts.joined(separator: " UNION ALL ")))
                GROUP BY company, plant_id, line, machine, reason ORDER BY company, plant_id, line, machine, reason
                """, arguments: arguments) {
                snapshot.downtime.append(KPIDowntimeHour(
                    machine: KPIMachineKey(company: row.company, plant: row.plantID, line: row.line, machine: row.machine), hour: from,
                    reason: row.reason, seconds: KPIRollup.seconds(row.down), stops: row.stops))
            }
            snapshot.heads = try kpiHeads(db, plant: plant, scope: scope)
            return snapshot
        }
    }
}

private struct TotalRow: Decodable, FetchableRecord {
    var company, plantID, line, machine: String
    var running, setup, idle, down, plannedStop, unknown, good, scrap, rework, unrated: Int64
    var planned: Double
    enum CodingKeys: String, CodingKey {
        case company, plantID = "plant_id", line, machine, planned
        case running = "running_us", setup = "setup_us", idle = "idle_us", down = "down_us", plannedStop = "planned_stop_us"
        case unknown = "unknown_us", good, scrap, rework, unrated
    }
}

private struct DowntimeTotalRow: Decodable, FetchableRecord {
    var company, plantID, line, machine, reason: String
    var down, stops: Int64
    enum CodingKeys: String, CodingKey { case company, plantID = "plant_id", line, machine, reason, down = "down_us", stops }
}
