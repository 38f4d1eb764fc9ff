import Foundation
import GantryCore

/// A plant's operations facts summed per UTC hour and element: what the hub adds to `kpi_operations_hours` in the
/// transaction that applies the events carrying them. A row only grows by events applied once each, so a resent
/// event adds nothing and a late one adds to the hour it happened in.
enum OperationsRollup {
    /// One hour's addition to one element.
    struct Row: Equatable {
        var hour: Date
        var element: OperationsElement
        var value: Int64
    }

    /// The plant event types whose facts the rows sum (for the migration's backfill).
    static let eventTypes = [WorkOrderCompleted.eventType, StockCounted.eventType, MaintenanceRequested.eventType]

    /// The facts' additions per hour and element, without zeros, in hour then element order.
    static func rows(_ facts: [OperationsFact]) -> [Row] {
        var sums: [Date: [OperationsElement: Int64]] = [:]
        for fact in facts {
            let hour = MachineElements.bucketStart(of: fact.at)
            for (element, value) in fact.adds { sums[hour, default: [:]][element, default: 0] += value }
        }
        return sums.keys.sorted().flatMap { hour in
            OperationsElement.allCases.compactMap { element in
                sums[hour]?[element].flatMap { $0 == 0 ? nil : Row(hour: hour, element: element, value: $0) }
            }
        }
    }
}

/// A plant's stored operations rows summed over a window, and its purchase lines still owed now by due day.
public struct OperationsPlantFacts: Sendable, Equatable {
    public var company: String
    public var plant: String
    /// The plant's IANA time zone: its "today" decides which owed lines are overdue.
    public var timeZone: String
    /// The flow elements summed over the window's hours.
    public var flows: [OperationsElement: Int64]
    /// Owed purchase lines grouped by due day (`YYYY-MM-DD` in the plant's calendar; nil for none) and confirmation.
    public var owedLines: [OwedLines]

    public init(company: String, plant: String, timeZone: String, flows: [OperationsElement: Int64], owedLines: [OwedLines]) {
        self.company = company
        self.plant = plant
        self.timeZone = timeZone
        self.flows = flows
        self.owedLines = owedLines
    }

    /// Purchase lines still owed that share a due day and whether the supplier confirmed them.
    public struct OwedLines: Sendable, Equatable {
        public var due: String?
        public var confirmed: Bool
        public var lines: Int64

        public init(due: String?, confirmed: Bool, lines: Int64) {
            self.due = due
            self.confirmed = confirmed
            self.lines = lines
        }
    }

    /// The plant's elements: its flows, and its owed lines as of `today` (the plant's own day, `YYYY-MM-DD`):
    /// overdue when due before it.
    public func elements(today: String) -> OperationsElements {
        var elements = OperationsElements.zero
        for (element, value) in flows { elements[element] += value }
        for owed in owedLines {
            elements.purchaseLinesOpen += owed.lines
            if owed.confirmed { elements.purchaseLinesConfirmed += owed.lines }
            if let due = owed.due, due < today { elements.purchaseLinesOverdue += owed.lines }
        }
        return elements
    }
}
