import Foundation
import GantryCore

/// A group's consolidation over fiscal periods from the sums the ledger keeps on apply (`ledger_balances` and
/// `LedgerConsolidationSums`), for both databases (docs/consolidation.md, "At the hub"): it reads no journal line, so
/// its cost does not grow with the lines posted. The store reads the facts (`LedgerConsolidation.Facts`); this type
/// decides which members, periods and rates, and hands the figures to `Consolidation.consolidate`.
///
/// Stated rules (IAS 21):
/// - `from`/`to` are period codes every member has; the rates' days come from the parent's periods: the closing
///   rate on the end of `to`, the average from the start of `from` to the end of `to`.
/// - Assets, liabilities and equity are each member's balances through the end of `to` (all its periods starting on
///   or before `to`'s), at the closing rate; income and expenses are the movements over `from` through `to`, at the
///   average rate. Equity accounts translate at the daily rate of the day the member first posted to them.
/// - The results of the member's periods before `from` are one equity line, `RETAINED-EARNINGS`, carried at each
///   period's result translated at that period's own average rate (the member's period days), rounded per period;
///   a period with a result and no such rate is refused as `missing-rate`, naming the pair, the days and the period.
/// - The CTA is the balancing difference: with the above it is the cumulative translation difference.
/// - The group's own accounts: the CTA is `CTA` (equity), an intercompany difference `IC-DIFFERENCE` (expense) and
///   `RETAINED-EARNINGS` (equity: the members' earlier results, with the unrealised profit and the intercompany
///   difference eliminated before `from`); the group's cost of sales is the debit of the parent's `cost-of-sales`
///   mapping.
/// - Intercompany receivables and payables are the sums through the end of `to` (balances); intercompany revenue
///   and cost of sales those of the range. A margin on stock held is taken from the item's sales through `to`.
///   The receivables and payables at the start of the range translate at the closing rate on the last day of the
///   parent's period before `from`: their difference, in the earlier results, moves to `RETAINED-EARNINGS`.
/// - Stock held at the end of `to` (and, for the profit eliminated before, at the end of the day before `from`
///   starts): per buyer, seller and item, the quantity still on the buyer's in-transit account (the debit of its
///   `intercompany-purchase` mapping) and then on its inventory (the debit of its `transit-receipt` mapping), each at
///   most what it bought from that seller up to then and not yet counted: stock of the item is taken to be the
///   intercompany stock first. Stock bought before `from` and still held is eliminated like stock bought in it.
enum LedgerConsolidation {
    static let cta = StatementAccount(account: "CTA", type: .equity)
    static let difference = StatementAccount(account: "IC-DIFFERENCE", type: .expense)
    static let retainedEarnings = StatementAccount(account: "RETAINED-EARNINGS", type: .equity)

    /// Who and what a consolidation reads.
    struct Plan: Sendable {
        var group: GroupMaster
        var from: String
        var to: String
        var start: String
        var end: String
        /// Per member, its period codes of the range.
        var periods: [String: [String]]
        /// Per member, its period codes before the range (starting before `from`'s start).
        var earlier: [String: [String]]
        /// The last day of the parent's period before the range (nil when it has none): the closing rate of that day
        /// translates the intercompany balances at the range's start.
        var openingDay: String?

        /// A member's periods through the end of the range.
        func through(_ company: String) -> [String] { (earlier[company] ?? []) + (periods[company] ?? []) }
    }

    /// What the store reads for a plan.
    struct Facts: Sendable {
        /// Per member: debit and credit sums per period and account, over its periods through the end of the range.
        var sums: [String: [LedgerStatementFacts.PeriodSum]] = [:]
        /// Per member: its intercompany lines summed per period through the end of the range (kept on apply, the
        /// revenue lines with the quantities shipped), each traced by its `reference`.
        var intercompany: [String: [PeriodIntercompany]] = [:]
        /// Per member and equity account: the first day it was posted to.
        var firstPosted: [CompanyAccount: String] = [:]
        /// Per member, account and item: the net quantity on it at the end of the range, and before its first day.
        var quantities: [StockKey: Int64] = [:]
        var openingQuantities: [StockKey: Int64] = [:]
    }

