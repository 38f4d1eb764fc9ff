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

    /// Recomputes the hours `changes` reach.
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
        for (machine, span) in changes.targets(heads: heads) {
            let key = KPIMachineKey(company: company, plant: plant, line: machine.line, machine: machine.machine)
            let rows = KPIRollup.recompute(try await facts(machine, span), machine: key, start: span.start, through: span.through)
            try await write(rows, from: span.start)
        }
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
        let (line, code, start, through) = (machine.line, machine.machine, span.start, span.through)
        var changes: [MachineTimeline.Change] = []
        for try await (at, state, reason) in try await connection.query("""
            SELECT at, state, reason FROM machine_states
            WHERE plant_id = \(plant) AND line = \(line) AND machine = \(code) AND at >= \(start) AND at <= \(through)
            UNION ALL
            (SELECT at, state, reason FROM machine_states
             WHERE plant_id = \(plant) AND line = \(line) AND machine = \(code) AND at < \(start) ORDER BY at DESC LIMIT 1)
            """, logger: logger).decode((Date, String, String?).self) {
            guard let state = MachineState(rawValue: state) else { continue }
            changes.append(MachineTimeline.Change(at: at, state: state, reason: reason))
        }
        var gaps: [Date] = []
        for try await at in try await connection.query("""
            SELECT at FROM machine_signal_gaps WHERE plant_id = \(plant) AND at >= \(start) AND at <= \(through)
            UNION ALL
            (SELECT at FROM machine_signal_gaps WHERE plant_id = \(plant) AND at < \(start) ORDER BY at DESC LIMIT 1)
            """, logger: logger).decode(Date.self) {
            gaps.append(at)
        }
        let rates = try await self.rates(machine)
        var counts: [KPICount] = []
        for try await (at, good, scrap) in try await connection.query("""
            SELECT at, good, scrap FROM machine_counts
            WHERE plant_id = \(plant) AND line = \(line) AND machine = \(code) AND at >= \(start) AND at <= \(through)
            """, logger: logger).decode((Date, Int64, Int64).self) {
            // Stored counts name no item: each is rated at the machine's own rate (or stays unrated without one).
            counts.append(rates.rated(KPICount(at: at, good: Quantity(good), scrap: Quantity(scrap)), plant: plant, machine: machine))
        }
        return KPIRollup.Facts(changes: changes, gaps: gaps, counts: counts)
    }

    /// The machine's `machine-rate` master as the hub holds it now.
    private func rates(_ machine: MachineID) async throws -> MachineRates {
        let kind = MasterKind.machineRate.rawValue, company = PlantIdentity.company(of: plant)
        let key = MachineRateMaster.key(plant: plant, machine: machine)
        var master: (data: String, active: Bool)?
        for try await (data, active) in try await connection.query(
            "SELECT data, active FROM masters WHERE kind = \(kind) AND company = \(company) AND key = \(key)", logger: logger
        ).decode((String, Bool).self) {
            master = (data, active)
        }
        return KPIRollup.rates(plant: plant, machine: machine, data: master?.data, active: master?.active ?? false)
    }

    private func write(_ rows: KPIRollup.Rows, from start: Date) async throws {
        let key = rows.head.machine
        let (company, plant, line, machine) = (key.company, key.plant, key.line, key.machine)
        try await connection.query("""
            DELETE FROM kpi_machine_hours WHERE plant_id = \(plant) AND line = \(line) AND machine = \(machine) AND hour >= \(start)
            """, logger: logger)
        try await connection.query("""
            DELETE FROM kpi_downtime_hours WHERE plant_id = \(plant) AND line = \(line) AND machine = \(machine) AND hour >= \(start)
            """, logger: logger)
        let hours = rows.hours, elements = rows.hours.map(\.elements)
        if !hours.isEmpty {
            try await connection.query("""
                INSERT INTO kpi_machine_hours (company, plant_id, line, machine, hour, running_us, setup_us, idle_us, down_us,
                                               planned_stop_us, unknown_us, planned_run_time, good, scrap, rework, unrated)
                SELECT \(company), \(plant), \(line), \(machine), * FROM unnest(
                    \(hours.map(\.hour)), \(elements.map { KPIRollup.micros($0.actualProductionTime) }),
                    \(elements.map { KPIRollup.micros($0.setupTime) }), \(elements.map { KPIRollup.micros($0.delayTime) }),
                    \(elements.map { KPIRollup.micros($0.downTime) }), \(elements.map { KPIRollup.micros($0.plannedStopTime) }),
                    \(elements.map { KPIRollup.micros($0.unknownTime) }), \(elements.map(\.plannedRunTime.description)),
                    \(elements.map(\.good.micro)), \(elements.map(\.scrap.micro)), \(elements.map(\.rework.micro)),
                    \(elements.map(\.unratedQuantity.micro)))
                """, logger: logger)
        }
        let downtime = rows.downtime
        if !downtime.isEmpty {
            try await connection.query("""
                INSERT INTO kpi_downtime_hours (company, plant_id, line, machine, hour, reason, down_us, stops)
                SELECT \(company), \(plant), \(line), \(machine), * FROM unnest(
                    \(downtime.map(\.hour)), \(downtime.map(\.reason)), \(downtime.map { KPIRollup.micros($0.seconds) }),
                    \(downtime.map(\.stops)))
                """, logger: logger)
        }
        let head = rows.head
        try await connection.query("""
            INSERT INTO kpi_machine_heads (company, plant_id, line, machine, through_at, state, reason)
            VALUES (\(company), \(plant), \(line), \(machine), \(head.through), \(head.state.rawValue), \(head.reason))
            ON CONFLICT (plant_id, line, machine) DO UPDATE SET company = excluded.company, through_at = excluded.through_at,
                state = excluded.state, reason = excluded.reason
            """, logger: logger)
        // The days from the one holding the first rewritten hour, summed again from the hours.
        guard keepsDays else { return }
        let day = KPIDayRollup.dayStart(of: start)
        try await resum(
            ["kpi_machine_days", "kpi_downtime_days"], column: "day", from: day, key: key,
            [KPIDayRollup.postgresMachineDays(where:), KPIDayRollup.postgresDowntimeDays(where:)], source: "hour")
        // The months from the one holding that day, summed again from the days.
        try await resum(
            ["kpi_machine_months", "kpi_downtime_months"], column: "month", from: KPIMonthRollup.monthStart(of: start), key: key,
            [KPIMonthRollup.postgresMachineMonths(where:), KPIMonthRollup.postgresDowntimeMonths(where:)], source: "day")
    }

    /// Deletes the machine's rows of `tables` from `start` on (their bucket `column`) and sums them again with
    /// `statements` from the finer rows whose bucket `source` is at or after it.
    private func resum(
        _ tables: [String], column: String, from start: Date, key: KPIMachineKey, _ statements: [(String) -> String], source: String
    ) async throws {
        var binds = PostgresBindings()
        binds.append(key.plant)
        binds.append(key.line)
        binds.append(key.machine)
        binds.append(start)
        for table in tables {
            let delete = "DELETE FROM \(table) WHERE plant_id = $1 AND line = $2 AND machine = $3 AND \(column) >= $4"
            try await connection.query(PostgresQuery(unsafeSQL: delete, binds: binds), logger: logger)
        }
        let finer = "plant_id = $1 AND line = $2 AND machine = $3 AND \(source) >= $4"
        for statement in statements {
            try await connection.query(PostgresQuery(unsafeSQL: statement(finer), binds: binds), logger: logger)
        }
    }
}
