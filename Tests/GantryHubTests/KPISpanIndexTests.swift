import Foundation
import GantryCore
import GantryTestSupport
@testable import GantryHub
import GRDB
import Testing

/// The pages' span reads on SQLite: a month of days across every plant, as a group page asks for it, is answered
/// from the span index alone, not by searching the table once per row through an index by day
/// (docs/dashboards.md, "Performance"). The plans are those of the statements `kpiRollupSpans` runs.
@Suite struct KPISpanIndexTests {
    @Test func aGroupPagesMonthIsReadFromTheSpanIndexesAlone() async throws {
        // January 2027 cut at every UTC day, for every company, summed per company: a group overview's month.
        let january = Date(timeIntervalSince1970: 1_798_761_600)
        let cuts = (0...31).map { january.addingTimeInterval(Double($0) * 86_400) }
        let statements = try #require(SQLiteHubStore.spanStatements(scope: .all, plant: nil, cuts: cuts, depth: .company))
        try await withTemporaryDirectory { dir in
            let store = try SQLiteHubStore(path: "\(dir)/hub.sqlite")
            // EXPLAIN QUERY PLAN's rows are (id, parent, notused, detail): the detail is the fourth column.
            func plan(_ sql: String) async throws -> [String] {
                try await store.pool.read { db in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN \(sql)", arguments: statements.arguments).map { $0[3] as String }
                }
            }
            let machine = try await plan(statements.machine), downtime = try await plan(statements.downtime)
            #expect(machine.contains("SEARCH kpi_machine_days USING COVERING INDEX kpi_machine_days_span (day>? AND day<?)"), "\(machine)")
            #expect(downtime.contains("SEARCH kpi_downtime_days USING COVERING INDEX kpi_downtime_days_span (day>? AND day<?)"), "\(downtime)")
            #expect(!(machine + downtime).contains { $0.contains("kpi_machine_hours") || $0.contains("kpi_downtime_hours") },
                    "whole days are not read from hour rows")
        }
    }
}
