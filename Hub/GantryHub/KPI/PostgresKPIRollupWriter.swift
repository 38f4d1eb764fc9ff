import Foundation
import GantryCore
import PostgresNIO

/// Recomputes a plant's KPI rollups on PostgreSQL inside the transaction that applied its events (see `KPIRollup`).
struct PostgresKPIRollupWriter {
    let connection: PostgresConnection
    let plant: String
    let logger: Logger
    /// Whether the day and month rows are kept too: not while migration 13 backfills the hours, before their tables
    /// exist (migrations 15 and 17 sum them then).
    var keepsDays = true

    /// Recomputes the hours `changes` reach: every machine of the batch in the same few statements (reads of the
    /// facts, then a delete and an insert per rollup table), whatever the number of machines, since a plant's catch-up
    /// applies thousands of batches each touching most of its machines.
    func apply(_ changes: KPIRollup.Changes) async throws {
        guard !changes.isEmpty else { return }
        var company: String?
        for try await code in try await connection.query(
            "SELECT company FROM plants WHERE plant_id = \(plant)", logger: logger
        ).decode(String.self) {
            company = code
        }
        guard let company else { return }
        var heads: [MachineID: Date] = [:]
        for try await (line, machine, through) in try await connection.query(
            "SELECT line, machine, through_at FROM kpi_machine_heads WHERE plant_id = \(plant)", logger: logger
        ).decode((String, String, Date).self) {
            heads[MachineID(line: line, machine: machine)] = through
        }
        let targets = changes.targets(heads: heads).sorted { ($0.key.line, $0.key.machine) < ($1.key.line, $1.key.machine) }
        guard !targets.isEmpty else { return }
        let facts = try await self.facts(targets)
        let rows = targets.map { machine, span in
            let key = KPIMachineKey(company: company, plant: plant, line: machine.line, machine: machine.machine)
            return KPIRollup.recompute(facts[machine] ?? KPIRollup.Facts(changes: [], gaps: [], counts: []), machine: key,
                                       start: span.start, through: span.through)
        }
        try await write(rows, from: targets.map(\.value.start), company: company)
    }

    /// Every machine fact already stored, rolled up plant by plant (the migration's backfill).
    static func backfill(_ connection: PostgresConnection, logger: Logger) async throws {
        var plants: [String] = []
        for try await plant in try await connection.query("SELECT plant_id FROM plants ORDER BY plant_id", logger: logger)
            .decode(String.self) {
            plants.append(plant)
        }
        for plant in plants {
            var changes = KPIRollup.Changes()
            for try await (line, machine, first, last) in try await connection.query("""
                SELECT line, machine, min(at), max(at) FROM (
                    SELECT line, machine, at FROM machine_states WHERE plant_id = \(plant)
                    UNION ALL SELECT line, machine, at FROM machine_counts WHERE plant_id = \(plant)) AS facts
                GROUP BY line, machine
                """, logger: logger).decode((String, String, Date, Date).self) {
                changes.machines[MachineID(line: line, machine: machine)] = first...last
            }
            for try await (first, last) in try await connection.query("""
                SELECT min(at), max(at) FROM machine_signal_gaps WHERE plant_id = \(plant) HAVING count(*) > 0
                """, logger: logger).decode((Date, Date).self) {
                changes.gaps = first...last
            }
            try await PostgresKPIRollupWriter(connection: connection, plant: plant, logger: logger, keepsDays: false).apply(changes)
        }
    }

    /// The machine's state changes, its plant's lost signals and its counts within the span, and the last change
    /// and lost signal before it.
    func facts(_ machine: MachineID, _ span: KPIRollup.Span) async throws -> KPIRollup.Facts {
        try await facts([(machine, span)])[machine] ?? KPIRollup.Facts(changes: [], gaps: [], counts: [])
    }

