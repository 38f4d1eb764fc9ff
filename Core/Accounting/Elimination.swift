import Foundation

/// The eliminations of a group's intercompany balances, in the presentation currency (docs/consolidation.md):
/// (a) receivables netted against payables per pair of companies, any difference to the difference account;
/// (b) intercompany revenue and cost of sales removed, the margin taken out of the group's cost of sales;
/// (c) the unrealised profit in stock still held inside the group: the seller's margin on the transfer,
/// (sale − cost) / sale, times the transfer value of the quantity the buyer holds, out of the buyer's inventory
/// and into the group's cost of sales. Over a range that does not start at the books' beginning, what the earlier
/// periods' results already took: (d) the unrealised profit in stock held at its start, out of the retained earnings
/// and back into the group's cost of sales; (e) the difference of the receivables and payables at its start, out of
/// the retained earnings and back out of the difference account; so the range's result carries only the changes.
public struct Elimination: Sendable, Equatable {
    public var entries: [EliminationEntry]
    /// Receivables and payables that did not net to zero.
    public var differences: [IntercompanyDifference]

    /// The eliminations of `lines` and `holdings`. `earlier` are the lines of the periods before the range (its
    /// receivables and payables those at its start, translated at the closing rate of then): a holding's margin is
    /// taken from its item's sales in `lines` and `earlier` together, an opening holding's (stock held at the range's
    /// start) from `earlier` alone. A holding whose item has no such intercompany sale with a quantity is refused by
    /// name (its margin is unknown).
    public static func eliminate(_ lines: [IntercompanyLine], holdings: [IntragroupHolding], accounts: EliminationAccounts,
                                 earlier: [IntercompanyLine] = [],
                                 openingHoldings: [IntragroupHolding] = []) throws(AccountingRefusal) -> Elimination {
        let earlierSales = earlier.filter { $0.role == .revenue || $0.role == .costOfSales }
        var result = Elimination(entries: [], differences: [])
        for pair in pairs(lines) {
            result.netBalances(lines.filter { pair.contains($0.company) && pair.contains($0.tradingPartner) }, pair, accounts)
        }
        for seller in Set(lines.map(\.company)).sorted() {
            for buyer in Set(lines.filter { $0.company == seller }.map(\.tradingPartner)).sorted() {
                let sold = lines.filter { $0.company == seller && $0.tradingPartner == buyer }
                result.removeSales(sold, seller: seller, buyer: buyer, accounts)
            }
        }
        let order: (IntragroupHolding, IntragroupHolding) -> Bool = {
            ($0.seller, $0.buyer, $0.item, $0.account) < ($1.seller, $1.buyer, $1.item, $1.account)
        }
        for holding in holdings.sorted(by: order) {
            try result.removeUnrealisedProfit(holding, lines + earlierSales, accounts, opening: false)
        }
        for holding in openingHoldings.sorted(by: order) {
            try result.removeUnrealisedProfit(holding, earlierSales, accounts, opening: true)
        }
        for pair in pairs(earlier) {
            result.carryOpeningDifference(earlier.filter { pair.contains($0.company) && pair.contains($0.tradingPartner) }, pair, accounts)
        }
        return result
    }

    /// Each unordered pair of companies with a receivable or payable between them, sorted.
    private static func pairs(_ lines: [IntercompanyLine]) -> [[String]] {
        let pairs = Set(lines.filter { $0.role == .receivable || $0.role == .payable }.map { [$0.company, $0.tradingPartner].sorted() })
        return pairs.sorted { $0.lexicographicallyPrecedes($1) }
    }

    private mutating func netBalances(_ lines: [IntercompanyLine], _ pair: [String], _ accounts: EliminationAccounts) {
        let balances = lines.filter { $0.role == .receivable || $0.role == .payable }
        var entryLines = Self.reversed(balances)
        let difference = balances.reduce(Int64(0)) { $0 + $1.amount }
        if difference != 0 {
            entryLines.append(EliminationEntry.Line(company: nil, account: accounts.difference.account, amount: difference))
            differences.append(IntercompanyDifference(companies: pair, account: accounts.difference.account, amount: difference))
        }
        entries.append(EliminationEntry(
            kind: .receivablesPayables, companies: pair, item: nil, lines: entryLines, sources: Self.sources(balances),
            note: "receivables \(Self.total(balances, .receivable)) and payables \(-Self.total(balances, .payable)) between \(pair.joined(separator: " and ")); difference \(difference)"))
    }

    /// The difference of a pair's receivables and payables at the range's start, in the earlier periods' results:
    /// out of the retained earnings, and back out of the difference account, which so carries the range's change.
    private mutating func carryOpeningDifference(_ lines: [IntercompanyLine], _ pair: [String], _ accounts: EliminationAccounts) {
        let balances = lines.filter(\.role.isBalance)
        let difference = balances.reduce(Int64(0)) { $0 + $1.amount }
        guard difference != 0 else { return }
        entries.append(EliminationEntry(
            kind: .openingDifference, companies: pair, item: nil,
            lines: [EliminationEntry.Line(company: nil, account: accounts.retainedEarnings.account, amount: difference),
                    EliminationEntry.Line(company: nil, account: accounts.difference.account, amount: -difference)],
            sources: Self.sources(balances),
            note: "receivables \(Self.total(balances, .receivable)) and payables \(-Self.total(balances, .payable)) between \(pair.joined(separator: " and ")) at the start; difference \(difference), eliminated before it"))
    }