    struct PeriodIntercompany: Sendable {
        var period: String
        var sum: IntercompanySum
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
        var periods: [String: [String]] = [:], earlier: [String: [String]] = [:]
        for member in group.members {
            periods[member.company] = try LedgerReports.range(masters, company: member.company, from: from, to: to).periods
            let start = masters.period(from, of: member.company)?.start ?? ""
            earlier[member.company] = (masters.periods[member.company] ?? []).filter { $0.start < start }.map(\.key)
        }
        guard let first = masters.period(from, of: group.parent), let last = masters.period(to, of: group.parent) else {
            throw AccountingRefusal(.invalid, "\(from) and \(to) are periods of the parent \(group.parent)")
        }
        let before = (masters.periods[group.parent] ?? []).filter { $0.start < first.start }.max { $0.start < $1.start }
        return Plan(group: group, from: from, to: to, start: first.start, end: last.end, periods: periods, earlier: earlier,
                    openingDay: before?.end)
    }

    /// The equity accounts of each member with a balance, whose first posting day sets their historical rate.
    static func equityNeeds(_ plan: Plan, masters: LedgerMasters, facts: Facts) -> [CompanyAccount] {
        facts.sums.keys.sorted().flatMap { company in
            Set((facts.sums[company] ?? []).filter { masters.accounts[company]?[$0.account]?.type == .equity }.map(\.account)).sorted()
                .map { CompanyAccount(company: company, account: $0) }
        }
    }

    /// The consolidation of the plan from the facts read.
    static func consolidate(_ plan: Plan, masters: LedgerMasters, facts: Facts) throws -> GroupConsolidation {
        let presentation = plan.group.presentationCurrency
        var members: [ConsolidationMember] = []
        for member in plan.group.members {
            let company = member.company
            guard let books = masters.companies[company] else { throw AccountingRefusal(.unknownCompany, "no company master for \(company)") }
            let (balances, carried) = try memberBalances(company, books.currency, plan: plan, masters: masters, facts: facts)
            var historical: [String: AppliedRate] = [:]
            for balance in balances where balance.type == .equity && carried[balance.account] == nil && books.currency != presentation {
                let day = facts.firstPosted[CompanyAccount(company: company, account: balance.account)] ?? plan.start
                historical[balance.account] = try masters.rates.daily(from: books.currency, to: presentation, on: day)
            }
            let rates = books.currency == presentation
                ? TranslationRates(closing: identity(presentation), average: identity(presentation))
                : try TranslationRates.lookup(masters.rates, from: books.currency, to: presentation, periodStart: plan.start,
                                              periodEnd: plan.end, historical: historical)
            let (current, earlier) = intercompanySums(company, plan: plan, masters: masters, facts: facts)
            let types = (masters.accounts[company] ?? [:]).mapValues(\.type)
            members.append(ConsolidationMember(
                company: company, functionalCurrency: books.currency, ownershipPercent: member.ownershipPercent, balances: balances,
                rates: rates, carriedEquity: carried, intercompanySums: current, earlierSums: earlier, earlierTypes: types,
                openingRate: try openingRate(company, books.currency, earlier, types: types, plan: plan, masters: masters)))
        }
        let costOfSales = masters.mappings[plan.group.parent]?[.costOfSales]?.debit
        let costAccount = costOfSales.flatMap { masters.accounts[plan.group.parent]?[$0] }.map { StatementAccount($0) }
            ?? StatementAccount(account: "GROUP-COST-OF-SALES", type: .expense)
        let consolidation = try Consolidation.consolidate(
            group: plan.group.key, presentation: presentation, members: members,
            holdings: holdings(bought(facts, in: nil), facts.quantities, masters: masters),
            openingHoldings: holdings(bought(facts, in: plan.earlier), facts.openingQuantities, masters: masters),
            accounts: ConsolidationAccounts(cta: cta, eliminations: EliminationAccounts(
                difference: difference, costOfSales: costAccount, retainedEarnings: retainedEarnings)))
        return GroupConsolidation(plan, consolidation)
    }

