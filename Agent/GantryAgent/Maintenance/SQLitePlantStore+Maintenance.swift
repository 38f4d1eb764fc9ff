import Foundation
import GantryCore
import GRDB

/// A maintenance request as the local API shows it.
public struct MaintenanceRequestRecord: Sendable, Equatable, Codable {
    public var requestId: UUID
    public var line: String
    public var machine: String
    public var kind: String
    public var trigger: MaintenanceTrigger
    public var reason: String?
    public var planId: UUID?
    public var openedAt: Date
    public var completedAt: Date?
    public var note: String?
    public var parts: [SparePart]
}

extension SQLitePlantStore {
    /// Opens a request unless one is open already for the machine (corrective) or the plan (preventive);
    /// returns the new request, or `nil` when one was open.
    public func openMaintenanceRequest(
        machine: MachineID, kind: String, trigger: MaintenanceTrigger, reason: String?, planID: UUID?, stopAt: Date?, at: Date
    ) async throws -> MaintenanceRequestRecord? {
        let recordedAt = now()
        return try await writer.write { db in
            let open = kind == "corrective"
                ? try Bool.fetchOne(db, sql: """
                    SELECT 1 FROM maintenance_requests
                    WHERE kind = 'corrective' AND line = ? AND machine = ? AND completed_at IS NULL
                    """, arguments: [machine.line, machine.machine]) ?? false
                : try Bool.fetchOne(db, sql: "SELECT 1 FROM maintenance_requests WHERE plan_id = ? AND completed_at IS NULL",
                                    arguments: [planID?.uuidString]) ?? false
            if open { return nil }
            let event = MaintenanceRequested(
                requestId: UUID(), line: machine.line, machine: machine.machine, kind: kind, trigger: trigger,
                reason: reason, planId: planID, at: at)
            _ = try Self.append(event, occurredAt: at, recordedAt: recordedAt, in: db)
            try db.execute(sql: """
                INSERT INTO maintenance_requests (request_id, line, machine, kind, trigger, reason, plan_id, stop_at, opened_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    event.requestId.uuidString, machine.line, machine.machine, kind, trigger.rawValue, reason,
                    planID?.uuidString, stopAt.map(Timestamp.format), Timestamp.format(at),
                ])
            return MaintenanceRequestRecord(
                requestId: event.requestId, line: machine.line, machine: machine.machine, kind: kind, trigger: trigger,
                reason: reason, planId: planID, openedAt: at, completedAt: nil, note: nil, parts: [])
        }
    }

    /// Completes an open request with the parts it used.
    public func completeMaintenanceRequest(_ id: UUID, note: String?, parts: [SparePart], at: Date) async throws -> MaintenanceRequestRecord {
        let recordedAt = now()
        return try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT completed_at FROM maintenance_requests WHERE request_id = ?",
                                             arguments: [id.uuidString]) else {
                throw StoreError(.notFound, "no maintenance request \(id)")
            }
            guard row["completed_at"] as String? == nil else {
                throw StoreError(.invalidTransition, "maintenance request \(id) is already completed")
            }
            _ = try Self.append(MaintenanceCompleted(requestId: id, note: note, parts: parts, at: at),
                                occurredAt: at, recordedAt: recordedAt, in: db)
            let partsJSON = String(decoding: try WireFormat.sharedEncoder.encode(parts), as: UTF8.self)
            try db.execute(
                sql: "UPDATE maintenance_requests SET completed_at = ?, note = ?, parts = ? WHERE request_id = ?",
                arguments: [Timestamp.format(at), note, partsJSON, id.uuidString])
            return try Self.maintenanceRequests(db, where: "request_id = ?", [id.uuidString]).first!
        }
    }

    /// Requests, newest first: `open`, `done` or all.
    public func maintenanceRequests(status: String?) async throws -> [MaintenanceRequestRecord] {
        try await pool.read { db in
            switch status {
            case "open": return try Self.maintenanceRequests(db, where: "completed_at IS NULL", [])
            case "done": return try Self.maintenanceRequests(db, where: "completed_at IS NOT NULL", [])
            default: return try Self.maintenanceRequests(db, where: "1", [])
            }
        }
    }

    public func defineMaintenancePlan(_ plan: MaintenancePlan) async throws {
        let recordedAt = now()
        try await writer.write { db in
            _ = try Self.append(MaintenancePlanDefined(plan: plan), occurredAt: plan.createdAt, recordedAt: recordedAt, in: db)
            try db.execute(sql: """
                INSERT INTO maintenance_plans (plan_id, line, machine, every_days, every_good_parts, description, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    plan.planId.uuidString, plan.line, plan.machine, plan.everyDays, plan.everyGoodParts, plan.description,
                    Timestamp.format(plan.createdAt),
                ])
        }
    }

