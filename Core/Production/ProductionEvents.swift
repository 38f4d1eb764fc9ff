import Foundation

/// A work centre (a machine or a line) with its working calendar, and the machine whose downtime delays it.
public struct WorkCentreDefined: PlantEvent {
    public static let eventType = "WorkCentreDefined"
    public static let schemaVersion = 1

    public var code: String
    public var name: String
    public var calendar: WorkCalendar
    /// The MQTT machine (`line/machine`) running this work centre, if any.
    public var machine: MachineID?

    public init(code: String, name: String, calendar: WorkCalendar, machine: MachineID?) {
        self.code = code
        self.name = name
        self.calendar = calendar
        self.machine = machine
    }
}

/// A plant's bill of materials for an item: components per unit with a scrap allowance, and by-products.
public struct BOMDefined: PlantEvent {
    public static let eventType = "BOMDefined"
    public static let schemaVersion = 1

    public struct Line: Sendable, Equatable, Codable {
        public var component: String
        /// Per unit of the parent, in the component's base unit.
        public var quantity: Quantity
        /// Extra to allow for scrap, in percent.
        public var scrapPercent: Quantity

        public init(component: String, quantity: Quantity, scrapPercent: Quantity = .zero) {
            self.component = component
            self.quantity = quantity
            self.scrapPercent = scrapPercent
        }

        enum CodingKeys: String, CodingKey { case component, quantity, scrapPercent }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            component = try container.decode(String.self, forKey: .component)
            quantity = try container.decode(Quantity.self, forKey: .quantity)
            scrapPercent = try container.decodeIfPresent(Quantity.self, forKey: .scrapPercent) ?? .zero
        }
    }

    public struct ByProduct: Sendable, Equatable, Codable {
        public var item: String
        public var quantity: Quantity

        public init(item: String, quantity: Quantity) {
            self.item = item
            self.quantity = quantity
        }
    }

    public var item: String
    public var lines: [Line]
    public var byProducts: [ByProduct]

    public init(item: String, lines: [Line], byProducts: [ByProduct] = []) {
        self.item = item
        self.lines = lines
        self.byProducts = byProducts
    }
}

/// A plant's routing for an item: its operations on work centres.
public struct RoutingDefined: PlantEvent {
    public static let eventType = "RoutingDefined"
    public static let schemaVersion = 1

    public var item: String
    public var operations: [RoutingOperation]

    public init(item: String, operations: [RoutingOperation]) {
        self.item = item
        self.operations = operations
    }
}

/// A work order was created and scheduled.
public struct WorkOrderCreated: PlantEvent {
    public static let eventType = "WorkOrderCreated"
    public static let schemaVersion = 1

    public var workOrder: String
    public var item: String
    public var quantity: Quantity
    public var due: Date?
    /// Where its components are taken from and its output goes.
    public var sourceLocation: String
    public var outputLocation: String
    public var schedule: [Scheduler.Slot]

    public init(
        workOrder: String, item: String, quantity: Quantity, due: Date?, sourceLocation: String, outputLocation: String,
        schedule: [Scheduler.Slot]
    ) {
        self.workOrder = workOrder
        self.item = item
        self.quantity = quantity
        self.due = due
        self.sourceLocation = sourceLocation
        self.outputLocation = outputLocation
        self.schedule = schedule
    }
}

/// Who allowed something the rules refuse by default, and why.
public struct Override: Sendable, Equatable, Codable {
    public var by: String
    public var role: String
    public var reason: String

    public init(by: String, role: String, reason: String) {
        self.by = by
        self.role = role
        self.reason = reason
    }
}

/// A work order was released: its components reserved, or released short by an override.
public struct WorkOrderReleased: PlantEvent {
    public static let eventType = "WorkOrderReleased"
    public static let schemaVersion = 1

    public var workOrder: String
    public var reservedLines: Int
    public var override: Override?
    /// What was short when an override released it anyway.
    public var shortages: [Shortage]

    public init(workOrder: String, reservedLines: Int, override: Override?, shortages: [Shortage]) {
        self.workOrder = workOrder
        self.reservedLines = reservedLines
        self.override = override
        self.shortages = shortages
    }
}

/// An operation of a work order started, paused, resumed or finished, with what it made.
public struct OperationProgressed: PlantEvent {
    public static let eventType = "OperationProgressed"
    public static let schemaVersion = 1

    public enum Step: String, Sendable, Codable { case started, paused, resumed, finished }

    public var workOrder: String
    public var sequence: Int
    public var step: Step
    public var good: Quantity?
    public var scrap: Quantity?
    public var rework: Quantity?
    public var reasons: [String]

    public init(workOrder: String, sequence: Int, step: Step, good: Quantity? = nil, scrap: Quantity? = nil, rework: Quantity? = nil, reasons: [String] = []) {
        self.workOrder = workOrder
        self.sequence = sequence
        self.step = step
        self.good = good
        self.scrap = scrap
        self.rework = rework
        self.reasons = reasons
    }
}

/// A quality control point: a check at an item's receipt or an operation, pass/fail or measured.
public struct QualityPointDefined: PlantEvent {
    public static let eventType = "QualityPointDefined"
    public static let schemaVersion = 1

    public enum Scope: String, Sendable, Codable { case receipt, operation, item }
    public enum Kind: String, Sendable, Codable { case passFail = "pass-fail", measurement }
    /// What a failure does: block the operation, or send the quantity to quarantine.
    public enum OnFailure: String, Sendable, Codable { case block, quarantine }

    public var point: String
    public var scope: Scope
    public var item: String
    public var operation: Int?
    public var kind: Kind
    public var characteristic: String
    public var lower: Quantity?
    public var upper: Quantity?
    public var onFailure: OnFailure

