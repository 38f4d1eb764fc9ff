import Foundation
import GantryCore

/// The group's consolidation from the ledger (docs/consolidation.md, "At the hub").
public protocol ConsolidationStore: Sendable {
    /// Group `group` consolidated for its members' periods `from` through `to`, in its presentation currency: the
    /// balance sheet at the end of `to`, the income statement of the range. A group with a member outside `scope` is
    /// not found; a missing rate is `missing-rate` naming the pair and day.
    func groupConsolidation(group: String, from: String, to: String, scope: CompanyScope) async throws -> GroupConsolidation

    /// The source entries of the kept intercompany sum `source` (`COMPANY/PARTNER/ACCOUNT[/ITEM]`, as an elimination
    /// of the same consolidation names it), `limit` from `offset`. The group is found as for `groupConsolidation`.
    func consolidationSources(group: String, from: String, to: String, source: String, offset: Int, limit: Int,
                              scope: CompanyScope) async throws -> ConsolidationSources
}