    public func maintenancePlans() async throws -> [MaintenancePlan] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM maintenance_plans ORDER BY created_at").compactMap { row in
                guard let id = UUID(uuidString: row["plan_id"]), let created = Timestamp.parse(row["created_at"]) else { return nil }
                return MaintenancePlan(
                    planId: id, line: row["line"], machine: row["machine"], everyDays: row["every_days"],
                    everyGoodParts: row["every_good_parts"], description: row["description"], createdAt: created)
            }
        }
    }

    /// What the maintenance watch needs: each machine's latest change (lost signals included), the machines
    /// with an open corrective request, and per plan its last request and the good parts made since.
    public func maintenanceSituation() async throws -> MaintenanceSituation {
        try await pool.read { db in
            let lastGap = try String.fetchOne(db, sql: "SELECT max(at) FROM machine_signal_gaps").flatMap(Timestamp.parse)
            var latest: [MachineID: MachineTimeline.Change] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT line, machine, at, state, reason FROM machine_states s
                WHERE at = (SELECT max(at) FROM machine_states WHERE line = s.line AND machine = s.machine)
                """) {
                guard let at = Timestamp.parse(row["at"]), let state = MachineState(rawValue: row["state"]) else { continue }
                let machine = MachineID(line: row["line"], machine: row["machine"])
                // A lost signal after the latest state means the state is not known now.
                if let lastGap, lastGap > at {
                    latest[machine] = MachineTimeline.Change(at: lastGap, state: .unknown)
                    continue
                }
                guard state == .down else {
                    latest[machine] = MachineTimeline.Change(at: at, state: state, reason: row["reason"])
                    continue
                }
                // A stop lasts from its first `down` (repeats and reason changes included) since the machine
                // last reported another state or the signal was last lost.
                let stopStart = try String.fetchOne(db, sql: """
                    SELECT min(at) FROM machine_states
                    WHERE line = ? AND machine = ? AND state = 'down'
                      AND at > coalesce((SELECT max(at) FROM machine_states WHERE line = ? AND machine = ? AND state <> 'down'), '')
                      AND at >= coalesce((SELECT max(at) FROM machine_signal_gaps WHERE at <= ?), '')
                    """, arguments: [machine.line, machine.machine, machine.line, machine.machine, row["at"] as String])
                    .flatMap(Timestamp.parse) ?? at
                latest[machine] = MachineTimeline.Change(at: stopStart, state: .down, reason: row["reason"])
            }
            let openCorrective = Set(try Row.fetchAll(db, sql: """
                SELECT line, machine FROM maintenance_requests WHERE kind = 'corrective' AND completed_at IS NULL
                """).map { MachineID(line: $0["line"], machine: $0["machine"]) })
            var lastCorrective: [MachineID: Date] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT line, machine, max(stop_at) AS stop FROM maintenance_requests
                WHERE kind = 'corrective' AND stop_at IS NOT NULL GROUP BY line, machine
                """) {
                lastCorrective[MachineID(line: row["line"], machine: row["machine"])] = (row["stop"] as String?).flatMap(Timestamp.parse)
            }
            var plans: [UUID: (lastOpenedAt: Date?, open: Bool, goodSince: Int64)] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT p.plan_id, p.line, p.machine, p.created_at,
                    (SELECT max(opened_at) FROM maintenance_requests r WHERE r.plan_id = p.plan_id) AS last_opened,
                    EXISTS (SELECT 1 FROM maintenance_requests r WHERE r.plan_id = p.plan_id AND r.completed_at IS NULL) AS open
                FROM maintenance_plans p
                """) {
                guard let id = UUID(uuidString: row["plan_id"]) else { continue }
                let since: String = row["last_opened"] ?? row["created_at"]
                let good = try Int64.fetchOne(db, sql: """
                    SELECT coalesce(sum(good), 0) FROM machine_counts WHERE line = ? AND machine = ? AND at >= ?
                    """, arguments: [row["line"], row["machine"], since]) ?? 0
                plans[id] = ((row["last_opened"] as String?).flatMap(Timestamp.parse), row["open"], good)
            }
            return MaintenanceSituation(
                latest: latest, openCorrective: openCorrective, lastCorrective: lastCorrective, plans: plans,
                timeZone: try Self.plantDays(in: db).calendar.timeZone)
        }
    }

    /// `condition` is one of this file's constant filters; values always travel in `arguments`.
    private static func maintenanceRequests(_ db: Database, where condition: String, _ arguments: [String]) throws -> [MaintenanceRequestRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM maintenance_requests WHERE \(condition) ORDER BY opened_at DESC",
                         arguments: StatementArguments(arguments)).compactMap { row in
            guard let id = UUID(uuidString: row["request_id"]), let opened = Timestamp.parse(row["opened_at"]),
                  let trigger = MaintenanceTrigger(rawValue: row["trigger"])
            else { return nil }
            let parts = (try? WireFormat.sharedDecoder.decode([SparePart].self, from: Data((row["parts"] as String).utf8))) ?? []
            return MaintenanceRequestRecord(
                requestId: id, line: row["line"], machine: row["machine"], kind: row["kind"], trigger: trigger,
                reason: row["reason"], planId: (row["plan_id"] as String?).flatMap(UUID.init(uuidString:)), openedAt: opened,
                completedAt: (row["completed_at"] as String?).flatMap(Timestamp.parse), note: row["note"], parts: parts)
        }
    }
}

/// The inputs of the maintenance policy, read in one snapshot.
public struct MaintenanceSituation: Sendable {
    public var latest: [MachineID: MachineTimeline.Change]
    public var openCorrective: Set<MachineID>
    /// The start of the latest stop each machine had a corrective request for.
    public var lastCorrective: [MachineID: Date]
    public var plans: [UUID: (lastOpenedAt: Date?, open: Bool, goodSince: Int64)]
    /// The plant's time zone, whose days preventive plans count.
    public var timeZone: TimeZone
}
