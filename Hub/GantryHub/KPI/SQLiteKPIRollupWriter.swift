import Foundation
import GantryCore
import GRDB

/// Recomputes a plant's KPI rollups on SQLite inside the transaction that applied its events (see `KPIRollup`).
struct SQLiteKPIRollupWriter {
    let db: Database
    let plant: String
    /// Whether the day and month rows are kept too: not while migration 13 backfills the hours, before their tables
    /// exist (migrations 15 and 17 sum them then).
    var keepsDays = true

    /// Recomputes the hours `changes` reach.
    func apply(_ changes: KPIRollup.Changes) throws {
        guard !changes.isEmpty,
              let company = try String.fetchOne(db, sql: "SELECT company FROM plants WHERE plant_id = ?", arguments: [plant])
        else { return }
        var heads: [MachineID: Date] = [:]
        for head in try HeadRow.fetchAll(db, sql: "SELECT line, machine, through_at FROM kpi_machine_heads WHERE plant_id = ?", arguments: [plant]) {
            if let at = Timestamp.parse(head.throughAt) { heads[MachineID(line: head.line, machine: head.machine)] = at }
        }
        var starts: [(line: String, start: Date)] = []
        for (machine, span) in changes.targets(heads: heads) {
            let key = KPIMachineKey(company: company, plant: plant, line: machine.line, machine: machine.machine)
            try write(KPIRollup.recompute(try facts(machine, span), machine: key, start: span.start, through: span.through), from: span.start)
            starts.append((machine.line, span.start))
        }
        guard keepsDays else { return }
        // Each line's days from the earliest its machines rewrote, summed again from their day rows.
        for (line, day) in KPILineDayRollup.lineDays(starts) {
            let arguments: StatementArguments = [plant, line, Timestamp.format(day)]
            for table in ["kpi_line_days", "kpi_line_downtime_days"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE plant_id = ? AND line = ? AND day >= ?", arguments: arguments)
            }
            let lineDays = "plant_id = ? AND line = ? AND day >= ?"
            try db.execute(sql: KPILineDayRollup.machineDays(where: lineDays), arguments: arguments)
            try db.execute(sql: KPILineDayRollup.downtimeDays(where: lineDays), arguments: arguments)
        }
    }

    /// Every machine fact already stored, rolled up plant by plant (the migration's backfill).
    static func backfill(_ db: Database) throws {
        for plant in try String.fetchAll(db, sql: "SELECT plant_id FROM plants ORDER BY plant_id") {
            var changes = KPIRollup.Changes()
            for range in try RangeRow.fetchAll(db, sql: """
                SELECT line, machine, min(at) AS first, max(at) AS last FROM (
                    SELECT line, machine, at FROM machine_states WHERE plant_id = ?
                    UNION ALL SELECT line, machine, at FROM machine_counts WHERE plant_id = ?)
                GROUP BY line, machine
                """, arguments: [plant, plant]) {
                guard let first = Timestamp.parse(range.first), let last = Timestamp.parse(range.last) else { continue }
                changes.machines[MachineID(line: range.line, machine: range.machine)] = first...last
            }
            for at in try String.fetchAll(db, sql: "SELECT at FROM machine_signal_gaps WHERE plant_id = ?", arguments: [plant]) {
                if let at = Timestamp.parse(at) { changes.gaps = KPIRollup.Changes.widen(changes.gaps, at) }
            }
            try SQLiteKPIRollupWriter(db: db, plant: plant, keepsDays: false).apply(changes)
        }
    }

    /// The machine's state changes, its plant's lost signals and its counts within the span, and the last change
    /// and lost signal before it.
    func facts(_ machine: MachineID, _ span: KPIRollup.Span) throws -> KPIRollup.Facts {
        let start = Timestamp.format(span.start), through = Timestamp.format(span.through)
        let changes = try StateRow.fetchAll(db, sql: """
            SELECT at, state, reason FROM machine_states WHERE plant_id = ? AND line = ? AND machine = ? AND at >= ? AND at <= ?
            UNION ALL
            SELECT * FROM (SELECT at, state, reason FROM machine_states WHERE plant_id = ? AND line = ? AND machine = ? AND at < ?
                           ORDER BY at DESC LIMIT 1)
            """, arguments: [plant, machine.line, machine.machine, start, through, plant, machine.line, machine.machine, start]
        ).compactMap { row -> MachineTimeline.Change? in
            guard let at = Timestamp.parse(row.at), let state = MachineState(rawValue: row.state) else { return nil }
            return MachineTimeline.Change(at: at, state: state, reason: row.reason)
        }
        let gaps = try String.fetchAll(db, sql: """
            SELECT at FROM machine_signal_gaps WHERE plant_id = ? AND at >= ? AND at <= ?
            UNION ALL
            SELECT * FROM (SELECT at FROM machine_signal_gaps WHERE plant_id = ? AND at < ? ORDER BY at DESC LIMIT 1)
            """, arguments: [plant, start, through, plant, start]).compactMap(Timestamp.parse)
        let rates = try self.rates(machine)
        let counts = try CountRow.fetchAll(db, sql: """
            SELECT at, good, scrap FROM machine_counts WHERE plant_id = ? AND line = ? AND machine = ? AND at >= ? AND at <= ?
            """, arguments: [plant, machine.line, machine.machine, start, through]
        ).compactMap { row -> KPICount? in
            // Stored counts name no item: each is rated at the machine's own rate (or stays unrated without one).
            Timestamp.parse(row.at).map {
                rates.rated(KPICount(at: $0, good: Quantity(row.good), scrap: Quantity(row.scrap)), plant: plant, machine: machine)
            }
        }
        return KPIRollup.Facts(changes: changes, gaps: gaps, counts: counts)
    }

