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
            var facts = MachineFacts()
            for gap in try GapRow.fetchAll(db, sql: """
                SELECT plant_id, at FROM machine_signal_gaps WHERE at >= ? AND at < ?\(plantFilter)
                UNION ALL
                SELECT plant_id, max(at) FROM machine_signal_gaps WHERE at < ?\(plantFilter) GROUP BY plant_id
                """, arguments: arguments([start, end], then: [start])) {
                guard let at = Timestamp.parse(gap.at) else { continue }
                facts.signalLost(plant: gap.plantID, at: at)
            }
            for change in try StateRow.fetchAll(db, sql: """
                SELECT plant_id, line, machine, at, state, reason FROM machine_states WHERE at >= ? AND at < ?\(plantFilter)
                UNION ALL
                -- SQLite takes a bare column's value from the row that holds the max()
                SELECT plant_id, line, machine, max(at) AS at, state, reason FROM machine_states
                WHERE at < ?\(plantFilter) GROUP BY plant_id, line, machine
                """, arguments: arguments([start, end], then: [start])) {
                guard let at = Timestamp.parse(change.at) else { continue }
                facts.stateChanged(
                    plant: change.plantID, line: change.line, machine: change.machine, at: at, state: change.state, reason: change.reason)
            }
            for count in try CountRow.fetchAll(db, sql: """
                SELECT plant_id, line, machine, sum(good) AS good, sum(scrap) AS scrap FROM machine_counts
                WHERE at >= ? AND at < ?
                """ + plantFilter + " GROUP BY plant_id, line, machine", arguments: arguments([start, end])) {
                facts.counted(plant: count.plantID, line: count.line, machine: count.machine, good: count.good, scrap: count.scrap)
            }
            return facts.reports(from: from, to: to)
        }
    }

    /// A lost signal: `plant_id, at`.
    private struct GapRow: Decodable, FetchableRecord {
        var plantID: String
        var at: String
        enum CodingKeys: String, CodingKey { case plantID = "plant_id", at }
    }

    /// A state change: `plant_id, line, machine, at, state, reason`.
    private struct StateRow: Decodable, FetchableRecord {
        var plantID: String
        var line: String
        var machine: String
        var at: String
        var state: String
        var reason: String?
        enum CodingKeys: String, CodingKey { case plantID = "plant_id", line, machine, at, state, reason }
    }

    /// A machine's counts: `plant_id, line, machine, good, scrap`.
    private struct CountRow: Decodable, FetchableRecord {
        var plantID: String
        var line: String
        var machine: String
        var good: Int64
        var scrap: Int64
        enum CodingKeys: String, CodingKey { case plantID = "plant_id", line, machine, good, scrap }
    }
}
