import Foundation
import GantryCore

/// A work order as the local API shows it.
public struct WorkOrderView: Sendable, Equatable, Codable {
    public struct Operation: Sendable, Equatable, Codable {
        public var sequence: Int
        public var workCentre: String
        public var status: OperationStatus
        public var plannedStart: Date
        public var plannedFinish: Date
        public var actualStart: Date?
        public var actualFinish: Date?
    }

    public var workOrder: String
    public var item: String
    public var quantity: Quantity
    public var status: WorkOrderStatus
    public var due: Date?
    public var sourceLocation: String
    public var outputLocation: String
    public var plannedStart: Date
    public var plannedFinish: Date
    public var actualStart: Date?
    public var actualFinish: Date?
    public var good: Quantity
    public var scrap: Quantity
    public var rework: Quantity
    /// The override that released it short, if one did.
    public var releasedWith: Override?
    public var operations: [Operation]

    /// What the lifecycle rules (`WorkOrderLifecycle`) read of the order.
    public var state: WorkOrderState {
        WorkOrderState(workOrder: workOrder, status: status, operations: operations.map { .init(sequence: $0.sequence, status: $0.status) })
    }
}

/// Whether a work order can run: its material, the earliest day the material can be there, and machine delays.
public struct WorkOrderReadiness: Sendable, Equatable, Codable {
    public var workOrder: String
    public var item: String
    public var status: WorkOrderStatus
    public var plannedStart: Date
    public var materialReady: Bool
    /// `YYYY-MM-DD`; nil when open supply does not cover what is short.
    public var materialReadyBy: String?
    /// The material will not be at the source location by the planned start day, or a machine of its work centres
    /// is down (`Readiness.atRisk`).
    public var atRisk: Bool
    public var components: [Readiness.Component]
    public var delays: [String]
}
