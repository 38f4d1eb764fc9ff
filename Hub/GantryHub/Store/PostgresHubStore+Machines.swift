import Foundation
import GantryCore
import PostgresNIO

extension PostgresHubStore {
    public func machineTime(plantID: String?, from: Date, to: Date) async throws -> [MachineTimeReport] {
        try await run { [logger] client in
            // Only what the window needs: each plant's last lost signal and each machine's last state before it,
            // and everything inside it. A NULL plant means every plant.
            var facts = MachineFacts()
            for try await (plant, at) in try await client.query("""
                SELECT plant_id, at FROM machine_signal_gaps
                WHERE at >= \(from) AND at < \(to) AND (\(plantID)::text IS NULL OR plant_id = \(plantID))
                UNION ALL
                SELECT plant_id, max(at) FROM machine_signal_gaps
                WHERE at < \(from) AND (\(plantID)::text IS NULL OR plant_id = \(plantID)) GROUP BY plant_id
                """, logger: logger).decode((String, Date).self) {
                facts.signalLost(plant: plant, at: at)
            }
            for try await (plant, line, machine, at, state, reason) in try await client.query("""
                SELECT plant_id, line, machine, at, state, reason FROM machine_states
                WHERE at >= \(from) AND at < \(to) AND (\(plantID)::text IS NULL OR plant_id = \(plantID))
                UNION ALL
                (SELECT DISTINCT ON (plant_id, line, machine) plant_id, line, machine, at, state, reason
                 FROM machine_states WHERE at < \(from) AND (\(plantID)::text IS NULL OR plant_id = \(plantID))
                 ORDER BY plant_id, line, machine, at DESC)
                """, logger: logger).decode((String, String, String, Date, String, String?).self) {
                facts.stateChanged(plant: plant, line: line, machine: machine, at: at, state: state, reason: reason)
            }
            for try await (plant, line, machine, good, scrap) in try await client.query("""
                SELECT plant_id, line, machine, sum(good)::bigint, sum(scrap)::bigint FROM machine_counts
                WHERE at >= \(from) AND at < \(to) AND (\(plantID)::text IS NULL OR plant_id = \(plantID))
                GROUP BY plant_id, line, machine
                """, logger: logger).decode((String, String, String, Int64, Int64).self) {
                facts.counted(plant: plant, line: line, machine: machine, good: good, scrap: scrap)
            }
            return facts.reports(from: from, to: to)
        }
    }
}
