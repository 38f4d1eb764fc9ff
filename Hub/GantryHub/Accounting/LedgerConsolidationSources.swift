import Foundation
import GantryCore

/// How a consolidation names the kept intercompany sums it eliminates, and how the drill-down finds their source
/// entries (docs/consolidation.md, "At the hub"). A sum is named `COMPANY/PARTNER/ACCOUNT`, or
/// `COMPANY/PARTNER/ACCOUNT/ITEM` for lines of an item: the member's lines carrying that trading partner on that
/// account (and item) over the consolidation's range (all its periods through the range's end for a receivable or
/// payable, a balance), in the entries whose kind gives them their role to the group
/// (`IntercompanyLine.Role(kind:type:)`). Codes never contain `/`, so the name reads back unambiguously.
extension LedgerConsolidation {
    /// One kept sum named by a `reference`, and where its entries are: the member's periods of the range (all through
    /// its end for a balance-sheet account) and the entry kind that gives the account its role (nil when none does:
    /// it eliminates nothing, and has no sources).
    struct Source: Sendable, Equatable {
        var company, partner, account: String
        /// '' for lines without an item, as the kept rows store it.
        var item: String
        var kind: String?
        var periods: [String]
    }

    static func reference(company: String, partner: String, account: String, item: String?) -> String {
        ([company, partner, account] + (item.map { [$0] } ?? [])).joined(separator: "/")
    }

    /// A row of `ledger_intercompany` summed over the range, as Core takes it; nil for a kind this hub does not know.
    static func intercompanySum(company: String, partner: String, kind: String, account: String, item: String, amount: Int64,
                                quantity: Int64, quantityLines: Int64) -> IntercompanySum? {
        guard let kind = PostingKind(rawValue: kind) else { return nil }
        let item = item.isEmpty ? nil : item
        return IntercompanySum(
            tradingPartner: partner, kind: kind, account: account, item: item, functionalAmount: amount,
            quantity: quantityLines > 0 ? quantity : nil, reference: reference(company: company, partner: partner, account: account, item: item))
    }

    /// The sum `reference` names in the plan's group: 400 `invalid-query` when it is not a name of one, 404 when its
    /// company is not a member of the group.
    static func source(_ reference: String, plan: Plan, masters: LedgerMasters) throws -> Source {
        let parts = reference.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (3...4).contains(parts.count), parts.allSatisfy({ MasterKey.problem($0) == nil }) else {
            throw ProblemDetails(code: "invalid-query", title: "Invalid query", status: 400,
                                 detail: "source is COMPANY/PARTNER/ACCOUNT or COMPANY/PARTNER/ACCOUNT/ITEM, as an elimination names it; got \"\(reference)\"",
                                 field: "source")
        }
        guard let range = plan.periods[parts[0]] else {
            throw ProblemDetails(code: "not-found", title: "Not found", status: 404, detail: "\(parts[0]) is not a member of \(plan.group.key)")
        }
        let type = masters.accounts[parts[0]]?[parts[2]]?.type
        let periods = type?.isBalanceSheet == true ? plan.through(parts[0]) : range
        let kind = [PostingKind.intercompanySale, .intercompanyCostOfSales, .intercompanyPurchase].first { kind in
            type.flatMap { IntercompanyLine.Role(kind: kind, type: $0) } != nil
        }
        return Source(company: parts[0], partner: parts[1], account: parts[2], item: parts.count == 4 ? parts[3] : "", kind: kind?.rawValue,
                      periods: periods)
    }
}
