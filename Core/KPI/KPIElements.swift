import Foundation

/// The ISO 22400-2 time and quantity elements of one machine (or of many, summed) over one window: everything a
/// KPI is computed from. Elements add, and that is how every level aggregates (machine → line → work centre →
/// plant → company → group): sum the elements, then divide (`KPIElements+Formulas.swift`); never average ratios.
///
/// Times are seconds. State times come from `MachineTimeline` intervals, whose ends are `Date`s: a duration is
/// the difference of two nearby instants, exact in a `Double` (a whole multiple of the instants' last bit, 2⁻²³ s
/// for dates of 2018–2035), and sums of such durations stay exact below 2³⁰ s, so the hour buckets of a window sum
/// to the window's elements exactly. Quantities and planned run time are exact (`Quantity`, `Decimal`).
public struct KPIElements: Sendable, Equatable, Codable {
    /// APT, actual production time: seconds `running`.
    public var actualProductionTime: Double
    /// AUST, actual unit setup time: seconds in `setup`.
    public var setupTime: Double
    /// ADET, actual unit delay time: seconds `idle` (ready but not producing).
    public var delayTime: Double
    /// ADOT, actual unit down time: seconds `down`.
    public var downTime: Double
    /// PDOT, planned downtime: seconds in `planned_stop`, outside planned busy time.
    public var plannedStopTime: Double
    /// Seconds with no signal (`unknown`): outside planned busy time, never held against the machine.
    public var unknownTime: Double
    /// Σ PRI × PQ, seconds: the planned run time of what was produced, summed count by count with each count's own
    /// planned run time per unit, so it adds across items and machines. Exact (`Decimal`), so buckets sum to their
    /// window whatever the order. Counts without a known rate add nothing here and their quantity to
    /// `unratedQuantity`.
    public var plannedRunTime: Decimal
    /// GQ, good quantity.
    public var good: Quantity
    /// SQ, scrap quantity.
    public var scrap: Quantity
    /// RQ, rework quantity.
    public var rework: Quantity
    /// Produced quantity with no planned run time per unit: while it is not zero, effectiveness (and OEE) has no
    /// value rather than a wrong one.
    public var unratedQuantity: Quantity
    /// Failures that began in the window (`down` stretches whose reason is a failure, or is unknown or missing).
    public var failures: Int64
    /// Seconds down in failures within the window (MTTR's numerator).
    public var repairTime: Double

    public init(
        actualProductionTime: Double = 0, setupTime: Double = 0, delayTime: Double = 0, downTime: Double = 0,
        plannedStopTime: Double = 0, unknownTime: Double = 0, plannedRunTime: Decimal = 0, good: Quantity = .zero,
        scrap: Quantity = .zero, rework: Quantity = .zero, unratedQuantity: Quantity = .zero, failures: Int64 = 0,
        repairTime: Double = 0
    ) {
        self.actualProductionTime = actualProductionTime
        self.setupTime = setupTime
        self.delayTime = delayTime
        self.downTime = downTime
        self.plannedStopTime = plannedStopTime
        self.unknownTime = unknownTime
        self.plannedRunTime = plannedRunTime
        self.good = good
        self.scrap = scrap
        self.rework = rework
        self.unratedQuantity = unratedQuantity
        self.failures = failures
        self.repairTime = repairTime
    }

    /// No time and no quantity: the sum of nothing.
    public static let zero = KPIElements()

    /// PBT, planned busy time: APT + AUST + ADET + ADOT, which is the window less planned stops and unknown time
    /// (as the machine-time report's availability has it).
    public var plannedBusyTime: Double { actualProductionTime + setupTime + delayTime + downTime }

    /// PQ, produced quantity: GQ + SQ + RQ.
    public var produced: Quantity { good + scrap + rework }

    /// Every second of the window that has passed: PBT + planned stops + unknown time.
    public var elapsedTime: Double { plannedBusyTime + plannedStopTime + unknownTime }

    /// Seconds in `state`.
    public subscript(state: MachineState) -> Double {
        get {
            switch state {
            case .running: actualProductionTime
            case .setup: setupTime
            case .idle: delayTime
            case .down: downTime
            case .plannedStop: plannedStopTime
            case .unknown: unknownTime
            }
        }
        set {
            switch state {
            case .running: actualProductionTime = newValue
            case .setup: setupTime = newValue
            case .idle: delayTime = newValue
            case .down: downTime = newValue
            case .plannedStop: plannedStopTime = newValue
            case .unknown: unknownTime = newValue
            }
        }
    }

    /// Element by element.
    public static func + (lhs: KPIElements, rhs: KPIElements) -> KPIElements {
        var sum = lhs
        sum += rhs
        return sum
    }

    /// Element by element.
    public static func += (lhs: inout KPIElements, rhs: KPIElements) {
        lhs.actualProductionTime += rhs.actualProductionTime
        lhs.setupTime += rhs.setupTime
        lhs.delayTime += rhs.delayTime
        lhs.downTime += rhs.downTime
        lhs.plannedStopTime += rhs.plannedStopTime
        lhs.unknownTime += rhs.unknownTime
        lhs.plannedRunTime += rhs.plannedRunTime
        lhs.good += rhs.good
        lhs.scrap += rhs.scrap
        lhs.rework += rhs.rework
        lhs.unratedQuantity += rhs.unratedQuantity
        lhs.failures += rhs.failures
        lhs.repairTime += rhs.repairTime
    }
}

extension Sequence<KPIElements> {
    /// The elements of a whole (a line, a plant, a week) from those of its parts.
    public func sum() -> KPIElements { reduce(into: .zero) { $0 += $1 } }
}
