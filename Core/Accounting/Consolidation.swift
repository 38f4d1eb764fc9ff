import Foundation

/// A group's consolidated figures in its presentation currency: each member translated (IAS 21), the
/// intercompany eliminations, and the statements of their sum. Every member is held at 100 %.
public struct Consolidation: Sendable {
    public var group: String
    public var presentationCurrency: CurrencyCode
    public var translations: [Translation]
    /// The members' intercompany balances in the presentation currency, as eliminated.
    public var intercompanyLines: [IntercompanyLine]
    public var elimination: Elimination
    /// Translated balances plus eliminations, per account.
    public var balances: [AccountBalance]
    public var trialBalance: TrialBalance
    public var balanceSheet: BalanceSheet
    public var incomeStatement: IncomeStatement

    /// Consolidates `members` into `presentation`: `holdings` is the intercompany stock held at the end of the range,
    /// `openingHoldings` at its start (its unrealised profit was eliminated by the earlier periods). Refuses a member
    /// held at less than 100 %, a missing historical rate, an intercompany line on an account the member has no
    /// balance of, and a trading partner or holding outside the group.
    public static func consolidate(group: String, presentation: CurrencyCode, members: [ConsolidationMember],
                                   holdings: [IntragroupHolding], openingHoldings: [IntragroupHolding] = [],
                                   accounts: ConsolidationAccounts) throws(AccountingRefusal) -> Consolidation {
        guard Set(members.map(\.company)).count == members.count else {
            throw AccountingRefusal(.invalid, "a company is a member of \(group) once; got \(members.map(\.company).sorted())")
        }
        var translations: [Translation] = []
        var intercompany: [IntercompanyLine] = [], earlier: [IntercompanyLine] = []
        for member in members.sorted(by: { $0.company < $1.company }) {
            guard member.ownershipPercent == 100 else {
                throw AccountingRefusal(.invalid, "\(member.company) is held at \(member.ownershipPercent) %: only wholly owned members are consolidated")
            }
            translations.append(try Translation.translate(
                company: member.company, balances: member.balances, from: member.functionalCurrency, to: presentation,
                rates: member.rates, carriedEquity: member.carriedEquity, cta: accounts.cta))
            intercompany += try intercompanyLines(of: member, presentation: presentation)
            earlier += try earlierLines(of: member, presentation: presentation)
        }
        try checkPartners(intercompany + earlier, holdings + openingHoldings, members: Set(members.map(\.company)), group: group)
        let elimination = try Elimination.eliminate(intercompany, holdings: holdings, accounts: accounts.eliminations,
                                                    earlier: earlier, openingHoldings: openingHoldings)
        let balances = try consolidated(translations, elimination, accounts)
        return Consolidation(
            group: group, presentationCurrency: presentation, translations: translations, intercompanyLines: intercompany,
            elimination: elimination, balances: balances, trialBalance: FinancialStatements.trialBalance(balances),
            balanceSheet: FinancialStatements.balanceSheet(balances), incomeStatement: FinancialStatements.incomeStatement(balances))
    }

    /// A member's intercompany lines summed per partner, role, account and item, then translated as their
    /// accounts are: receivables and payables at the closing rate, revenue and cost of sales at the average. An
    /// account's type is its balance's, else `types`'.
    static func intercompanyLines(of member: ConsolidationMember, presentation: CurrencyCode,
                                  types known: [String: AccountMaster.AccountType] = [:]) throws(AccountingRefusal) -> [IntercompanyLine] {
        let types = known.merging(member.balances.map { ($0.account, $0.type) }, uniquingKeysWith: { _, balance in balance })
        var sums: [IntercompanyKey: (amount: Int64, quantity: Int64?, sources: Set<String>)] = [:]
        for entry in member.intercompanyEntries {
            for line in entry.lines {
                guard let partner = line.tradingPartner else { continue }
                guard let type = types[line.account] else {
                    throw AccountingRefusal(.invalid, "entry \(entry.source.key) of \(member.company) posts to \(line.account), which has no balance of \(member.company)")
                }
                guard let role = IntercompanyLine.Role(kind: entry.kind, type: type) else { continue }
                let key = IntercompanyKey(partner: partner, role: role, account: line.account, item: line.item)
                var sum = sums[key] ?? (0, nil, [])
                sum.amount += line.functionalAmount
                if let quantity = line.quantity { sum.quantity = (sum.quantity ?? 0) + quantity }
                sum.sources.insert(entry.source.key)
                sums[key] = sum
            }
        }
        for kept in member.intercompanySums {
            guard let type = types[kept.account] else {
                throw AccountingRefusal(.invalid, "\(kept.reference) of \(member.company) is on \(kept.account), which has no balance of \(member.company)")
            }
            guard let role = IntercompanyLine.Role(kind: kept.kind, type: type) else { continue }
            let key = IntercompanyKey(partner: kept.tradingPartner, role: role, account: kept.account, item: kept.item)
            var sum = sums[key] ?? (0, nil, [])
            sum.amount += kept.functionalAmount
            if let quantity = kept.quantity { sum.quantity = (sum.quantity ?? 0) + quantity }
            sum.sources.insert(kept.reference)
            sums[key] = sum
        }
        let same = member.functionalCurrency == presentation
        return try sums.keys.sorted().map { key throws(AccountingRefusal) in
            let sum = sums[key]!
            let rate = key.role == .receivable || key.role == .payable ? member.rates.closing.rate : member.rates.average.rate
            let (amount, _) = try Translation.convert(sum.amount, from: member.functionalCurrency, to: presentation, rate: same ? 1 : rate)
            return IntercompanyLine(company: member.company, tradingPartner: key.partner, role: key.role, account: key.account,
                                    item: key.item, quantity: sum.quantity, amount: amount, sources: sum.sources.sorted())
        }
    }

