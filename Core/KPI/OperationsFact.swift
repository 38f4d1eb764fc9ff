import Foundation

/// One plant fact's additions to its operations elements, at the instant it happened: what the hub adds to the
/// plant's hour row as it applies the event (exactly once, with the event), and what the agent sums from its own log.
public struct OperationsFact: Sendable, Equatable {
    /// When it happened (a work order's actual finish, a count's or a request's time).
    public var at: Date
    /// What it adds; elements it does not touch are absent.
    public var adds: [OperationsElement: Int64]

    public init(at: Date, adds: [OperationsElement: Int64]) {
        self.at = at
        self.adds = adds
    }

    /// A completed work order: on time when it finished by its planned finish, in full with at least the planned
    /// quantity good.
    public init(_ completed: WorkOrderCompleted) {
        let onTime = completed.actualFinish <= completed.plannedFinish
        let inFull = completed.good >= completed.plannedQuantity
        at = completed.actualFinish
        adds = [
            .workOrdersCompleted: 1, .workOrdersOnTime: onTime ? 1 : 0, .workOrdersInFull: inFull ? 1 : 0,
            .workOrdersOnTimeInFull: onTime && inFull ? 1 : 0,
        ]
    }

    /// A cycle count: its lines, and those the plant recorded as matching the books (`exactLines`, never more
    /// than the lines).
    public init(_ counted: StockCounted, at: Date) {
        self.at = at
        let lines = Int64(counted.lines.count)
        adds = [.countLines: lines, .countLinesExact: min(max(Int64(counted.exactLines), 0), lines)]
    }

    /// A maintenance request: corrective ones interrupt production unplanned; a preventive one adds nothing.
    public init?(_ requested: MaintenanceRequested) {
        guard requested.kind == "corrective" else { return nil }
        at = requested.at
        adds = [.maintenanceInterruptions: 1]
    }

    /// The facts' elements summed.
    public static func sum(_ facts: [OperationsFact]) -> OperationsElements {
        var elements = OperationsElements.zero
        for fact in facts {
            for (element, count) in fact.adds { elements[element] += count }
        }
        return elements
    }
}
