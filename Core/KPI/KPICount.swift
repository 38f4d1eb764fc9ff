import Foundation

/// Quantities a machine reported at one instant, with the planned run time per unit (PRI, the ideal cycle time)
/// of what it was making, when known.
///
/// PRI comes from the machine's governed `machine-rate` master (`MachineRates`), from the routing operation a work
/// order runs (`RoutingOperation.runMinutesPerUnit`, see `plannedSeconds(of:)`), or is unknown (`nil`).
public struct KPICount: Sendable, Equatable, Codable {
    /// When the quantities were counted; the window and bucket holding it get them.
    public var at: Date
    /// GQ.
    public var good: Quantity
    /// SQ.
    public var scrap: Quantity
    /// RQ.
    public var rework: Quantity
    /// PRI in seconds (exact, as routings give it in minutes); nil when no rate is known (the quantity then
    /// counts as unrated).
    public var plannedSecondsPerUnit: Decimal?

    public init(
        at: Date, good: Quantity = .zero, scrap: Quantity = .zero, rework: Quantity = .zero, plannedSecondsPerUnit: Decimal? = nil
    ) {
        self.at = at
        self.good = good
        self.scrap = scrap
        self.rework = rework
        self.plannedSecondsPerUnit = plannedSecondsPerUnit
    }

    /// A machine's `…/count` message (good and scrap pieces; machines report no rework).
    public init(_ event: MachineCountReported, plannedSecondsPerUnit: Decimal? = nil) {
        self.init(at: event.at, good: Quantity(event.good), scrap: Quantity(event.scrap), plannedSecondsPerUnit: plannedSecondsPerUnit)
    }

    /// PRI in seconds from a routing operation's run minutes per unit.
    public static func plannedSeconds(of operation: RoutingOperation) -> Decimal {
        operation.runMinutesPerUnit.decimal * 60
    }

    /// The count as elements: its quantities, and PRI × PQ as planned run time when the rate is known.
    var elements: KPIElements {
        var elements = KPIElements(good: good, scrap: scrap, rework: rework)
        if let plannedSecondsPerUnit {
            elements.plannedRunTime = elements.produced.decimal * plannedSecondsPerUnit
        } else {
            elements.unratedQuantity = elements.produced
        }
        return elements
    }
}