    /// The machine's `machine-rate` master as the hub holds it now.
    private func rates(_ machine: MachineID) throws -> MachineRates {
        let row = try RateRow.fetchOne(
            db, sql: "SELECT data, active FROM masters WHERE kind = ? AND company = ? AND key = ?",
            arguments: [MasterKind.machineRate.rawValue, PlantIdentity.company(of: plant), MachineRateMaster.key(plant: plant, machine: machine)])
        return KPIRollup.rates(plant: plant, machine: machine, data: row?.data, active: row?.active ?? false)
    }

    private func write(_ rows: KPIRollup.Rows, from start: Date) throws {
        let key = rows.head.machine, hour = Timestamp.format(start)
        for table in ["kpi_machine_hours", "kpi_downtime_hours"] {
            try db.execute(
                sql: "DELETE FROM \(table) WHERE plant_id = ? AND line = ? AND machine = ? AND hour >= ?",
                arguments: [key.plant, key.line, key.machine, hour])
        }
        let insertHour = try db.cachedStatement(sql: """
            INSERT INTO kpi_machine_hours (company, plant_id, line, machine, hour, running_us, setup_us, idle_us, down_us,
                                           planned_stop_us, unknown_us, planned_run_time, good, scrap, rework, unrated)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for row in rows.hours {
            let e = row.elements
            try insertHour.execute(arguments: [
                key.company, key.plant, key.line, key.machine, Timestamp.format(row.hour),
                KPIRollup.micros(e.actualProductionTime), KPIRollup.micros(e.setupTime), KPIRollup.micros(e.delayTime),
                KPIRollup.micros(e.downTime), KPIRollup.micros(e.plannedStopTime), KPIRollup.micros(e.unknownTime),
                e.plannedRunTime.description, e.good.micro, e.scrap.micro, e.rework.micro, e.unratedQuantity.micro,
            ])
        }
        let insertDowntime = try db.cachedStatement(sql: """
            INSERT INTO kpi_downtime_hours (company, plant_id, line, machine, hour, reason, down_us, stops)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for row in rows.downtime {
            try insertDowntime.execute(arguments: [
                key.company, key.plant, key.line, key.machine, Timestamp.format(row.hour), row.reason,
                KPIRollup.micros(row.seconds), row.stops,
            ])
        }
        try db.execute(sql: """
            INSERT INTO kpi_machine_heads (company, plant_id, line, machine, through_at, state, reason) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (plant_id, line, machine) DO UPDATE SET company = excluded.company, through_at = excluded.through_at,
                state = excluded.state, reason = excluded.reason
            """, arguments: [
                key.company, key.plant, key.line, key.machine, Timestamp.format(rows.head.through), rows.head.state.rawValue,
                rows.head.reason,
            ])
        // The days from the one holding the first rewritten hour, summed again from the hours.
        guard keepsDays else { return }
        let day: StatementArguments = [key.plant, key.line, key.machine, Timestamp.format(KPIDayRollup.dayStart(of: start))]
        for table in ["kpi_machine_days", "kpi_downtime_days"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE plant_id = ? AND line = ? AND machine = ? AND day >= ?", arguments: day)
        }
        let machineHours = "plant_id = ? AND line = ? AND machine = ? AND hour >= ?"
        try db.execute(sql: KPIDayRollup.sqliteMachineDays(where: machineHours), arguments: day)
        try db.execute(sql: KPIDayRollup.sqliteDowntimeDays(where: machineHours), arguments: day)
        // The months from the one holding that day, summed again from the days.
        let month: StatementArguments = [key.plant, key.line, key.machine, Timestamp.format(KPIMonthRollup.monthStart(of: start))]
        for table in ["kpi_machine_months", "kpi_downtime_months"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE plant_id = ? AND line = ? AND machine = ? AND month >= ?", arguments: month)
        }
        let machineDays = "plant_id = ? AND line = ? AND machine = ? AND day >= ?"
        try db.execute(sql: KPIMonthRollup.sqliteMachineMonths(where: machineDays), arguments: month)
        try db.execute(sql: KPIMonthRollup.sqliteDowntimeMonths(where: machineDays), arguments: month)
    }

    private struct HeadRow: Decodable, FetchableRecord {
        var line: String
        var machine: String
        var throughAt: String
        enum CodingKeys: String, CodingKey { case line, machine, throughAt = "through_at" }
    }

    private struct RangeRow: Decodable, FetchableRecord {
        var line: String
        var machine: String
        var first: String
        var last: String
    }

    private struct StateRow: Decodable, FetchableRecord {
        var at: String
        var state: String
        var reason: String?
    }

    private struct RateRow: Decodable, FetchableRecord {
        var data: String
        var active: Bool
    }

    private struct CountRow: Decodable, FetchableRecord {
        var at: String
        var good: Int64
        var scrap: Int64
    }
}
