import Foundation
import GantryCore

/// The day rows (`kpi_machine_days`, `kpi_downtime_days`): a machine's hour rows summed per UTC day. The writers
/// recompute a machine's days from the day holding the first rewritten hour, in the same transaction, with the
/// statements below (`where` narrows them to the machine and days; the migration runs them over everything).
/// A window is read as its whole UTC days from the day rows and its remaining hours from the hour rows (`split`).
enum KPIDayRollup {
    /// The UTC midnight at or before `instant`.
    static func dayStart(of instant: Date) -> Date {
        Date(timeIntervalSince1970: (instant.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
    }

    /// `[from, to)` as its whole UTC days (nil when it holds none) and the hour ranges around them.
    static func split(from: Date, to: Date) -> (days: Range<Date>?, hours: [Range<Date>]) {
        let first = dayStart(of: from) == from ? from : dayStart(of: from).addingTimeInterval(86_400)
        let last = dayStart(of: to)
        guard first < last else { return (nil, from < to ? [from..<to] : []) }
        return (first..<last, [from..<first, last..<to].filter { !$0.isEmpty })
    }

    private static let sums = """
        sum(running_us), sum(setup_us), sum(idle_us), sum(down_us), sum(planned_stop_us), sum(unknown_us)
        """
    private static let quantities = "sum(good), sum(scrap), sum(rework), sum(unrated)"
    private static let machineColumns = """
        company, plant_id, line, machine, day, running_us, setup_us, idle_us, down_us, planned_stop_us, unknown_us,
        planned_run_time, good, scrap, rework, unrated
        """

    static func sqliteMachineDays(where condition: String) -> String {
        """
        INSERT INTO kpi_machine_days (\(machineColumns))
        SELECT company, plant_id, line, machine, substr(hour, 1, 10) || 'T00:00:00.000000Z', \(sums),
               sum(CAST(planned_run_time AS REAL)), \(quantities)
        FROM kpi_machine_hours WHERE \(condition) GROUP BY company, plant_id, line, machine, substr(hour, 1, 10)
        """
    }

    static func sqliteDowntimeDays(where condition: String) -> String {
        """
        INSERT INTO kpi_downtime_days (company, plant_id, line, machine, day, reason, down_us, stops)
        SELECT company, plant_id, line, machine, substr(hour, 1, 10) || 'T00:00:00.000000Z', reason, sum(down_us), sum(stops)
        FROM kpi_downtime_hours WHERE \(condition) GROUP BY company, plant_id, line, machine, substr(hour, 1, 10), reason
        """
    }

    static func postgresMachineDays(where condition: String) -> String {
        """
        INSERT INTO kpi_machine_days (\(machineColumns))
        SELECT company, plant_id, line, machine, date_trunc('day', hour, 'UTC'), \(sums),
               sum(planned_run_time::numeric), \(quantities)
        FROM kpi_machine_hours WHERE \(condition) GROUP BY company, plant_id, line, machine, date_trunc('day', hour, 'UTC')
        """
    }

    static func postgresDowntimeDays(where condition: String) -> String {
        """
        INSERT INTO kpi_downtime_days (company, plant_id, line, machine, day, reason, down_us, stops)
        SELECT company, plant_id, line, machine, date_trunc('day', hour, 'UTC'), reason, sum(down_us), sum(stops)
        FROM kpi_downtime_hours WHERE \(condition) GROUP BY company, plant_id, line, machine, date_trunc('day', hour, 'UTC'), reason
        """
    }

    /// Planned run time summed by SQLite in binary floating point, as an exact decimal to the microsecond.
    static func plannedRunTime(_ seconds: Double) -> Decimal {
        Decimal(string: String(format: "%.6f", seconds), locale: Locale(identifier: "en_US_POSIX")) ?? 0
    }
}
