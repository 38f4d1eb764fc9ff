import Foundation
import GantryCore
import PostgresNIO

extension PostgresHubStore {
    public func kpiRollupTotals(scope: CompanyScope, plant: String?, from: Date, to: Date) async throws -> KPIRollupSnapshot {
        try await kpiRollupSpans(scope: scope, plant: plant, cuts: [from, to], depth: .machine)
    }

    public func kpiRollupSpans(scope: CompanyScope, plant: String?, cuts: [Date], depth: KPIRollupDepth) async throws -> KPIRollupSnapshot {
        let scoped = PostgresCompanyFilter(scope)
        var binds = PostgresBindings()
        binds.append(plant)
        binds.append(scoped.everyCompany)
        binds.append(scoped.companies)
        let filter = "($1::text IS NULL OR plant_id = $1) AND ($2 OR company = ANY($3))"
        var machineParts: [String] = [], downtimeParts: [String] = []
        let times = "running_us, setup_us, idle_us, down_us, planned_stop_us, unknown_us"
        let counts = "good, scrap, rework, unrated"
        var next = 4
        for part in KPIRollupSpans(cuts: cuts).parts {
            // A row that is its own span carries its own start.
            var stamp = part.rows.column
            if !part.ownStamp {
                binds.append(part.stamp)
                stamp = "$\(next)::timestamptz"
                next += 1
            }
            binds.append(part.range.lowerBound)
            binds.append(part.range.upperBound)
            let (lower, upper) = ("$\(next)", "$\(next + 1)")
            next += 2
            let rows = part.rows(at: depth), planned = rows == .hours ? "planned_run_time::numeric" : "planned_run_time"
            machineParts.append("""
                SELECT \(rows.keyColumns), \(stamp) AS stamp, \(times), \(planned) AS planned, \(counts)
                FROM \(rows.machineTable) WHERE \(rows.column) >= \(lower) AND \(rows.column) < \(upper) AND \(filter)
                """)
            downtimeParts.append("""
                SELECT \(rows.keyColumns), \(stamp) AS stamp, reason, down_us, stops
                FROM \(rows.downtimeTable) WHERE \(rows.column) >= \(lower) AND \(rows.column) < \(upper) AND \(filter)
                """)
        }
        let machineSQL = """
            SELECT \(depth.keyColumns), stamp,
                   ARRAY[sum(running_us), sum(setup_us), sum(idle_us), sum(down_us), sum(planned_stop_us), sum(unknown_us)]::bigint[],
                   sum(planned)::text, ARRAY[sum(good), sum(scrap), sum(rework), sum(unrated)]::bigint[]
            FROM (\(machineParts.joined(separator: " UNION ALL "))) AS parts
            GROUP BY \(depth.groupColumns), stamp ORDER BY \(depth.groupColumns), stamp
            """
        let downtimeSQL = """
            SELECT \(depth.keyColumns), stamp, reason, sum(down_us)::bigint, sum(stops)::bigint
            FROM (\(downtimeParts.joined(separator: " UNION ALL "))) AS parts
            GROUP BY \(depth.groupColumns), stamp, reason ORDER BY \(depth.groupColumns), stamp, reason
            """
        let from = cuts.min() ?? Date(timeIntervalSince1970: 0)
        let heads = try await kpiRollups(scope: scope, plant: plant, from: from, to: from).heads
        guard !machineParts.isEmpty else { return KPIRollupSnapshot(hours: [], downtime: [], heads: heads) }
        return try await run { [logger, binds] client in
            var snapshot = KPIRollupSnapshot(hours: [], downtime: [], heads: heads)
            for try await (company, plantID, line, machine, stamp, times, planned, quantities) in try await client.query(
                PostgresQuery(unsafeSQL: machineSQL, binds: binds), logger: logger
            ).decode((String, String, String, String, Date, [Int64], String, [Int64]).self) {
                guard times.count == 6, quantities.count == 4 else { continue }
                snapshot.hours.append(KPIMachineHour(
                    machine: KPIMachineKey(company: company, plant: plantID, line: line, machine: machine), hour: stamp,
                    elements: KPIRollup.elements(
                        running: times[0], setup: times[1], idle: times[2], down: times[3], plannedStop: times[4], unknown: times[5],
                        plannedRunTime: planned, good: quantities[0], scrap: quantities[1], rework: quantities[2], unrated: quantities[3])))
            }
            for try await (company, plantID, line, machine, stamp, reason, down, stops) in try await client.query(
                PostgresQuery(unsafeSQL: downtimeSQL, binds: binds), logger: logger
            ).decode((String, String, String, String, Date, String, Int64, Int64).self) {
                snapshot.downtime.append(KPIDowntimeHour(
                    machine: KPIMachineKey(company: company, plant: plantID, line: line, machine: machine), hour: stamp, reason: reason,
                    seconds: KPIRollup.seconds(down), stops: stops))
            }
            return snapshot
        }
    }
}
