import Foundation
import GantryCore

/// The hub's operations rollups as stored (docs/kpis.md, "Operations KPIs"): what buyers', planners' and plant
/// managers' figures are summed from.
public protocol OperationsRollupStore: Sendable {
    /// Every plant within `scope` (only `plant`, when given), with its operations rows summed over the hours that
    /// start in `[from, to)` and its purchase lines still owed now, sorted by company then plant.
    func operationsFacts(scope: CompanyScope, plant: String?, from: Date, to: Date) async throws -> [OperationsPlantFacts]
}
