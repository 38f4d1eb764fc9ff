import Foundation
import GantryCore
import GRDB

extension SQLiteHubStore {
    public func machineTime(plantID: String?, from: Date, to: Date) async throws -> [MachineTimeReport] {
        try await pool.read { db in
            let end = Timestamp.format(to), start = Timestamp.format(from)
            let plantFilter = plantID == nil ? "" : " AND plant_id = ?"
            /// `values`, the plant (when filtered), then `more` and the plant again: one plant filter per SELECT.
            func arguments(_ values: [any DatabaseValueConvertible], then more: [any DatabaseValueConvertible] = []) -> StatementArguments {
                let plant: [any DatabaseValueConvertible] = plantID.map { [$0] } ?? []
                return StatementArguments(values + plant + (more.isEmpty ? [] : more + plant))!
            }
            // Only what the window needs: each plant's last lost signal and each machine's last state before
            // it, and everything inside it.
            var gaps: [String: [MachineTimeline.Change]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT plant_id, at FROM machine_signal_gaps WHERE at >= ? AND at < ?\(plantFilter)
                UNION ALL
                SELECT plant_id, max(at) FROM machine_signal_gaps WHERE at < ?\(plantFilter) GROUP BY plant_id
                """, arguments: arguments([start, end], then: [start])) {
                guard let at = Timestamp.parse(row["at"]) else { continue }
                gaps[row["plant_id"], default: []].append(MachineTimeline.Change(at: at, state: .unknown))
            }
            var changes: [String: [MachineID: [MachineTimeline.Change]]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT plant_id, line, machine, at, state, reason FROM machine_states WHERE at >= ? AND at < ?\(plantFilter)
                UNION ALL
                -- SQLite takes a bare column's value from the row that holds the max()
                SELECT plant_id, line, machine, max(at) AS at, state, reason FROM machine_states
                WHERE at < ?\(plantFilter) GROUP BY plant_id, line, machine
                """, arguments: arguments([start, end], then: [start])) {
                guard let at = Timestamp.parse(row["at"]), let state = MachineState(rawValue: row["state"]) else { continue }
                changes[row["plant_id"], default: [:]][MachineID(line: row["line"], machine: row["machine"]), default: []]
                    .append(MachineTimeline.Change(at: at, state: state, reason: row["reason"]))
            }
            var counts: [String: [MachineID: (good: Int64, scrap: Int64)]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT plant_id, line, machine, sum(good) AS good, sum(scrap) AS scrap FROM machine_counts
                WHERE at >= ? AND at < ?
                """ + plantFilter + " GROUP BY plant_id, line, machine", arguments: arguments([start, end])) {
                counts[row["plant_id"], default: [:]][MachineID(line: row["line"], machine: row["machine"])] = (row["good"], row["scrap"])
            }
            // Each plant's history, reported the same way as at the agent.
            return Set(changes.keys).union(counts.keys).sorted().flatMap { plant in
                MachineHistory(
                    timelines: (changes[plant] ?? [:]).mapValues { MachineTimeline(changes: $0 + (gaps[plant] ?? [])) },
                    counts: counts[plant] ?? [:]
                ).timeReports(plant: plant, from: from, to: to)
            }
        }
    }
}
