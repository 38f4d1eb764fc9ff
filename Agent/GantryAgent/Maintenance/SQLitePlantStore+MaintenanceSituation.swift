import Foundation
import GantryCore
import GRDB

extension SQLitePlantStore {
    /// What the maintenance watch needs: each machine's latest change (lost signals included), the machines
    /// with an open corrective request, and per plan its last request and the good parts made since.
    public func maintenanceSituation() async throws -> MaintenanceSituation {
        try await pool.read { db in
            let lastGap = try String.fetchOne(db, sql: "SELECT max(at) FROM machine_signal_gaps").flatMap(Timestamp.parse)
            var latest: [MachineID: MachineTimeline.Change] = [:]
            for row in try LatestMachineStateRow.fetchAll(db, sql: """
                SELECT line, machine, at, state, reason FROM machine_states s
                WHERE at = (SELECT max(at) FROM machine_states WHERE line = s.line AND machine = s.machine)
                """) {
                guard let at = Timestamp.parse(row.at), let state = MachineState(rawValue: row.state) else { continue }
                let machine = MachineID(line: row.line, machine: row.machine)
                // A lost signal after the latest state means the state is not known now.
                if let lastGap, lastGap > at {
                    latest[machine] = MachineTimeline.Change(at: lastGap, state: .unknown)
                    continue
                }
                guard state == .down else {
                    latest[machine] = MachineTimeline.Change(at: at, state: state, reason: row.reason)
                    continue
                }
                // A stop lasts from its first `down` (repeats and reason changes included) since the machine
                // last reported another state or the signal was last lost.
                let stopStart = try String.fetchOne(db, sql: """
                    SELECT min(at) FROM machine_states
                    WHERE line = ? AND machine = ? AND state = 'down'
                      AND at > coalesce((SELECT max(at) FROM machine_states WHERE line = ? AND machine = ? AND state <> 'down'), '')
                      AND at >= coalesce((SELECT max(at) FROM machine_signal_gaps WHERE at <= ?), '')
                    """, arguments: [machine.line, machine.machine, machine.line, machine.machine, row.at])
                    .flatMap(Timestamp.parse) ?? at
                latest[machine] = MachineTimeline.Change(at: stopStart, state: .down, reason: row.reason)
            }
            let openCorrective = Set(try MachineStopRow.fetchAll(db, sql: """
                SELECT line, machine, NULL AS stop FROM maintenance_requests WHERE kind = 'corrective' AND completed_at IS NULL
                """).map { MachineID(line: $0.line, machine: $0.machine) })
            var lastCorrective: [MachineID: Date] = [:]
            for row in try MachineStopRow.fetchAll(db, sql: """
                SELECT line, machine, max(stop_at) AS stop FROM maintenance_requests
                WHERE kind = 'corrective' AND stop_at IS NOT NULL GROUP BY line, machine
                """) {
                lastCorrective[MachineID(line: row.line, machine: row.machine)] = row.stop.flatMap(Timestamp.parse)
            }
            var plans: [UUID: (lastOpenedAt: Date?, open: Bool, goodSince: Int64)] = [:]
            for row in try PlanProgressRow.fetchAll(db, sql: """
                SELECT p.plan_id, p.line, p.machine, p.created_at,
                    (SELECT max(opened_at) FROM maintenance_requests r WHERE r.plan_id = p.plan_id) AS last_opened,
                    EXISTS (SELECT 1 FROM maintenance_requests r WHERE r.plan_id = p.plan_id AND r.completed_at IS NULL) AS open
                FROM maintenance_plans p
                """) {
                guard let id = UUID(uuidString: row.planId) else { continue }
                let since = row.lastOpened ?? row.createdAt
                let good = try Int64.fetchOne(db, sql: """
                    SELECT coalesce(sum(good), 0) FROM machine_counts WHERE line = ? AND machine = ? AND at >= ?
                    """, arguments: [row.line, row.machine, since]) ?? 0
                plans[id] = (row.lastOpened.flatMap(Timestamp.parse), row.open, good)
            }
            return MaintenanceSituation(
                latest: latest, openCorrective: openCorrective, lastCorrective: lastCorrective, plans: plans,
                timeZone: try Self.plantDays(in: db).calendar.timeZone)
        }
    }
}
