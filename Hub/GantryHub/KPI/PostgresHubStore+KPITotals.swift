import Foundation
import GantryCore
import PostgresNIO

extension PostgresHubStore {
    public func kpiRollupTotals(scope: CompanyScope, plant: String?, from: Date, to: Date) async throws -> KPIRollupSnapshot {
        let scoped = PostgresCompanyFilter(scope)
        let (days, hours) = KPIDayRollup.split(from: from, to: to)
        var binds = PostgresBindings()
        binds.append(plant)
        binds.append(scoped.everyCompany)
        binds.append(scoped.companies)
        let filter = "($1::text IS NULL OR plant_id = $1) AND ($2 OR company = ANY($3))"
        var machineParts: [String] = [], downtimeParts: [String] = []
        let times = "running_us, setup_us, idle_us, down_us, planned_stop_us, unknown_us"
        let counts = "good, scrap, rework, unrated"
        var next = 4
        func range(_ lower: Date, _ upper: Date) -> (String, String) {
            binds.append(lower)
            binds.append(upper)
            defer { next += 2 }
            return ("$\(next)", "$\(next + 1)")
        }
        for part in hours {
            let (lower, upper) = range(part.lowerBound, part.upperBound)
            machineParts.append("""
                SELECT company, plant_id, line, machine, \(times), planned_run_time::numeric AS planned, \(counts)
                FROM kpi_machine_hours WHERE hour >= \(lower) AND hour < \(upper) AND \(filter)
                """)
            downtimeParts.append("""
                SELECT company, plant_id, line, machine, reason, down_us, stops FROM kpi_downtime_hours
                WHERE hour >= \(lower) AND hour < \(upper) AND \(filter)
                """)
        }
        if let days {
            let (lower, upper) = range(days.lowerBound, days.upperBound)
            machineParts.append("""
                SELECT company, plant_id, line, machine, \(times), planned_run_time AS planned, \(counts)
                FROM kpi_machine_days WHERE day >= \(lower) AND day < \(upper) AND \(filter)
                """)
            downtimeParts.append("""
                SELECT company, plant_id, line, machine, reason, down_us, stops FROM kpi_downtime_days
                WHERE day >= \(lower) AND day < \(upper) AND \(filter)
                """)
        }
        guard !machineParts.isEmpty else { return KPIRollupSnapshot(hours: [], downtime: [], heads: []) }
        let machineSQL = """
            SELECT company, plant_id, line, machine,
                   ARRAY[sum(running_us), sum(setup_us), sum(idle_us), sum(down_us), sum(planned_stop_us), sum(unknown_us)]::bigint[],
                   sum(planned)::text, ARRAY[sum(good), sum(scrap), sum(rework), sum(unrated)]::bigint[]
            FROM (\(machineParts.joined(separator: " UNION ALL "))) AS parts
            GROUP BY company, plant_id, line, machine ORDER BY company, plant_id, line, machine
            """
        let downtimeSQL = """
            SELECT company, plant_id, line, machine, reason, sum(down_us)::bigint, sum(stops)::bigint
            FROM (\(downtimeParts.joined(separator: " UNION ALL "))) AS parts
            GROUP BY company, plant_id, line, machine, reason ORDER BY company, plant_id, line, machine, reason
            """
        let heads = try await kpiRollups(scope: scope, plant: plant, from: from, to: from).heads
        return try await run { [logger, binds] client in
            var snapshot = KPIRollupSnapshot(hours: [], downtime: [], heads: heads)
            for try await (company, plantID, line, machine, times, planned, quantities) in try await client.query(
                PostgresQuery(unsafeSQL: machineSQL, binds: binds), logger: logger
            ).decode((String, String, String, String, [Int64], String, [Int64]).self) {
                guard times.count == 6, quantities.count == 4 else { continue }
                snapshot.hours.append(KPIMachineHour(
                    machine: KPIMachineKey(company: company, plant: plantID, line: line, machine: machine), hour: from,
                    elements: KPIRollup.elements(
                        running: times[0], setup: times[1], idle: times[2], down: times[3], plannedStop: times[4], unknown: times[5],
                        plannedRunTime: planned, good: quantities[0], scrap: quantities[1], rework: quantities[2], unrated: quantities[3])))
            }
            for try await (company, plantID, line, machine, reason, down, stops) in try await client.query(
                PostgresQuery(unsafeSQL: downtimeSQL, binds: binds), logger: logger
            ).decode((String, String, String, String, String, Int64, Int64).self) {
                snapshot.downtime.append(KPIDowntimeHour(
                    machine: KPIMachineKey(company: company, plant: plantID, line: line, machine: machine), hour: from, reason: reason,
                    seconds: KPIRollup.seconds(down), stops: stops))
            }
            return snapshot
        }
    }
}
