import Foundation
import GantryCore
import PostgresNIO

extension PostgresHubStore {
    public func kpiMachineTimeline(plant: String, machine: MachineID, from: Date, through: Date) async throws -> MachineTimeline {
        try await run { [logger] connection in
            let writer = PostgresKPIRollupWriter(connection: connection, plant: plant, logger: logger)
            return try await writer.facts(machine, KPIRollup.Span(start: from, through: through)).timeline
        }
    }

    public func kpiRollups(scope: CompanyScope, plant: String?, from: Date, to: Date) async throws -> KPIRollupSnapshot {
        try await run { [logger] client in
            let scoped = PostgresCompanyFilter(scope)
            var snapshot = KPIRollupSnapshot(hours: [], downtime: [], heads: [])
            for try await (company, plantID, line, machine, hour, times, plannedRunTime, quantities) in try await client.query("""
                SELECT company, plant_id, line, machine, hour,
                       ARRAY[running_us, setup_us, idle_us, down_us, planned_stop_us, unknown_us], planned_run_time,
                       ARRAY[good, scrap, rework, unrated]
                FROM kpi_machine_hours
                WHERE hour >= \(from) AND hour < \(to) AND (\(plant)::text IS NULL OR plant_id = \(plant))
                  AND (\(scoped.everyCompany) OR company = ANY(\(scoped.companies)))
                ORDER BY company, plant_id, line, machine, hour
                """, logger: logger).decode((String, String, String, String, Date, [Int64], String, [Int64]).self) {
                guard times.count == 6, quantities.count == 4 else { continue }
                snapshot.hours.append(KPIMachineHour(
                    machine: KPIMachineKey(company: company, plant: plantID, line: line, machine: machine), hour: hour,
                    elements: KPIRollup.elements(
                        running: times[0], setup: times[1], idle: times[2], down: times[3], plannedStop: times[4], unknown: times[5],
                        plannedRunTime: plannedRunTime, good: quantities[0], scrap: quantities[1], rework: quantities[2],
                        unrated: quantities[3])))
            }
            for try await (company, plantID, line, machine, hour, reason, down, stops) in try await client.query("""
                SELECT company, plant_id, line, machine, hour, reason, down_us, stops FROM kpi_downtime_hours
                WHERE hour >= \(from) AND hour < \(to) AND (\(plant)::text IS NULL OR plant_id = \(plant))
                  AND (\(scoped.everyCompany) OR company = ANY(\(scoped.companies)))
                ORDER BY company, plant_id, line, machine, hour, reason
                """, logger: logger).decode((String, String, String, String, Date, String, Int64, Int64).self) {
                snapshot.downtime.append(KPIDowntimeHour(
                    machine: KPIMachineKey(company: company, plant: plantID, line: line, machine: machine), hour: hour, reason: reason,
                    seconds: KPIRollup.seconds(down), stops: stops))
            }
            for try await (company, plantID, line, machine, through, state, reason) in try await client.query("""
                SELECT company, plant_id, line, machine, through_at, state, reason FROM kpi_machine_heads
                WHERE (\(plant)::text IS NULL OR plant_id = \(plant)) AND (\(scoped.everyCompany) OR company = ANY(\(scoped.companies)))
                ORDER BY company, plant_id, line, machine
                """, logger: logger).decode((String, String, String, String, Date, String, String?).self) {
                guard let state = MachineState(rawValue: state) else { continue }
                snapshot.heads.append(KPIMachineHead(
                    machine: KPIMachineKey(company: company, plant: plantID, line: line, machine: machine), through: through,
                    state: state, reason: reason))
            }
            return snapshot
        }
    }
}
