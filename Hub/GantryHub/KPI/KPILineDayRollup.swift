import Foundation

/// The line day rows (`kpi_line_days`, `kpi_line_downtime_days`; migration 21): a line's machine day rows summed
/// per UTC day, so a page that shows nothing finer than lines (the group, a company, a plant) reads a row per line
/// and day rather than one per machine and day (`KPIRollupSpans.Part.rows(at:)`). The writers sum a line's days
/// again from its machines' day rows, from the earliest day any of its machines rewrote, in the transaction that
/// rewrote them; the statements below are the same on both databases (`where` narrows them to the lines and days;
/// the migration runs them over everything).
enum KPILineDayRollup {
    static let machineColumns = """
        company, plant_id, line, day, running_us, setup_us, idle_us, down_us, planned_stop_us, unknown_us, planned_run_time,
        good, scrap, rework, unrated
        """

    static func machineDays(where condition: String) -> String {
        """
        INSERT INTO kpi_line_days (\(machineColumns))
        SELECT company, plant_id, line, day, sum(running_us), sum(setup_us), sum(idle_us), sum(down_us), sum(planned_stop_us),
               sum(unknown_us), sum(planned_run_time), sum(good), sum(scrap), sum(rework), sum(unrated)
        FROM kpi_machine_days WHERE \(condition) GROUP BY company, plant_id, line, day
        """
    }

    static func downtimeDays(where condition: String) -> String {
        """
        INSERT INTO kpi_line_downtime_days (company, plant_id, line, day, reason, down_us, stops)
        SELECT company, plant_id, line, day, reason, sum(down_us), sum(stops)
        FROM kpi_downtime_days WHERE \(condition) GROUP BY company, plant_id, line, day, reason
        """
    }

    /// Per line of `starts` (each machine's first rewritten instant), the UTC day its line rows are summed from:
    /// the earliest of its machines', in line order.
    static func lineDays(_ starts: [(line: String, start: Date)]) -> [(line: String, day: Date)] {
        var earliest: [String: Date] = [:]
        for (line, start) in starts { earliest[line] = min(earliest[line] ?? start, start) }
        return earliest.keys.sorted().map { ($0, KPIDayRollup.dayStart(of: earliest[$0]!)) }
    }
}
