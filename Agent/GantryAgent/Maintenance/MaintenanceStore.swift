import Foundation
import GantryCore

/// Maintenance requests and plans (docs/maintenance.md).
public protocol MaintenanceStore: Sendable {

    /// Opens a request unless one is open for the machine (corrective) or plan (preventive); `nil` then.
    func openMaintenanceRequest(
        machine: MachineID, kind: String, trigger: MaintenanceTrigger, reason: String?, planID: UUID?, stopAt: Date?, at: Date
    ) async throws -> MaintenanceRequestRecord?
    /// Completes an open request with the spare parts it used.
    func completeMaintenanceRequest(_ id: UUID, note: String?, parts: [SparePart], at: Date) async throws -> MaintenanceRequestRecord
    /// Requests, newest first: `open`, `done` or all (`nil`).
    func maintenanceRequests(status: String?) async throws -> [MaintenanceRequestRecord]
    func defineMaintenancePlan(_ plan: MaintenancePlan) async throws
    func maintenancePlans() async throws -> [MaintenancePlan]
    /// The inputs of the maintenance policy, in one snapshot.
    func maintenanceSituation() async throws -> MaintenanceSituation
}