    /// A member's intercompany lines of the periods before the range: revenue and cost of sales at the range's average,
    /// receivables and payables (those at the range's start) at the opening rate, refused as `missing-rate` without one.
    static func earlierLines(of member: ConsolidationMember, presentation: CurrencyCode) throws(AccountingRefusal) -> [IntercompanyLine] {
        var earlier = member
        earlier.intercompanyEntries = []
        earlier.intercompanySums = member.earlierSums
        let sales = try intercompanyLines(of: earlier, presentation: presentation, types: member.earlierTypes)
            .filter { $0.role == .revenue || $0.role == .costOfSales }
        earlier.intercompanySums = member.earlierSums.filter { sum in
            member.earlierTypes[sum.account].flatMap { IntercompanyLine.Role(kind: sum.kind, type: $0) }?.isBalance == true
        }
        guard !earlier.intercompanySums.isEmpty else { return sales }
        if member.functionalCurrency != presentation {
            guard let rate = member.openingRate else {
                throw AccountingRefusal(.missingRate, """
                    no \(member.functionalCurrency.code)/\(presentation.code) closing rate at the start of the range is given for \
                    the intercompany balances of \(member.company)
                    """)
            }
            earlier.rates.closing = rate
        }
        return sales + (try intercompanyLines(of: earlier, presentation: presentation, types: member.earlierTypes))
    }

    /// An intercompany balance with a company outside the group is not eliminated against anything: refused.
    private static func checkPartners(_ lines: [IntercompanyLine], _ holdings: [IntragroupHolding], members: Set<String>,
                                      group: String) throws(AccountingRefusal) {
        if let line = lines.first(where: { !members.contains($0.tradingPartner) }) {
            throw AccountingRefusal(.invalid, "\(line.company) has an intercompany \(line.role.rawValue) on \(line.account) with \(line.tradingPartner), which is not a member of \(group)")
        }
        if let holding = holdings.first(where: { !members.contains($0.seller) || !members.contains($0.buyer) }) {
            throw AccountingRefusal(.invalid, "a holding of \(holding.item) from \(holding.seller) to \(holding.buyer) is not between members of \(group)")
        }
    }

    private static func consolidated(_ translations: [Translation], _ elimination: Elimination,
                                     _ accounts: ConsolidationAccounts) throws(AccountingRefusal) -> [AccountBalance] {
        var known: [String: StatementAccount] = [:]
        let own = accounts.eliminations
        for account in [accounts.cta, own.difference, own.costOfSales, own.retainedEarnings] { known[account.account] = account }
        var balances = translations.flatMap(\.balances)
        for balance in balances where known[balance.account] == nil { known[balance.account] = balance.statementAccount }
        for line in elimination.entries.flatMap(\.lines) {
            guard let account = known[line.account] else {
                throw AccountingRefusal(.invalid, "an elimination posts to \(line.account), which no member has a balance of")
            }
            balances.append(AccountBalance(account, amount: line.amount))
        }
        return FinancialStatements.merged(balances)
    }
}

/// What a member's intercompany lines are summed by.
struct IntercompanyKey: Hashable, Comparable {
    var partner: String
    var role: IntercompanyLine.Role
    var account: String
    var item: String?

    static func < (lhs: IntercompanyKey, rhs: IntercompanyKey) -> Bool {
        (lhs.partner, lhs.role.rawValue, lhs.account, lhs.item ?? "") < (rhs.partner, rhs.role.rawValue, rhs.account, rhs.item ?? "")
    }
}