    /// A member's balances: its balance-sheet accounts through the end of the range, its income and expenses over
    /// the range, and the results of its earlier periods as `RETAINED-EARNINGS`, with that line's carried amount.
    static func memberBalances(_ company: String, _ currency: CurrencyCode, plan: Plan, masters: LedgerMasters,
                               facts: Facts) throws -> (balances: [AccountBalance], carried: [String: Int64]) {
        let chart = masters.accounts[company] ?? [:], range = Set(plan.periods[company] ?? [])
        var amounts: [String: Int64] = [:], results: [String: Int64] = [:]
        for sum in facts.sums[company] ?? [] {
            guard let account = chart[sum.account] else {
                throw AccountingRefusal(.invalid, "\(company) has a balance on \(sum.account), which is not in its chart")
            }
            if account.type.isBalanceSheet || range.contains(sum.period) {
                amounts[sum.account, default: 0] += sum.debit - sum.credit
            } else {
                results[sum.period, default: 0] += sum.debit - sum.credit
            }
        }
        var balances = amounts.keys.sorted().map { AccountBalance(StatementAccount(chart[$0]!), amount: amounts[$0]!) }
        let earlier = results.filter { $0.value != 0 }
        guard !earlier.isEmpty else { return (balances, [:]) }
        let presentation = plan.group.presentationCurrency
        let rated = try earlier.keys.sorted().map { period in
            (result: earlier[period]!, rate: try earlierRate(company, period: period, from: currency, to: presentation, masters: masters))
        }
        balances.append(AccountBalance(retainedEarnings, amount: earlier.values.reduce(0, +)))
        return (balances, [retainedEarnings.account: try Translation.carried(rated, from: currency, to: presentation)])
    }

    /// The average rate of the member's earlier period `code` its result is carried at; a missing one is refused
    /// naming the pair, the days and the period.
    private static func earlierRate(_ company: String, period code: String, from currency: CurrencyCode, to presentation: CurrencyCode,
                                    masters: LedgerMasters) throws -> AppliedRate {
        guard currency != presentation else { return identity(presentation) }
        guard let period = masters.period(code, of: company) else {
            throw AccountingRefusal(.invalid, "\(code) is not a fiscal period of \(company)")
        }
        do {
            return try masters.rates.average(from: currency, to: presentation, start: period.start, end: period.end)
        } catch {
            throw AccountingRefusal(error.code, "\(error.detail): \(company)'s result of \(code) is carried into the retained earnings at it")
        }
    }

    /// A member's intercompany sums: those of the range, with its receivables and payables (balance-sheet accounts)
    /// through the end of the range; and those of the earlier periods (their sales' margins, the balances at the start).
    static func intercompanySums(_ company: String, plan: Plan, masters: LedgerMasters,
                                 facts: Facts) -> (current: [IntercompanySum], earlier: [IntercompanySum]) {
        let range = Set(plan.periods[company] ?? [])
        var current: [IntercompanySum] = [], earlier: [IntercompanySum] = []
        for kept in facts.intercompany[company] ?? [] {
            if range.contains(kept.period) || masters.accounts[company]?[kept.sum.account]?.type.isBalanceSheet == true {
                current.append(kept.sum)
            }
            if !range.contains(kept.period) { earlier.append(kept.sum) }
        }
        return (current, earlier)
    }

    /// The closing rate on the last day of the parent's period before the range, when the member's intercompany
    /// receivables or payables at the range's start need translating; a missing one is refused naming pair and day.
    private static func openingRate(_ company: String, _ currency: CurrencyCode, _ earlier: [IntercompanySum],
                                    types: [String: AccountMaster.AccountType], plan: Plan, masters: LedgerMasters) throws -> AppliedRate? {
        let presentation = plan.group.presentationCurrency
        let balances = earlier.contains { sum in types[sum.account].flatMap { IntercompanyLine.Role(kind: sum.kind, type: $0) }?.isBalance == true }
        guard balances, currency != presentation else { return nil }
        guard let day = plan.openingDay else {
            throw AccountingRefusal(
                .invalid, "the parent \(plan.group.parent) has no period before \(plan.from) to date \(company)'s intercompany balances at its start")
        }
        do {
            return try masters.rates.closing(from: currency, to: presentation, on: day)
        } catch {
            throw AccountingRefusal(error.code, "\(error.detail): \(company)'s intercompany balances at the start of \(plan.from) translate at it")
        }
    }

    private static func identity(_ currency: CurrencyCode) -> AppliedRate {
        AppliedRate(from: currency, to: currency, kind: .closing, on: "", rate: 1, source: "same currency")
    }
}
