import Foundation

/// What a new work order needs before it is scheduled, as the store reads it inside its write transaction.
public struct WorkOrderRequest: Sendable, Equatable {
    public var workOrder: String
    public var item: String
    public var quantity: Quantity
    /// A work order with this id exists already.
    public var exists: Bool
    public var itemKnown: Bool
    public var hasBOM: Bool
    public var routing: RoutingDefined?

    public init(workOrder: String, item: String, quantity: Quantity, exists: Bool, itemKnown: Bool, hasBOM: Bool, routing: RoutingDefined?) {
        self.workOrder = workOrder
        self.item = item
        self.quantity = quantity
        self.exists = exists
        self.itemKnown = itemKnown
        self.hasBOM = hasBOM
        self.routing = routing
    }
}

/// Creating a work order: a new local id, a positive quantity, an item the plant can make (with a bill of
/// materials and a routing), and a routing that fits in a year; then finite-capacity scheduling (`Scheduler`).
public enum WorkOrderPlanning {
    /// The routing to schedule, or the first reason the order cannot be created.
    public static func check(_ request: WorkOrderRequest) throws(ProductionRefusal) -> RoutingDefined {
        guard PlantIdentity.isLocalCode(request.workOrder) else {
            throw ProductionRefusal(.invalid, "a work order id is 1 to 64 letters, digits, '-', '_' or '.'")
        }
        guard !request.exists else { throw ProductionRefusal(.invalid, "work order \(request.workOrder) exists already") }
        guard request.quantity.isPositive else { throw ProductionRefusal(.invalid, "the quantity must be positive") }
        guard request.itemKnown else { throw ProductionRefusal(.notFound, "no item \(request.item) in this plant's masters") }
        guard request.hasBOM else { throw ProductionRefusal(.notFound, "no bill of materials for \(request.item) at this plant") }
        guard let routing = request.routing else { throw ProductionRefusal(.notFound, "no routing for \(request.item) at this plant") }
        return routing
    }

    /// The order's slots on its work centres from `earliest` (never before `now`), after what each centre has
    /// booked (`busyUntil`). A year of work on one routing is a typo or a misunderstanding, not a work order.
    public static func schedule(
        _ routing: RoutingDefined, item: String, quantity: Quantity, earliest: Date, now: Date,
        calendars: [String: WorkCalendar], busyUntil: [String: Date]
    ) throws(ProductionRefusal) -> [Scheduler.Slot] {
        let seconds = routing.operations.reduce(0) { $0 + $1.seconds(for: quantity) }
        guard seconds <= 366 * 86_400 else {
            throw ProductionRefusal(
                .invalid, "\(quantity) of \(item) takes \(Int(seconds / 86_400)) days of work on its routing; split it into smaller orders")
        }
        var busy = busyUntil
        return Scheduler.schedule(routing.operations, quantity: quantity, earliest: max(earliest, now), calendars: calendars, busyUntil: &busy)
    }
}