    private mutating func removeSales(_ lines: [IntercompanyLine], seller: String, buyer: String, _ accounts: EliminationAccounts) {
        let sales = lines.filter { $0.role == .revenue || $0.role == .costOfSales }
        guard !sales.isEmpty else { return }
        var entryLines = Self.reversed(sales)
        let margin = sales.reduce(Int64(0)) { $0 + $1.amount }
        if margin != 0 { entryLines.append(EliminationEntry.Line(company: nil, account: accounts.costOfSales.account, amount: margin)) }
        entries.append(EliminationEntry(
            kind: .salesCostOfSales, companies: [seller, buyer], item: nil, lines: entryLines, sources: Self.sources(sales),
            note: "\(seller) sold to \(buyer) for \(-Self.total(sales, .revenue)) at a cost of \(Self.total(sales, .costOfSales)); margin \(-margin) out of cost of sales"))
    }

    private mutating func removeUnrealisedProfit(_ holding: IntragroupHolding, _ lines: [IntercompanyLine],
                                                 _ accounts: EliminationAccounts, opening: Bool) throws(AccountingRefusal) {
        let item = lines.filter { $0.company == holding.seller && $0.tradingPartner == holding.buyer && $0.item == holding.item }
        let revenue = item.filter { $0.role == .revenue }, cost = item.filter { $0.role == .costOfSales }
        let sale = -Self.total(revenue, .revenue), costAmount = Self.total(cost, .costOfSales)
        // A reversal's lines carry the quantity negated, so the sum is what stands sold.
        let sold = abs(revenue.reduce(Int64(0)) { $0 + ($1.quantity ?? 0) })
        guard sale != 0, sold > 0 else {
            throw AccountingRefusal(.invalid, "\(holding.buyer) holds \(holding.item) bought from \(holding.seller), but no intercompany sale of it with a quantity is given to take the margin from")
        }
        guard holding.quantity >= 0, holding.quantity <= sold else {
            throw AccountingRefusal(.invalid, "\(holding.buyer) holds \(Quantity(micro: holding.quantity)) \(holding.item) from \(holding.seller), not between 0 and the \(Quantity(micro: sold)) sold to it")
        }
        // margin % × transfer value held = (sale − cost) / sale × sale × held / sold = (sale − cost) × held / sold.
        let exact = Decimal(sale - costAmount) * Decimal(holding.quantity) / Decimal(sold)
        let profit = Self.roundedHalfToEven(exact)
        guard profit != 0 else { return }
        let note = "margin \(sale - costAmount)/\(sale) on \(Quantity(micro: holding.quantity)) of \(Quantity(micro: sold)) \(holding.item)"
        entries.append(opening
            ? EliminationEntry(
                kind: .openingUnrealisedProfit, companies: [holding.seller, holding.buyer], item: holding.item,
                lines: [EliminationEntry.Line(company: nil, account: accounts.retainedEarnings.account, amount: profit),
                        EliminationEntry.Line(company: nil, account: accounts.costOfSales.account, amount: -profit)],
                sources: Self.sources(revenue + cost),
                note: "\(note) held by \(holding.buyer) on \(holding.account) at the start, eliminated before it")
            : EliminationEntry(
                kind: .unrealisedProfit, companies: [holding.seller, holding.buyer], item: holding.item,
                lines: [EliminationEntry.Line(company: nil, account: accounts.costOfSales.account, amount: profit),
                        EliminationEntry.Line(company: holding.buyer, account: holding.account, amount: -profit)],
                sources: Self.sources(revenue + cost), note: "\(note) still held by \(holding.buyer) on \(holding.account)"))
    }

    private static func reversed(_ lines: [IntercompanyLine]) -> [EliminationEntry.Line] {
        var sums: [String: [String: Int64]] = [:]
        for line in lines { sums[line.company, default: [:]][line.account, default: 0] += line.amount }
        return sums.keys.sorted().flatMap { company in
            sums[company]!.keys.sorted().compactMap { account in
                let amount = sums[company]![account]!
                return amount == 0 ? nil : EliminationEntry.Line(company: company, account: account, amount: -amount)
            }
        }
    }

    private static func total(_ lines: [IntercompanyLine], _ role: IntercompanyLine.Role) -> Int64 {
        lines.filter { $0.role == role }.reduce(0) { $0 + $1.amount }
    }

    private static func sources(_ lines: [IntercompanyLine]) -> [String] { Array(Set(lines.flatMap(\.sources))).sorted() }

    /// Whole minor units, half to even (the one rounding rule).
    static func roundedHalfToEven(_ value: Decimal) -> Int64 {
        var copy = value, rounded = Decimal()
        NSDecimalRound(&rounded, &copy, 0, .bankers)
        return NSDecimalNumber(decimal: rounded).int64Value
    }
}
