import Foundation
import GantryTestSupport
@testable import GantryHub
import GRDB
import Testing

/// The pages' span reads on SQLite: a range of days across every plant is answered from the span index alone, in day
/// order, not by searching the table once per row through an index by day (docs/dashboards.md, "Performance").
@Suite struct KPISpanIndexTests {
    @Test(arguments: [
        ("kpi_machine_days", "running_us, setup_us, idle_us, down_us, planned_stop_us, unknown_us, planned_run_time, good, scrap, rework, unrated", "kpi_machine_days_span"),
        ("kpi_downtime_days", "reason, down_us, stops", "kpi_downtime_days_span"),
    ])
    func aRangeOfDaysIsReadFromTheSpanIndexAlone(table: String, columns: String, index: String) async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteHubStore(path: "\(dir)/hub.sqlite")
            // EXPLAIN QUERY PLAN's rows are (id, parent, notused, detail): the detail is the fourth column.
            let details = try await store.pool.read { db in
                try Row.fetchAll(db, sql: """
                    EXPLAIN QUERY PLAN SELECT company, plant_id, line, machine, day, \(columns) FROM \(table)
                    WHERE day >= ? AND day < ? AND company IN (?)
                    """, arguments: ["2026-01-01T00:00:00.000000Z", "2026-02-01T00:00:00.000000Z", "ACME"]
                ).map { $0[3] as String }
            }
            #expect(details == ["SEARCH \(table) USING COVERING INDEX \(index) (day>? AND day<?)"])
        }
    }
}