    /// The facts of each machine within its span, read for all of them at once: one statement for the state
    /// changes, one for the plant's lost signals, one for the rates and one for the counts.
    func facts(_ targets: [(key: MachineID, value: KPIRollup.Span)]) async throws -> [MachineID: KPIRollup.Facts] {
        guard let first = targets.first else { return [:] }
        let lines = targets.map(\.key.line), machines = targets.map(\.key.machine)
        let starts = targets.map(\.value.start), throughs = targets.map(\.value.through)
        var facts: [MachineID: KPIRollup.Facts] = [:]
        for (machine, _) in targets { facts[machine] = KPIRollup.Facts(changes: [], gaps: [], counts: []) }
        for try await (line, machine, at, state, reason) in try await connection.query("""
            SELECT t.line, t.machine, s.at, s.state, s.reason
            FROM unnest(\(lines)::text[], \(machines)::text[], \(starts)::timestamptz[], \(throughs)::timestamptz[])
                AS t (line, machine, start_at, through_at),
            LATERAL (
                SELECT at, state, reason FROM machine_states m
                WHERE m.plant_id = \(plant) AND m.line = t.line AND m.machine = t.machine AND m.at >= t.start_at AND m.at <= t.through_at
                UNION ALL
                (SELECT at, state, reason FROM machine_states m
                 WHERE m.plant_id = \(plant) AND m.line = t.line AND m.machine = t.machine AND m.at < t.start_at
                 ORDER BY m.at DESC LIMIT 1)
            ) AS s
            """, logger: logger).decode((String, String, Date, String, String?).self) {
            guard let state = MachineState(rawValue: state) else { continue }
            facts[MachineID(line: line, machine: machine)]?.changes.append(MachineTimeline.Change(at: at, state: state, reason: reason))
        }
        // The plant's lost signals across every span, shared out below.
        let earliest = starts.min() ?? first.value.start, latest = throughs.max() ?? first.value.through
        var gaps: [Date] = []
        for try await at in try await connection.query("""
            SELECT at FROM machine_signal_gaps WHERE plant_id = \(plant) AND at >= \(earliest) AND at <= \(latest)
            UNION ALL
            (SELECT at FROM machine_signal_gaps WHERE plant_id = \(plant) AND at < \(earliest) ORDER BY at DESC LIMIT 1)
            """, logger: logger).decode(Date.self) {
            gaps.append(at)
        }
        gaps.sort()
        for (machine, span) in targets {
            facts[machine]?.gaps = KPIRollup.Facts.gaps(gaps, from: span.start, through: span.through)
        }
        let rates = try await self.rates(targets.map(\.key))
        for try await (line, machine, at, good, scrap) in try await connection.query("""
            SELECT c.line, c.machine, c.at, c.good, c.scrap
            FROM unnest(\(lines)::text[], \(machines)::text[], \(starts)::timestamptz[], \(throughs)::timestamptz[])
                AS t (line, machine, start_at, through_at)
            JOIN machine_counts c ON c.plant_id = \(plant) AND c.line = t.line AND c.machine = t.machine
                AND c.at >= t.start_at AND c.at <= t.through_at
            """, logger: logger).decode((String, String, Date, Int64, Int64).self) {
            let id = MachineID(line: line, machine: machine)
            // Stored counts name no item: each is rated at the machine's own rate (or stays unrated without one).
            let count = (rates[id] ?? .none).rated(KPICount(at: at, good: Quantity(good), scrap: Quantity(scrap)), plant: plant, machine: id)
            facts[id]?.counts.append(count)
        }
        return facts
    }

    /// Each machine's `machine-rate` master as the hub holds it now.
    private func rates(_ machines: [MachineID]) async throws -> [MachineID: MachineRates] {
        let kind = MasterKind.machineRate.rawValue, company = PlantIdentity.company(of: plant)
        let keys = machines.map { MachineRateMaster.key(plant: plant, machine: $0) }
        var masters: [String: (data: String, active: Bool)] = [:]
        for try await (key, data, active) in try await connection.query(
            "SELECT key, data, active FROM masters WHERE kind = \(kind) AND company = \(company) AND key = ANY(\(keys))", logger: logger
        ).decode((String, String, Bool).self) {
            masters[key] = (data, active)
        }
        var rates: [MachineID: MachineRates] = [:]
        for (machine, key) in zip(machines, keys) {
            rates[machine] = KPIRollup.rates(plant: plant, machine: machine, data: masters[key]?.data, active: masters[key]?.active ?? false)
        }
        return rates
    }

