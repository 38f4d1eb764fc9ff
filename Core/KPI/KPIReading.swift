import Foundation

/// A KPI's figure over a window, compared with its governed target: on target when it is at the target (within a
/// billionth of it) or on the better side of it (above for `higherIsBetter`, below otherwise), off target
/// (flagged) when on the worse side. Carries the definition's version so a page can say which definition made the figure.
public struct KPIReading: Sendable, Equatable, Codable {
    /// How the figure stands against the target.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case onTarget = "on-target"
        /// On the worse side of the target: flagged.
        case offTarget = "off-target"
        /// The definition has no target: nothing to flag.
        case noTarget = "no-target"
        /// Nothing to measure in the window (a zero denominator): no figure, so no flag.
        case noValue = "no-value"
    }

    /// The definition's key, name, formula and unit.
    public var key: String
    public var name: String
    public var formula: KPIFormula
    public var unit: String
    /// The figure in `unit`; nil when the formula has no value over the window.
    public var value: Double?
    /// The definition's target and direction.
    public var target: Decimal?
    public var higherIsBetter: Bool
    /// The master version of the definition that made the figure.
    public var version: Int64
    public var status: Status

    /// `value` (already in the definition's unit) against `definition`'s target.
    public init(definition: KPIDefinition, value: Double?) {
        key = definition.key
        name = definition.name
        formula = definition.formula
        unit = definition.unit
        self.value = value
        target = definition.target
        higherIsBetter = definition.higherIsBetter
        version = definition.version
        status = Self.status(value, against: definition.target, higherIsBetter: definition.higherIsBetter)
    }

    /// Whether the figure crossed its target to the worse side.
    public var flagged: Bool { status == .offTarget }

    static func status(_ value: Double?, against target: Decimal?, higherIsBetter: Bool) -> Status {
        guard let value else { return .noValue }
        guard let target else { return .noTarget }
        let goal = NSDecimalNumber(decimal: target).doubleValue
        // A ratio is binary floating point (7 % of scrap is 0.07 × 100 = 7.000000000000001): within a billionth
        // of the target is at the target, never flagged for rounding.
        if abs(value - goal) <= 1e-9 * max(1, abs(goal)) { return .onTarget }
        let better = higherIsBetter ? value > goal : value < goal
        return better ? .onTarget : .offTarget
    }
}
