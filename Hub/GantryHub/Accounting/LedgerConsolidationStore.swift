import Foundation
import GantryCore

/// The group's consolidation from the ledger (docs/consolidation.md, "At the hub").
public protocol ConsolidationStore: Sendable {
    /// Group `group` consolidated over its members' periods `from` through `to`, in its presentation currency. A group
    /// with a member outside `scope` is not found; a missing rate is `missing-rate` naming the pair and day.
    func groupConsolidation(group: String, from: String, to: String, scope: CompanyScope) async throws -> GroupConsolidation
}
