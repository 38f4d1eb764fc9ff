import Foundation
import GantryCore

/// The month rows (`kpi_machine_months`, `kpi_downtime_months`): a machine's day rows summed per UTC month. The
/// writers sum a machine's months again from the month holding the first rewritten day, in the same transaction
/// as the days, with the statements below (`where` narrows them to the machine and days; the migration runs them
/// over everything). A window is read as its whole UTC months from the month rows, its remaining whole days from
/// the day rows and its remaining hours from the hour rows (`levels`).
enum KPIMonthRollup {
    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The first instant of the UTC month holding `instant`.
    static func monthStart(of instant: Date) -> Date {
        utc.dateInterval(of: .month, for: instant)?.start ?? KPIDayRollup.dayStart(of: instant)
    }

    /// The first instant of the UTC month after the one holding `instant`.
    static func nextMonth(after instant: Date) -> Date {
        utc.dateInterval(of: .month, for: instant)?.end ?? KPIDayRollup.dayStart(of: instant).addingTimeInterval(86_400)
    }

    /// `[from, to)` as its whole UTC months (nil when it holds none), the whole UTC days around them and the hour
    /// ranges around those: together exactly `[from, to)`, each piece read from its own rows.
    static func levels(from: Date, to: Date) -> (months: Range<Date>?, days: [Range<Date>], hours: [Range<Date>]) {
        let (days, hours) = KPIDayRollup.split(from: from, to: to)
        guard let days else { return (nil, [], hours) }
        let first = monthStart(of: days.lowerBound) == days.lowerBound ? days.lowerBound : nextMonth(after: days.lowerBound)
        let last = monthStart(of: days.upperBound)
        guard first < last else { return (nil, [days], hours) }
        return (first..<last, [days.lowerBound..<first, last..<days.upperBound].filter { !$0.isEmpty }, hours)
    }

    private static let sums = """
        sum(running_us), sum(setup_us), sum(idle_us), sum(down_us), sum(planned_stop_us), sum(unknown_us), sum(planned_run_time),
        sum(good), sum(scrap), sum(rework), sum(unrated)
        """
    private static let machineColumns = """
        company, plant_id, line, machine, month, running_us, setup_us, idle_us, down_us, planned_stop_us, unknown_us,
        planned_run_time, good, scrap, rework, unrated
        """
    private static let sqliteMonth = "substr(day, 1, 7) || '-01T00:00:00.000000Z'"
    private static let postgresMonth = "date_trunc('month', day, 'UTC')"

    static func sqliteMachineMonths(where condition: String) -> String {
        """
        INSERT INTO kpi_machine_months (\(machineColumns))
        SELECT company, plant_id, line, machine, \(sqliteMonth), \(sums)
        FROM kpi_machine_days WHERE \(condition) GROUP BY company, plant_id, line, machine, \(sqliteMonth)
        """
    }

    static func sqliteDowntimeMonths(where condition: String) -> String {
        """
        INSERT INTO kpi_downtime_months (company, plant_id, line, machine, month, reason, down_us, stops)
        SELECT company, plant_id, line, machine, \(sqliteMonth), reason, sum(down_us), sum(stops)
        FROM kpi_downtime_days WHERE \(condition) GROUP BY company, plant_id, line, machine, \(sqliteMonth), reason
        """
    }

    static func postgresMachineMonths(where condition: String) -> String {
        """
        INSERT INTO kpi_machine_months (\(machineColumns))
        SELECT company, plant_id, line, machine, \(postgresMonth), \(sums)
        FROM kpi_machine_days WHERE \(condition) GROUP BY company, plant_id, line, machine, \(postgresMonth)
        """
    }

    static func postgresDowntimeMonths(where condition: String) -> String {
        """
        INSERT INTO kpi_downtime_months (company, plant_id, line, machine, month, reason, down_us, stops)
        SELECT company, plant_id, line, machine, \(postgresMonth), reason, sum(down_us), sum(stops)
        FROM kpi_downtime_days WHERE \(condition) GROUP BY company, plant_id, line, machine, \(postgresMonth), reason
        """
    }
}
