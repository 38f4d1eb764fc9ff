import Foundation

/// A cycle count against the books: every counted line checked, each compared with what the books held at that
/// moment, and every difference a variance to post. A complete count counts stock no line names as none.
public enum CountReconciliation {
    /// One counted line with what the masters say of its item.
    public struct CountedLine: Sendable, Equatable {
        public var unit: UnitSpec
        public var masters: UnitResolution.Snapshot

        public init(unit: UnitSpec, masters: UnitResolution.Snapshot) {
            self.unit = unit
            self.masters = masters
        }
    }

    /// A difference between the count and the books, to post as an adjustment.
    public struct Variance: Sendable, Equatable {
        public var key: StockKey
        /// Found less expected: positive when the count found more.
        public var variance: Quantity
        /// The counted unit; nil for books stock a complete count did not find.
        public var unit: ResolvedUnit?
    }

    public struct Decision: Sendable, Equatable {
        /// Every compared line, in item, lot and serial order.
        public var lines: [CountLine]
        public var exactLines: Int
        public var variances: [Variance]

        /// Exact lines of all lines, 0–1 (1 for a count of nothing).
        public var accuracy: Double { lines.isEmpty ? 1 : Double(exactLines) / Double(lines.count) }
    }

    /// Reconciles `counted` with `books` (the location's stock by item, lot and serial).
    public static func decide(_ counted: [CountedLine], books: [StockKey: Quantity], complete: Bool) throws -> Decision {
        var found: [StockKey: ResolvedUnit] = [:]
        for (index, line) in counted.enumerated() {
            let unit = try countedUnit(line, index: index)
            let key = StockKey(unit)
            guard found[key] == nil else {
                throw InventoryRefusal(.invalid, "line \(index + 1): \(unit.description) is counted twice", field: "lines[\(index)]")
            }
            found[key] = unit
        }
        var lines: [CountLine] = []
        var variances: [Variance] = []
        let keys = complete ? Set(found.keys).union(books.keys) : Set(found.keys)
        for key in keys.sorted() {
            let expected = books[key] ?? .zero, quantity = found[key]?.quantity ?? .zero
            lines.append(CountLine(
                item: key.item, lot: key.lot.isEmpty ? nil : key.lot, serial: key.serial.isEmpty ? nil : key.serial, expected: expected,
                counted: quantity))
            if quantity != expected { variances.append(Variance(key: key, variance: quantity - expected, unit: found[key])) }
        }
        return Decision(lines: lines, exactLines: lines.count(where: { $0.variance == .zero }), variances: variances)
    }

    /// One line's unit with its counted quantity in base units, or the line's refusal.
    static func countedUnit(_ line: CountedLine, index: Int) throws -> ResolvedUnit {
        let spec = line.unit, field = "lines[\(index)]"
        var unit: ResolvedUnit
        do { unit = try UnitResolution.decide(spec, line.masters, quantityRequired: false) } catch let refusal as InventoryRefusal {
            throw InventoryRefusal(refusal.code, "line \(index + 1): \(refusal.detail)", field: field)
        }
        let serialNamed = spec.serial != nil || spec.scanned?.serial != nil
        guard let quantity = spec.quantity.flatMap({ unit.item.baseQuantity($0, unit: spec.uom) }) ?? (serialNamed ? Quantity(1) : nil) else {
            throw InventoryRefusal(.quantityRequired, "line \(index + 1): the counted quantity is required", field: field)
        }
        guard quantity >= .zero else { throw InventoryRefusal(.invalid, "line \(index + 1): a count is never negative", field: field) }
        if unit.item.tracking == .serial, quantity > Quantity(1) {
            throw InventoryRefusal(.serialQuantity, "line \(index + 1): a serial is counted as 0 or 1, not \(quantity)", field: field)
        }
        if unit.item.uom == "EA", !quantity.isWhole {
            throw InventoryRefusal(.invalid, "line \(index + 1): \(unit.item.key) is counted in whole EA, not \(quantity)", field: field)
        }
        unit.quantity = quantity
        return unit
    }
}
