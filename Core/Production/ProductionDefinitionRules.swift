import Foundation

/// What makes a work centre, a bill of materials, a routing or a quality point acceptable at a plant. Each
/// decision takes what the plant knows of the items and work centres it names (read by the store in its write
/// transaction) and refuses with the first problem, in the order an operator fixes them.
public enum ProductionDefinitionRules {
    /// A work centre has a local code and a calendar with working time.
    public static func check(_ centre: WorkCentreDefined) throws(ProductionRefusal) {
        guard PlantIdentity.isLocalCode(centre.code) else {
            throw ProductionRefusal(.invalid, "a work centre code is 1 to 64 letters, digits, '-', '_' or '.'")
        }
        _ = try centre.calendar.validated()
    }

    /// A bill of materials is for a known item, has lines, names known components (by-products too) with positive
    /// quantities and scrap allowances that are not negative, and does not loop with the plant's other bills
    /// (`boms`, this one not yet among them). Returns the plant's bills with this one in place.
    public static func check(
        _ bom: BOMDefined, knownItems: Set<String>, boms: [String: BOMDefined]
    ) throws(ProductionRefusal) -> [String: BOMDefined] {
        guard knownItems.contains(bom.item) else { throw ProductionRefusal(.notFound, "no item \(bom.item) in this plant's masters") }
        guard !bom.lines.isEmpty else { throw ProductionRefusal(.invalid, "a bill of materials needs at least one line") }
        for line in bom.lines + bom.byProducts.map({ BOMDefined.Line(component: $0.item, quantity: $0.quantity) }) {
            guard knownItems.contains(line.component) else {
                throw ProductionRefusal(.notFound, "no item \(line.component) in this plant's masters")
            }
            guard line.quantity.isPositive, line.scrapPercent >= .zero else {
                throw ProductionRefusal(.invalid, "\(line.component): the quantity must be positive and the scrap allowance not negative")
            }
        }
        var boms = boms
        boms[bom.item] = bom
        _ = try BOMExplosion.explode(bom.item, quantity: Quantity(1), boms: boms)
        return boms
    }

    /// A routing is for a known item, with operations of distinct sequence numbers on known work centres, with
    /// setup times that are not negative and positive run times.
    public static func check(_ routing: RoutingDefined, itemKnown: Bool, knownWorkCentres: Set<String>) throws(ProductionRefusal) {
        guard itemKnown else { throw ProductionRefusal(.notFound, "no item \(routing.item) in this plant's masters") }
        guard !routing.operations.isEmpty, Set(routing.operations.map(\.sequence)).count == routing.operations.count else {
            throw ProductionRefusal(.invalid, "a routing needs operations with distinct sequence numbers")
        }
        for operation in routing.operations {
            guard knownWorkCentres.contains(operation.workCentre) else {
                throw ProductionRefusal(.notFound, "no work centre \(operation.workCentre)")
            }
            guard operation.setupMinutes >= .zero, operation.runMinutesPerUnit.isPositive else {
                throw ProductionRefusal(.invalid, "operation \(operation.sequence): times must not be negative, run time positive")
            }
        }
    }

    /// A quality point has a local code, is for a known item, and a measurement has a lower or an upper limit.
    public static func check(_ point: QualityPointDefined, itemKnown: Bool) throws(ProductionRefusal) {
        guard PlantIdentity.isLocalCode(point.point) else {
            throw ProductionRefusal(.invalid, "a quality point code is 1 to 64 letters, digits, '-', '_' or '.'")
        }
        guard itemKnown else { throw ProductionRefusal(.notFound, "no item \(point.item) in this plant's masters") }
        if point.kind == .measurement, point.lower == nil && point.upper == nil {
            throw ProductionRefusal(.invalid, "a measurement needs a lower or an upper limit")
        }
    }

    /// A purchase order line's new due date is a date `YYYY-MM-DD`, or none.
    public static func checkDue(_ due: String?) throws(ProductionRefusal) {
        if let due, due.count != 10 || Timestamp.parse(due + "T00:00:00Z") == nil {
            throw ProductionRefusal(.invalid, "due is a date YYYY-MM-DD")
        }
    }

    /// Rescheduling purchase order line `order`/`line` (`lineExists`: the plant has it) to `due` (`checkDue`).
    public static func reschedule(order: String, line: Int, due: String?, lineExists: Bool) throws(ProductionRefusal) {
        try checkDue(due)
        guard lineExists else { throw ProductionRefusal(.notFound, "no purchase order line \(order)/\(line)") }
    }
}
