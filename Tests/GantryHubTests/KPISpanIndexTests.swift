import Foundation
import GantryCore
import GantryTestSupport
@testable import GantryHub
import GRDB
import Testing

/// The pages' span reads on SQLite: a month of days across every plant, as a group page asks for it, is answered
/// from the line day rows' span index alone, and a machine's page from the machine day rows' span index, not by
/// searching the table once per row through an index by day (docs/dashboards.md, "Performance"). The plans are those
/// of the statements `kpiRollupSpans` runs.
@Suite struct KPISpanIndexTests {
    /// January 2027 cut at every UTC day.
    static let cuts = (0...31).map { Date(timeIntervalSince1970: 1_798_761_600).addingTimeInterval(Double($0) * 86_400) }

    /// The plans of the machine and the downtime statement of a month read down to `depth` for every company.
    func plans(_ depth: KPIRollupDepth) async throws -> (machine: [String], downtime: [String]) {
        let statements = try #require(SQLiteHubStore.spanStatements(scope: .all, plant: nil, cuts: Self.cuts, depth: depth))
        return try await withTemporaryDirectory { dir in
            let store = try SQLiteHubStore(path: "\(dir)/hub.sqlite")
            // EXPLAIN QUERY PLAN's rows are (id, parent, notused, detail): the detail is the fourth column.
            func plan(_ sql: String) async throws -> [String] {
                try await store.pool.read { db in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)", arguments: statements.arguments).map { $0[3] as String }
                }
            }
            return (try await plan(statements.machine), try await plan(statements.downtime))
        }
    }

    @Test func aGroupPagesMonthIsReadFromTheLineDaysSpanIndexesAlone() async throws {
        let (machine, downtime) = try await plans(.company)
        #expect(machine.contains("SEARCH kpi_line_days USING COVERING INDEX kpi_line_days_span (day>? AND day<?)"), "\(machine)")
        #expect(downtime.contains("SEARCH kpi_line_downtime_days USING COVERING INDEX kpi_line_downtime_days_span (day>? AND day<?)"),
                "\(downtime)")
        #expect(!(machine + downtime).contains { $0.contains("kpi_machine_") || $0.contains("kpi_downtime_") },
                "no machine row is read where no machine is kept apart")
    }

    @Test func aMachinePagesMonthIsReadFromTheMachineDaysSpanIndexesAlone() async throws {
        let (machine, downtime) = try await plans(.machine)
        #expect(machine.contains("SEARCH kpi_machine_days USING COVERING INDEX kpi_machine_days_span (day>? AND day<?)"), "\(machine)")
        #expect(downtime.contains("SEARCH kpi_downtime_days USING COVERING INDEX kpi_downtime_days_span (day>? AND day<?)"), "\(downtime)")
        #expect(!(machine + downtime).contains { $0.contains("kpi_machine_hours") || $0.contains("kpi_downtime_hours") },
                "whole days are not read from hour rows")
    }
}
