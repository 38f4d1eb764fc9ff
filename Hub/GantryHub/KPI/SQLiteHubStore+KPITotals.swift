import Foundation
import GantryCore
import GRDB

extension SQLiteHubStore {
    public func kpiRollupTotals(scope: CompanyScope, plant: String?, from: Date, to: Date) async throws -> KPIRollupSnapshot {
        try await kpiRollupSpans(scope: scope, plant: plant, cuts: [from, to], depth: .machine)
    }

    public func kpiRollupSpans(scope: CompanyScope, plant: String?, cuts: [Date], depth: KPIRollupDepth) async throws -> KPIRollupSnapshot {
        try await pool.read { db in
            var snapshot = KPIRollupSnapshot(hours: [], downtime: [], heads: try kpiHeads(db, plant: plant, scope: scope))
            guard let statements = Self.spanStatements(scope: scope, plant: plant, cuts: cuts, depth: depth) else { return snapshot }
            // Columns by position, in the order the statements select them (a page reads these on every view).
            let machineRows = try Row.fetchCursor(db, sql: statements.machine, arguments: statements.arguments)
            while let row = try machineRows.next() {
                guard let stamp = Timestamp.parse(row[4] as String) else { continue }
                snapshot.hours.append(KPIMachineHour(
                    machine: Self.machineKey(row), hour: stamp,
                    elements: KPIRollup.elements(
                        running: row[5], setup: row[6], idle: row[7], down: row[8], plannedStop: row[9], unknown: row[10],
                        plannedRunTime: KPIDayRollup.plannedRunTime(row[11]).description, good: row[12], scrap: row[13],
                        rework: row[14], unrated: row[15])))
            }
            let downtimeRows = try Row.fetchCursor(db, sql: statements.downtime, arguments: statements.arguments)
            while let row = try downtimeRows.next() {
                guard let stamp = Timestamp.parse(row[4] as String) else { continue }
                snapshot.downtime.append(KPIDowntimeHour(
                    machine: Self.machineKey(row), hour: stamp, reason: row[5], seconds: KPIRollup.seconds(row[6]), stops: row[7]))
            }
            return snapshot
        }
    }

    /// The machine of a row whose first four columns are company, plant, line and machine.
    private static func machineKey(_ row: Row) -> KPIMachineKey {
        KPIMachineKey(company: row[0], plant: row[1], line: row[2], machine: row[3])
    }

    /// The two statements `kpiRollupSpans` runs (the machines' sums, the downtime sums) and their shared arguments;
    /// nil when the cuts make no span.
    static func spanStatements(
        scope: CompanyScope, plant: String?, cuts: [Date], depth: KPIRollupDepth
    ) -> (machine: String, downtime: String, arguments: StatementArguments)? {
        let scoped = SQLiteCompanyFilter(scope, column: "company")
        let filter = (plant == nil ? "" : " AND plant_id = ?") + scoped.and
        let filterArguments: StatementArguments = (plant.map { [$0] } ?? []) + scoped.arguments
        var machineParts: [String] = [], downtimeParts: [String] = [], arguments: StatementArguments = []
        let times = "running_us, setup_us, idle_us, down_us, planned_stop_us, unknown_us"
        let counts = "good, scrap, rework, unrated"
        for part in KPIRollupSpans(cuts: cuts).parts {
            let rows = part.rows(at: depth), planned = rows == .hours ? "CAST(planned_run_time AS REAL)" : "planned_run_time"
            // A row that is its own span carries its own start (stored as `Timestamp.format` writes it).
            let stamp = part.ownStamp ? rows.column : "?"
            machineParts.append("""
                SELECT \(rows.keyColumns), \(stamp) AS stamp, \(times), \(planned) AS planned, \(counts)
                FROM \(rows.machineTable) WHERE \(rows.column) >= ? AND \(rows.column) < ?\(filter)
                """)
            downtimeParts.append("""
                SELECT \(rows.keyColumns), \(stamp) AS stamp, reason, down_us, stops
                FROM \(rows.downtimeTable) WHERE \(rows.column) >= ? AND \(rows.column) < ?\(filter)
                """)
            if !part.ownStamp { arguments += [Timestamp.format(part.stamp)] }
            arguments += [Timestamp.format(part.range.lowerBound), Timestamp.format(part.range.upperBound)]
            arguments += filterArguments
        }
        guard !machineParts.isEmpty else { return nil }
        let machine = """
            SELECT \(depth.keyColumns), stamp, sum(running_us) AS running_us, sum(setup_us) AS setup_us,
                   sum(idle_us) AS idle_us, sum(down_us) AS down_us, sum(planned_stop_us) AS planned_stop_us,
                   sum(unknown_us) AS unknown_us, sum(planned) AS planned, sum(good) AS good, sum(scrap) AS scrap,
                   sum(rework) AS rework, sum(unrated) AS unrated
            FROM (\(machineParts.joined(separator: " UNION ALL ")))
            GROUP BY \(depth.groupColumns), stamp ORDER BY \(depth.groupColumns), stamp
            """
        let downtime = """
            SELECT \(depth.keyColumns), stamp, reason, sum(down_us) AS down_us, sum(stops) AS stops
            FROM (\(downtimeParts.joined(separator: " UNION ALL ")))
            GROUP BY \(depth.groupColumns), stamp, reason ORDER BY \(depth.groupColumns), stamp, reason
            """
        return (machine, downtime, arguments)
    }
}
