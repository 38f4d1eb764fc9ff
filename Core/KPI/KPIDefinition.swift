import Foundation

/// A KPI as the hub governs it (`kpi` master): its formula, the unit its figure and target are written in, the
/// target and its direction, and the master version that last changed it, shown beside every figure it makes.
public struct KPIDefinition: Sendable, Equatable, Codable {
    /// The master's key.
    public var key: String
    /// The company it belongs to; nil when shared by all.
    public var company: String?
    /// What pages call it.
    public var name: String
    public var formula: KPIFormula
    /// `%` for a ratio in percent; `h`, `min` or `s` for MTBF and MTTR; anything else leaves the figure a fraction
    /// (ratios) or in hours (MTBF, MTTR).
    public var unit: String
    /// The target in `unit`; nil for none (no figure is then flagged).
    public var target: Decimal?
    /// Whether a figure above the target is on target (availability, OEE) rather than below it (scrap, MTTR).
    public var higherIsBetter: Bool
    /// The master version that last changed the definition.
    public var version: Int64

    public init(
        key: String, company: String? = nil, name: String, formula: KPIFormula, unit: String, target: Decimal?,
        higherIsBetter: Bool, version: Int64
    ) {
        self.key = key
        self.company = company
        self.name = name
        self.formula = formula
        self.unit = unit
        self.target = target
        self.higherIsBetter = higherIsBetter
        self.version = version
    }

    /// The definition a `kpi` master record holds; nil for another kind, a retired record, or a formula this build
    /// does not know.
    public init?(_ record: MasterRecord) {
        guard record.active, let master = KPIMaster(record), let formula = master.kpiFormula else { return nil }
        self.init(
            key: master.key, company: master.company, name: master.name, formula: formula, unit: master.unit,
            target: master.target, higherIsBetter: master.higherIsBetter, version: record.version)
    }

    /// What one unit of the formula's own figure (a fraction, or hours) is in `unit`.
    public var scale: Double {
        switch (formula, unit.lowercased()) {
        case (.mtbf, "min"), (.mttr, "min"): 60
        case (.mtbf, "s"), (.mttr, "s"): 3600
        case (.mtbf, _), (.mttr, _): 1
        case (.overduePurchaseLines, _), (.maintenanceInterruptions, _): 1
        case (_, "%"): 100
        default: 1
        }
    }

    /// The definition's figure over `elements`, in its unit, compared with its target.
    public func reading(_ elements: KPIElements) -> KPIReading {
        KPIReading(definition: self, value: elements.value(formula).map { $0 * scale })
    }

    /// The definition's figure over a plant's operations elements, in its unit, compared with its target.
    public func reading(_ elements: OperationsElements) -> KPIReading {
        KPIReading(definition: self, value: elements.value(formula).map { $0 * scale })
    }
}

/// Formulas travel by their master name (`quality-ratio`).
extension KPIFormula: Codable {}
