import Foundation

/// The ISO 22400-2 formulas over elements. Each is a ratio of sums: `nil` (not zero) when its denominator is
/// zero, so "nothing to measure" never reads as "measured zero". Ratios are fractions (0.85, not 85); MTBF and
/// MTTR are hours.
extension KPIElements {
    /// A = APT / PBT.
    public var availability: Double? { Self.ratio(actualProductionTime, plannedBusyTime) }

    /// E = PRI × PQ / APT; nil while some produced quantity has no planned run time per unit.
    public var effectiveness: Double? {
        guard unratedQuantity == .zero else { return nil }
        return Self.ratio(plannedRunSeconds, actualProductionTime)
    }

    /// QR = GQ / PQ.
    public var qualityRatio: Double? { Self.ratio(good, produced) }

    /// OEE = A × E × QR; nil when any of the three is.
    public var oee: Double? {
        guard let availability, let effectiveness, let qualityRatio else { return nil }
        return availability * effectiveness * qualityRatio
    }

    /// SQ / PQ.
    public var scrapRatio: Double? { Self.ratio(scrap, produced) }

    /// RQ / PQ.
    public var reworkRatio: Double? { Self.ratio(rework, produced) }

    /// AUST / (APT + AUST).
    public var setupRatio: Double? { Self.ratio(setupTime, actualProductionTime + setupTime) }

    /// APT / (APT + ADET).
    public var technicalEfficiency: Double? { Self.ratio(actualProductionTime, actualProductionTime + delayTime) }

    /// Mean operating time between failures, hours: APT / failures.
    public var mtbfHours: Double? { failures > 0 ? actualProductionTime / Double(failures) / 3600 : nil }

    /// Mean time to repair, hours: repair time / failures.
    public var mttrHours: Double? { failures > 0 ? repairTime / Double(failures) / 3600 : nil }

    /// The value of `formula` (a fraction, or hours for MTBF and MTTR); nil for a plant's operations formula.
    public func value(_ formula: KPIFormula) -> Double? {
        switch formula {
        case .availability: availability
        case .effectiveness: effectiveness
        case .qualityRatio: qualityRatio
        case .oee: oee
        case .scrapRatio: scrapRatio
        case .reworkRatio: reworkRatio
        case .mtbf: mtbfHours
        case .mttr: mttrHours
        case .setupRatio: setupRatio
        case .technicalEfficiency: technicalEfficiency
        case .supplierConfirmationRate, .overduePurchaseLines, .scheduleAdherence, .orderCompletionReliability,
             .cycleCountAccuracy, .maintenanceInterruptions:
            nil
        }
    }

    /// `plannedRunTime` as a `Double`, for ratios and charts.
    public var plannedRunSeconds: Double { NSDecimalNumber(decimal: plannedRunTime).doubleValue }

    static func ratio(_ numerator: Double, _ denominator: Double) -> Double? {
        denominator > 0 ? numerator / denominator : nil
    }

    static func ratio(_ numerator: Quantity, _ denominator: Quantity) -> Double? {
        // Both are whole millionths: exact as Doubles below 2^53 millionths (9 × 10^9 units), within a Double's precision above.
        denominator > .zero ? Double(numerator.micro) / Double(denominator.micro) : nil
    }
}