    /// Replaces the rows of every machine of `rows` from its own start (`starts`, in the same order) on.
    private func write(_ rows: [KPIRollup.Rows], from starts: [Date], company: String) async throws {
        let lines = rows.map(\.head.machine.line), machines = rows.map(\.head.machine.machine)
        for table in ["kpi_machine_hours", "kpi_downtime_hours"] {
            try await delete(table, column: "hour", lines: lines, machines: machines, from: starts)
        }
        let hours = rows.flatMap(\.hours), elements = hours.map(\.elements)
        if !hours.isEmpty {
            try await connection.query("""
                INSERT INTO kpi_machine_hours (company, plant_id, line, machine, hour, running_us, setup_us, idle_us, down_us,
                                               planned_stop_us, unknown_us, planned_run_time, good, scrap, rework, unrated)
                SELECT \(company), \(plant), * FROM unnest(
                    \(hours.map(\.machine.line)), \(hours.map(\.machine.machine)),
                    \(hours.map(\.hour)), \(elements.map { KPIRollup.micros($0.actualProductionTime) }),
                    \(elements.map { KPIRollup.micros($0.setupTime) }), \(elements.map { KPIRollup.micros($0.delayTime) }),
                    \(elements.map { KPIRollup.micros($0.downTime) }), \(elements.map { KPIRollup.micros($0.plannedStopTime) }),
                    \(elements.map { KPIRollup.micros($0.unknownTime) }), \(elements.map(\.plannedRunTime.description)),
                    \(elements.map(\.good.micro)), \(elements.map(\.scrap.micro)), \(elements.map(\.rework.micro)),
                    \(elements.map(\.unratedQuantity.micro)))
                """, logger: logger)
        }
        let downtime = rows.flatMap(\.downtime)
        if !downtime.isEmpty {
            try await connection.query("""
                INSERT INTO kpi_downtime_hours (company, plant_id, line, machine, hour, reason, down_us, stops)
                SELECT \(company), \(plant), * FROM unnest(
                    \(downtime.map(\.machine.line)), \(downtime.map(\.machine.machine)),
                    \(downtime.map(\.hour)), \(downtime.map(\.reason)), \(downtime.map { KPIRollup.micros($0.seconds) }),
                    \(downtime.map(\.stops)))
                """, logger: logger)
        }
        let heads = rows.map(\.head)
        try await connection.query("""
            INSERT INTO kpi_machine_heads (company, plant_id, line, machine, through_at, state, reason)
            SELECT \(company), \(plant), h.line, h.machine, h.through_at, h.state, CASE WHEN h.has_reason THEN h.reason END
            FROM unnest(
                \(lines)::text[], \(machines)::text[], \(heads.map(\.through))::timestamptz[], \(heads.map(\.state.rawValue))::text[],
                \(heads.map { $0.reason ?? "" })::text[], \(heads.map { $0.reason != nil })::boolean[]
            ) AS h (line, machine, through_at, state, reason, has_reason)
            ON CONFLICT (plant_id, line, machine) DO UPDATE SET company = excluded.company, through_at = excluded.through_at,
                state = excluded.state, reason = excluded.reason
            """, logger: logger)
        // The days from the one holding each machine's first rewritten hour, summed again from the hours.
        guard keepsDays else { return }
        let days = starts.map(KPIDayRollup.dayStart(of:))
        try await resum(
            ["kpi_machine_days", "kpi_downtime_days"], column: "day", lines: lines, machines: machines, from: days,
            [(KPIDayRollup.postgresMachineDays(where:), "kpi_machine_hours"), (KPIDayRollup.postgresDowntimeDays(where:), "kpi_downtime_hours")],
            source: "hour")
        // The months from the one holding that day, summed again from the days.
        try await resum(
            ["kpi_machine_months", "kpi_downtime_months"], column: "month", lines: lines, machines: machines,
            from: starts.map(KPIMonthRollup.monthStart(of:)),
            [(KPIMonthRollup.postgresMachineMonths(where:), "kpi_machine_days"), (KPIMonthRollup.postgresDowntimeMonths(where:), "kpi_downtime_days")],
            source: "day")
        // Each line's days from the earliest its machines rewrote, summed again from their day rows.
        let lineDays = KPILineDayRollup.lineDays(Array(zip(lines, starts)).map { (line: $0.0, start: $0.1) })
        var binds = PostgresBindings()
        binds.append(plant)
        binds.append(lineDays.map(\.line))
        binds.append(lineDays.map(\.day))
        let lineStarts = "unnest($2::text[], $3::timestamptz[]) AS t (line, start_at)"
        for table in ["kpi_line_days", "kpi_line_downtime_days"] {
            let delete = "DELETE FROM \(table) r USING \(lineStarts) WHERE r.plant_id = $1 AND r.line = t.line AND r.day >= t.start_at"
            try await connection.query(PostgresQuery(unsafeSQL: delete, binds: binds), logger: logger)
        }
        for (statement, table) in [(KPILineDayRollup.machineDays(where:), "kpi_machine_days"), (KPILineDayRollup.downtimeDays(where:), "kpi_downtime_days")] {
            let days = "plant_id = $1 AND EXISTS (SELECT 1 FROM \(lineStarts) WHERE t.line = \(table).line AND \(table).day >= t.start_at)"
            try await connection.query(PostgresQuery(unsafeSQL: statement(days), binds: binds), logger: logger)
        }
    }

