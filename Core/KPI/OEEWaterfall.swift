import Foundation

/// OEE as time, for a waterfall chart: planned busy time, less what each factor lost, leaves the fully productive
/// time, and `fullyProductiveTime / plannedBusyTime` is the OEE index.
///
/// - availability loss = PBT − APT (setup, delay and down time);
/// - performance loss = APT − PRI × PQ (running slower than planned; negative when the planned rate is slower
///   than the machine, which `effectiveness` above 1 shows too);
/// - quality loss = PRI × PQ × (1 − QR) (planned run time spent on scrap and rework);
/// - fully productive time = PRI × PQ × QR.
///
/// The quality loss is the planned run time of what was produced times the share not good, not the planned run
/// time of the scrap counted item by item: so the chart ends at exactly A × E × QR even when items with different
/// rates were made.
public struct OEEWaterfall: Sendable, Equatable, Codable {
    /// PBT, seconds: where the waterfall starts.
    public var plannedBusyTime: Double
    /// PBT − APT, seconds.
    public var availabilityLoss: Double
    /// APT − Σ PRI × PQ, seconds.
    public var performanceLoss: Double
    /// Σ PRI × PQ × (1 − QR), seconds.
    public var qualityLoss: Double
    /// Σ PRI × PQ × QR, seconds: where the waterfall ends.
    public var fullyProductiveTime: Double

    /// The waterfall of `elements`; nil without planned busy time or while some produced quantity has no planned
    /// run time per unit.
    public init?(_ elements: KPIElements) {
        guard elements.plannedBusyTime > 0, elements.unratedQuantity == .zero else { return nil }
        let good = elements.qualityRatio ?? 0  // nothing produced: no planned run time to split
        let planned = elements.plannedRunSeconds
        plannedBusyTime = elements.plannedBusyTime
        availabilityLoss = elements.plannedBusyTime - elements.actualProductionTime
        performanceLoss = elements.actualProductionTime - planned
        qualityLoss = planned * (1 - good)
        fullyProductiveTime = planned * good
    }
}
