import Foundation

/// A work order as the lifecycle rules read it: its status and its operations' statuses.
public struct WorkOrderState: Sendable, Equatable {
    /// One operation of the order, in routing sequence.
    public struct Operation: Sendable, Equatable {
        public var sequence: Int
        public var status: OperationStatus

        public init(sequence: Int, status: OperationStatus) {
            self.sequence = sequence
            self.status = status
        }
    }

    public var workOrder: String
    public var status: WorkOrderStatus
    public var operations: [Operation]

    public init(workOrder: String, status: WorkOrderStatus, operations: [Operation]) {
        self.workOrder = workOrder
        self.status = status
        self.operations = operations
    }
}

/// What a step of an operation changes, as `WorkOrderLifecycle.progress` decides it.
public struct OperationChange: Sendable, Equatable {
    public var sequence: Int
    public var step: OperationProgressed.Step
    /// The operation's status after the step.
    public var operation: OperationStatus
    /// The order's status after the step (`in-progress` once an operation starts).
    public var order: WorkOrderStatus

    public init(sequence: Int, step: OperationProgressed.Step, operation: OperationStatus, order: WorkOrderStatus) {
        self.sequence = sequence
        self.step = step
        self.operation = operation
        self.order = order
    }
}

/// The work order lifecycle as pure decisions: each takes the order as read inside the write transaction and
/// either refuses with a `ProductionRefusal` or says what changes. The store writes what it is told.
public enum WorkOrderLifecycle {
    /// The order that was asked for, or `not-found`.
    public static func found<Order>(_ order: Order?, _ workOrder: String) throws(ProductionRefusal) -> Order {
        guard let order else { throw ProductionRefusal(.notFound, "no work order \(workOrder)") }
        return order
    }

    /// Release moves a planned order to released; any other status refuses.
    public static func release(_ order: WorkOrderState) throws(ProductionRefusal) -> WorkOrderStatus {
        guard let next = order.status.after(.release) else {
            throw ProductionRefusal(.invalidTransition, "\(order.workOrder) is \(order.status); only a planned work order is released")
        }
        return next
    }

    /// Good, scrap and rework reported with a step are never negative.
    public static func checkCounts(good: Quantity?, scrap: Quantity?, rework: Quantity?) throws(ProductionRefusal) {
        guard [good, scrap, rework].allSatisfy({ ($0 ?? .zero) >= .zero }) else {
            throw ProductionRefusal(.invalid, "good, scrap and rework are never negative")
        }
    }

    /// Starts, pauses, resumes or finishes operation `sequence` of a released order. Operations start in sequence
    /// (each earlier one finished first); finishing is refused while `blockingPoint` (a failed blocking quality
    /// check for this operation, `QualityRules.blockingPoint`) stands.
    public static func progress(
        _ order: WorkOrderState, sequence: Int, step: OperationProgressed.Step, blockingPoint: String?
    ) throws(ProductionRefusal) -> OperationChange {
        let id = order.workOrder
        guard order.status.runsOperations else {
            throw ProductionRefusal(.invalidTransition, "\(id) is \(order.status); operations run only on a released work order")
        }
        guard let operation = order.operations.first(where: { $0.sequence == sequence }) else {
            throw ProductionRefusal(.notFound, "\(id) has no operation \(sequence)")
        }
        guard let next = operation.status.after(step) else {
            throw ProductionRefusal(.invalidTransition, "operation \(sequence) of \(id) is \(operation.status); it cannot be \(step.rawValue)")
        }
        var status = order.status
        switch step {
        case .started:
            if let earlier = order.operations.first(where: { $0.sequence < sequence && $0.status != .finished }) {
                throw ProductionRefusal(.invalidTransition, "operation \(earlier.sequence) of \(id) is not finished yet")
            }
            status = order.status.after(.startOperation) ?? status
        case .finished:
            if let blockingPoint {
                throw ProductionRefusal(
                    .blockedByQuality, "quality point \(blockingPoint) failed for \(id) and blocks the operation: record a passing check first")
            }
        case .paused, .resumed:
            break
        }
        return OperationChange(sequence: sequence, step: step, operation: next, order: status)
    }

    /// Components are consumed only by a released order (or one in progress).
    public static func consume(_ order: WorkOrderState) throws(ProductionRefusal) {
        guard order.status.runsOperations else {
            throw ProductionRefusal(
                .invalidTransition, "\(order.workOrder) is \(order.status); components are consumed only by a released work order")
        }
    }

    /// Output is reported while the order is in progress and no failed blocking quality check stands
    /// (`blockingPoint`, any operation's).
    public static func reportOutput(_ order: WorkOrderState, blockingPoint: String?) throws(ProductionRefusal) {
        guard order.status.reportsOutput else {
            throw ProductionRefusal(.invalidTransition, "\(order.workOrder) is \(order.status); output is reported while it is in progress")
        }
        if let blockingPoint {
            throw ProductionRefusal(
                .blockedByQuality, "quality point \(blockingPoint) failed for \(order.workOrder): record a passing check before reporting output")
        }
    }

    /// Whether reported output of `item` counts as the order's good output (its own item) or goes into stock
    /// beside it (a by-product of its bill of materials); anything else is refused.
    public static func outputCountsAsGood(
        _ item: String, workOrder: String, makes orderItem: String, byProducts: Set<String>
    ) throws(ProductionRefusal) -> Bool {
        guard item == orderItem || byProducts.contains(item) else {
            throw ProductionRefusal(.invalid, "\(workOrder) makes \(orderItem)"
                + (byProducts.isEmpty ? "" : " and by-products \(byProducts.sorted().joined(separator: ", "))") + ", not \(item)")
        }
        return item == orderItem
    }

    /// Completion closes an order in progress whose operations are all finished.
    public static func complete(_ order: WorkOrderState) throws(ProductionRefusal) -> WorkOrderStatus {
        guard let next = order.status.after(.complete) else {
            throw ProductionRefusal(.invalidTransition, "\(order.workOrder) is \(order.status); only an order in progress is completed")
        }
        if let open = order.operations.first(where: { $0.status != .finished }) {
            throw ProductionRefusal(.invalidTransition, "operation \(open.sequence) of \(order.workOrder) is \(open.status)")
        }
        return next
    }
}
