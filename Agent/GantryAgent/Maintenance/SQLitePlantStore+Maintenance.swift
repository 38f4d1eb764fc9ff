import Foundation
import GantryCore
import GRDB

/// Maintenance requests and plans: the store reads what is open inside its write transaction,
/// `MaintenanceRequestRules` decides, and the request is written with its event in the same transaction.
extension SQLitePlantStore {
    /// Opens a request unless one is open already for the machine (corrective) or the plan (preventive);
    /// returns the new request, or `nil` when one was open.
    public func openMaintenanceRequest(
        machine: MachineID, kind: String, trigger: MaintenanceTrigger, reason: String?, planID: UUID?, stopAt: Date?, at: Date
    ) async throws -> MaintenanceRequestRecord? {
        let recordedAt = now()
        return try await writer.write { db in
            let openForMachine = try Bool.fetchOne(db, sql: """
                SELECT 1 FROM maintenance_requests WHERE kind = 'corrective' AND line = ? AND machine = ? AND completed_at IS NULL
                """, arguments: [machine.line, machine.machine]) ?? false
            let openForPlan = try Bool.fetchOne(db, sql: "SELECT 1 FROM maintenance_requests WHERE plan_id = ? AND completed_at IS NULL",
                                                arguments: [planID?.uuidString]) ?? false
            guard MaintenanceRequestRules.mayOpen(kind: kind, openForMachine: openForMachine, openForPlan: openForPlan) else { return nil }
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

    /// Completes an open request with the parts it used; `MaintenanceRefusal` for an unknown or completed one.
    public func completeMaintenanceRequest(_ id: UUID, note: String?, parts: [SparePart], at: Date) async throws -> MaintenanceRequestRecord {
        let recordedAt = now()
        return try await writer.write { db in
            let request = try Self.maintenanceRequests(db, where: "request_id = ?", [id.uuidString]).first
            try MaintenanceRequestRules.complete(id, state: request.map { $0.completedAt == nil ? .open : .completed })
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
            try MaintenancePlanRow.fetchAll(db, sql: "SELECT * FROM maintenance_plans ORDER BY created_at").compactMap(\.plan)
        }
    }

    /// `condition` is one of this file's constant filters; values always travel in `arguments`.
    private static func maintenanceRequests(_ db: Database, where condition: String, _ arguments: [String]) throws -> [MaintenanceRequestRecord] {
        try MaintenanceRequestRow.fetchAll(db, sql: "SELECT * FROM maintenance_requests WHERE \(condition) ORDER BY opened_at DESC",
                                           arguments: StatementArguments(arguments)).compactMap(\.record)
    }
}
