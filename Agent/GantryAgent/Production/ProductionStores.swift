import Foundation
import GantryCore

/// Work centres, bills of materials, routings and quality points (docs/work-orders.md).
public protocol ProductionDefinitions: Sendable {

    func defineWorkCentre(_ centre: WorkCentreDefined) async throws
    func defineBOM(_ bom: BOMDefined) async throws
    func defineRouting(_ routing: RoutingDefined) async throws
    func defineQualityPoint(_ point: QualityPointDefined) async throws
    func explodeBOM(item: String, quantity: Quantity) async throws -> [BOMExplosion.Requirement]
}

/// Work orders from creation to completion, with their material (docs/work-orders.md).
public protocol WorkOrderStore: Sendable {
    func createWorkOrder(_ workOrder: String, item: String, quantity: Quantity, due: Date?, source: String, output: String, earliest: Date) async throws -> WorkOrderView
    func releaseWorkOrder(_ workOrder: String, override: Override?, permittedRoles: Set<String>) async throws -> WorkOrderView
    func progressOperation(_ workOrder: String, sequence: Int, step: OperationProgressed.Step, good: Quantity?, scrap: Quantity?, rework: Quantity?, reasons: [String]) async throws -> WorkOrderView
    func consume(_ intent: IssueIntent, override: Override?, permittedRoles: Set<String>, allowExpired: Bool) async throws -> MoveAnswer
    func reportOutput(_ intent: OutputIntent) async throws -> MoveAnswer
    func completeWorkOrder(_ workOrder: String) async throws -> WorkOrderView
    func readiness(workOrder: String?) async throws -> [WorkOrderReadiness]
    func rescheduleSupply(order: String, line: Int, due: String?) async throws
    func workOrders() async throws -> [WorkOrderView]
    func workOrder(_ id: String) async throws -> WorkOrderView
}

/// Quality checks and the nonconformances they open (docs/work-orders.md).
public protocol QualityStore: Sendable {
    func recordQualityCheck(point: String, workOrder: String?, lot: String?, location: String?, quantity: Quantity?, passed: Bool?, value: Quantity?, quarantineLocation: String?, supplier: String?) async throws -> QualityCheckRecorded
    func nonconformances() async throws -> [NonconformanceOpened]
}