    /// The plant, each machine and the instant its rows are replaced from, as the statements below bind them.
    private func bindings(lines: [String], machines: [String], from starts: [Date]) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(plant)
        binds.append(lines)
        binds.append(machines)
        binds.append(starts)
        return binds
    }

    /// The machines and their starts as a table `t (line, machine, start_at)` of the statements' binds $2 to $4.
    private static let machineStarts = "unnest($2::text[], $3::text[], $4::timestamptz[]) AS t (line, machine, start_at)"

    /// Deletes each machine's rows of `table` whose bucket `column` is at or after that machine's start.
    private func delete(_ table: String, column: String, lines: [String], machines: [String], from starts: [Date]) async throws {
        let delete = """
            DELETE FROM \(table) r USING \(Self.machineStarts)
            WHERE r.plant_id = $1 AND r.line = t.line AND r.machine = t.machine AND r.\(column) >= t.start_at
            """
        try await connection.query(PostgresQuery(unsafeSQL: delete, binds: bindings(lines: lines, machines: machines, from: starts)), logger: logger)
    }

    /// Deletes each machine's rows of `tables` from its start on (their bucket `column`) and sums them again with
    /// `statements` from the finer rows of their source table whose bucket `source` is at or after it.
    private func resum(
        _ tables: [String], column: String, lines: [String], machines: [String], from starts: [Date],
        _ statements: [(sql: (String) -> String, table: String)], source: String
    ) async throws {
        for table in tables {
            try await delete(table, column: column, lines: lines, machines: machines, from: starts)
        }
        let binds = bindings(lines: lines, machines: machines, from: starts)
        for statement in statements {
            let finer = """
                plant_id = $1 AND EXISTS (SELECT 1 FROM \(Self.machineStarts) WHERE t.line = \(statement.table).line
                    AND t.machine = \(statement.table).machine AND \(statement.table).\(source) >= t.start_at)
                """
            try await connection.query(PostgresQuery(unsafeSQL: statement.sql(finer), binds: binds), logger: logger)
        }
    }
}
