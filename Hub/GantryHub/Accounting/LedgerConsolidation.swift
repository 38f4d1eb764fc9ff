import Foundation
import GantryCore

/// A group's consolidation over fiscal periods from the sums the ledger keeps on apply (`ledger_balances` and
/// `LedgerConsolidationSums`), for both databases (docs/consolidation.md, "At the hub"): it reads no journal line, so
/// its cost does not grow with the lines posted. The store reads the facts (`LedgerConsolidation.Facts`); this type
/// decides which members, periods and rates, and hands the figures to `Consolidation.consolidate`.
///
/// Stated rules:
/// - `from`/`to` are period codes every member has; the rates' days come from the parent's periods: the closing
///   rate on the end of `to`, the average from the start of `from` to the end of `to`.
/// - Balances are the movements over the periods `from` through `to` (as the trial balance): a range starting at
///   the books' first period gives the balance sheet at its end.
/// - Equity accounts translate at the daily rate of the day the member first posted to them.
/// - The group's own accounts: the CTA is `CTA` (equity) and an intercompany difference `IC-DIFFERENCE` (expense);
///   the group's cost of sales is the debit of the parent's `cost-of-sales` mapping.
/// - Stock held at the period end: per buyer, seller and item, the quantity still on the buyer's in-transit account
///   (the debit of its `intercompany-purchase` mapping) and then on its inventory (the debit of its
///   `transit-receipt` mapping) at the end of `to`, each at most what it bought from that seller in the range and
///   not yet counted: stock of the item is taken to be the intercompany stock first.
enum LedgerConsolidation {
    static let cta = StatementAccount(account: "CTA", type: .equity)
    static let difference = StatementAccount(account: "IC-DIFFERENCE", type: .expense)

    /// Who and what a consolidation reads.
    struct Plan: Sendable {
        var group: GroupMaster
        var from: String
        var to: String
        var start: String
        var end: String
        /// Per member, its period codes of the range.
        var periods: [String: [String]]
    }

    /// What the store reads for a plan.
    struct Facts: Sendable {
        /// Per member: debit and credit sums per account over the range.
        var sums: [String: [(account: String, debit: Int64, credit: Int64)]] = [:]
        /// Per member: its intercompany lines summed over the range (kept on apply, the revenue lines with the
        /// quantities shipped), each traced by its `reference`.
        var intercompany: [String: [IntercompanySum]] = [:]
        /// Per member and equity account: the first day it was posted to.
        var firstPosted: [CompanyAccount: String] = [:]
        /// Per member, account and item: the net quantity on it at the end of the range.
        var quantities: [StockKey: Int64] = [:]
    }

    struct CompanyAccount: Hashable, Sendable {
        var company: String
        var account: String
    }

    struct StockKey: Hashable, Sendable {
        var company: String
        var account: String
        var item: String
    }

    /// The group and its members' periods; a group the principal may not see all of is not found.
    static func plan(_ record: MasterRecord?, masters: LedgerMasters, from: String, to: String, scope: CompanyScope) throws -> Plan {
        guard let record, record.active, let group = GroupMaster(record),
              group.members.allSatisfy({ scope.covers($0.company) }), scope.covers(group.parent) else {
            throw ProblemDetails(code: "not-found", title: "Not found", status: 404, detail: "no group \(record?.key ?? "")")
        }
        var periods: [String: [String]] = [:]
        for member in group.members { periods[member.company] = try LedgerReports.range(masters, company: member.company, from: from, to: to).periods }
        guard let first = masters.period(from, of: group.parent), let last = masters.period(to, of: group.parent) else {
            throw AccountingRefusal(.invalid, "\(from) and \(to) are periods of the parent \(group.parent)")
        }
        return Plan(group: group, from: from, to: to, start: first.start, end: last.end, periods: periods)
    }

    /// The accounts and items whose quantity at the end of the range the holdings need.
    static func stockNeeds(_ plan: Plan, masters: LedgerMasters, facts: Facts) -> [StockKey] {
        var keys: Set<StockKey> = []
        for (buyer, sums) in facts.intercompany {
            for sum in sums where sum.kind == .intercompanyPurchase {
                guard let item = sum.item else { continue }
                for account in holdingAccounts(buyer, masters) { keys.insert(StockKey(company: buyer, account: account, item: item)) }
            }
        }
        return keys.sorted { ($0.company, $0.account, $0.item) < ($1.company, $1.account, $1.item) }
    }