    public init(
        point: String, scope: Scope, item: String, operation: Int?, kind: Kind, characteristic: String, lower: Quantity?,
        upper: Quantity?, onFailure: OnFailure
    ) {
        self.point = point
        self.scope = scope
        self.item = item
        self.operation = operation
        self.kind = kind
        self.characteristic = characteristic
        self.lower = lower
        self.upper = upper
        self.onFailure = onFailure
    }
}

/// A quality check was made at a point; a failure names the nonconformance it opened.
public struct QualityCheckRecorded: PlantEvent {
    public static let eventType = "QualityCheckRecorded"
    public static let schemaVersion = 1

    public var checkId: UUID
    public var point: String
    public var workOrder: String?
    public var item: String
    public var lot: String?
    public var passed: Bool
    public var value: Quantity?
    public var nonconformance: UUID?

    public init(checkId: UUID, point: String, workOrder: String?, item: String, lot: String?, passed: Bool, value: Quantity?, nonconformance: UUID?) {
        self.checkId = checkId
        self.point = point
        self.workOrder = workOrder
        self.item = item
        self.lot = lot
        self.passed = passed
        self.value = value
        self.nonconformance = nonconformance
    }
}

/// Material did not conform: how much, why, and where it went.
public struct NonconformanceOpened: PlantEvent {
    public static let eventType = "NonconformanceOpened"
    public static let schemaVersion = 1

    public var nonconformance: UUID
    public var workOrder: String?
    public var supplier: String?
    public var item: String
    public var lot: String?
    public var quantity: Quantity
    public var reason: String
    /// `quarantined` (moved to a quarantine location and held) or `blocked` (the operation waits).
    public var disposition: String

    public init(
        nonconformance: UUID, workOrder: String?, supplier: String?, item: String, lot: String?, quantity: Quantity, reason: String,
        disposition: String
    ) {
        self.nonconformance = nonconformance
        self.workOrder = workOrder
        self.supplier = supplier
        self.item = item
        self.lot = lot
        self.quantity = quantity
        self.reason = reason
        self.disposition = disposition
    }
}

/// A work order was completed: planned against actual start, finish and quantity (schedule adherence).
public struct WorkOrderCompleted: PlantEvent {
    public static let eventType = "WorkOrderCompleted"
    public static let schemaVersion = 1

    public var workOrder: String
    public var item: String
    public var plannedQuantity: Quantity
    public var good: Quantity
    public var scrap: Quantity
    public var rework: Quantity
    public var plannedStart: Date
    public var plannedFinish: Date
    public var actualStart: Date
    public var actualFinish: Date

    public init(
        workOrder: String, item: String, plannedQuantity: Quantity, good: Quantity, scrap: Quantity, rework: Quantity,
        plannedStart: Date, plannedFinish: Date, actualStart: Date, actualFinish: Date
    ) {
        self.workOrder = workOrder
        self.item = item
        self.plannedQuantity = plannedQuantity
        self.good = good
        self.scrap = scrap
        self.rework = rework
        self.plannedStart = plannedStart
        self.plannedFinish = plannedFinish
        self.actualStart = actualStart
        self.actualFinish = actualFinish
    }
}

/// Multi-level explosion of a bill of materials.
public enum BOMExplosion {
    public struct Requirement: Sendable, Equatable, Codable {
        public var level: Int
        public var parent: String
        public var component: String
        public var quantity: Quantity
    }

    /// Every component at every level for `quantity` of `item`, scrap allowances included; a BOM that contains
    /// itself (directly or not) is refused.
    public static func explode(_ item: String, quantity: Quantity, boms: [String: BOMDefined]) throws(ProductionRefusal) -> [Requirement] {
        var requirements: [Requirement] = []
        func walk(_ parent: String, _ needed: Quantity, level: Int, path: [String]) throws(ProductionRefusal) {
            guard let bom = boms[parent] else { return }
            for line in bom.lines {
                guard !path.contains(line.component) else {
                    throw ProductionRefusal(.invalid, "the bill of materials loops: \((path + [line.component]).joined(separator: " → "))")
                }
                let perUnit = line.quantity.decimal * (1 + line.scrapPercent.decimal / 100)
                guard let amount = Quantity(decimal: roundedUp(needed.decimal * perUnit)) else {
                    throw ProductionRefusal(.invalid, "\(needed) of \(parent) needs more \(line.component) than can be counted")
                }
                requirements.append(Requirement(level: level, parent: parent, component: line.component, quantity: amount))
                try walk(line.component, amount, level: level + 1, path: path + [line.component])
            }
        }
        guard quantity > .zero else { throw ProductionRefusal(.invalid, "the quantity to explode must be more than 0") }
        guard boms[item] != nil else { throw ProductionRefusal(.notFound, "no bill of materials for \(item)") }
        try walk(item, quantity, level: 1, path: [item])
        return requirements
    }

    /// Up to the next millionth: a scrap allowance never rounds a requirement down.
    public static func roundedUp(_ value: Decimal) -> Decimal {
        var scaled = value * Decimal(Quantity.scale), rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .up)
        return rounded / Decimal(Quantity.scale)
    }
}

/// A purchase order line's due date moved (a supplier's new commitment, an expedite).
public struct PurchaseOrderLineRescheduled: PlantEvent {
    public static let eventType = "PurchaseOrderLineRescheduled"
    public static let schemaVersion = 1

    public var order: String
    public var line: Int
    public var due: String?

    public init(order: String, line: Int, due: String?) {
        self.order = order
        self.line = line
        self.due = due
    }
}