    /// The equity accounts of each member with a balance, whose first posting day sets their historical rate.
    static func equityNeeds(_ plan: Plan, masters: LedgerMasters, facts: Facts) -> [CompanyAccount] {
        facts.sums.keys.sorted().flatMap { company in
            (facts.sums[company] ?? []).filter { masters.accounts[company]?[$0.account]?.type == .equity }
                .map { CompanyAccount(company: company, account: $0.account) }
        }
    }

    /// The consolidation of the plan from the facts read.
    static func consolidate(_ plan: Plan, masters: LedgerMasters, facts: Facts) throws -> GroupConsolidation {
        let presentation = plan.group.presentationCurrency
        var members: [ConsolidationMember] = []
        for member in plan.group.members {
            let company = member.company
            guard let books = masters.companies[company] else { throw AccountingRefusal(.unknownCompany, "no company master for \(company)") }
            let chart = masters.accounts[company] ?? [:]
            let balances = try (facts.sums[company] ?? []).map { sum throws(AccountingRefusal) in
                guard let account = chart[sum.account] else {
                    throw AccountingRefusal(.invalid, "\(company) has a balance on \(sum.account), which is not in its chart")
                }
                return AccountBalance(StatementAccount(account), amount: sum.debit - sum.credit)
            }
            var historical: [String: AppliedRate] = [:]
            for balance in balances where balance.type == .equity && books.currency != presentation {
                let day = facts.firstPosted[CompanyAccount(company: company, account: balance.account)] ?? plan.start
                historical[balance.account] = try masters.rates.daily(from: books.currency, to: presentation, on: day)
            }
            let rates = books.currency == presentation
                ? TranslationRates(closing: identity(presentation), average: identity(presentation))
                : try TranslationRates.lookup(masters.rates, from: books.currency, to: presentation, periodStart: plan.start,
                                              periodEnd: plan.end, historical: historical)
            members.append(ConsolidationMember(
                company: company, functionalCurrency: books.currency, ownershipPercent: member.ownershipPercent, balances: balances,
                rates: rates, intercompanySums: facts.intercompany[company] ?? []))
        }
        let costOfSales = masters.mappings[plan.group.parent]?[.costOfSales]?.debit
        let costAccount = costOfSales.flatMap { masters.accounts[plan.group.parent]?[$0] }.map { StatementAccount($0) }
            ?? StatementAccount(account: "GROUP-COST-OF-SALES", type: .expense)
        let consolidation = try Consolidation.consolidate(
            group: plan.group.key, presentation: presentation, members: members,
            holdings: holdings(plan, masters: masters, facts: facts),
            accounts: ConsolidationAccounts(cta: cta, eliminations: EliminationAccounts(difference: difference, costOfSales: costAccount)))
        return GroupConsolidation(plan, consolidation)
    }

    private static func identity(_ currency: CurrencyCode) -> AppliedRate {
        AppliedRate(from: currency, to: currency, kind: .closing, on: "", rate: 1, source: "same currency")
    }

    /// The buyer's in-transit and inventory accounts for intercompany goods.
    static func holdingAccounts(_ buyer: String, _ masters: LedgerMasters) -> [String] {
        [masters.mappings[buyer]?[.intercompanyPurchase]?.debit, masters.mappings[buyer]?[.transitReceipt]?.debit].compactMap { $0 }
    }

    /// Per buyer, seller and item: what is still on the buyer's in-transit account, then its inventory, at most
    /// what it bought from the seller in the range.
    static func holdings(_ plan: Plan, masters: LedgerMasters, facts: Facts) -> [IntragroupHolding] {
        var bought: [String: [String: [String: Int64]]] = [:]
        for (buyer, sums) in facts.intercompany {
            for sum in sums where sum.kind == .intercompanyPurchase {
                guard let item = sum.item, let quantity = sum.quantity else { continue }
                bought[buyer, default: [:]][item, default: [:]][sum.tradingPartner, default: 0] += quantity
            }
        }
        var holdings: [IntragroupHolding] = []
        for buyer in bought.keys.sorted() {
            for item in bought[buyer]!.keys.sorted() {
                var remaining = holdingAccounts(buyer, masters).map { ($0, max(facts.quantities[StockKey(company: buyer, account: $0, item: item)] ?? 0, 0)) }
                for seller in bought[buyer]![item]!.keys.sorted() {
                    var left = bought[buyer]![item]![seller]!
                    for index in remaining.indices where left > 0 {
                        let held = min(left, remaining[index].1)
                        guard held > 0 else { continue }
                        holdings.append(IntragroupHolding(seller: seller, buyer: buyer, item: item, account: remaining[index].0, quantity: held))
                        remaining[index].1 -= held
                        left -= held
                    }
                }
            }
        }
        return holdings
    }
}
