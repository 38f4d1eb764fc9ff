import Foundation
@testable import GantryCore
import Testing

/// Intercompany eliminations on their own: netting, sales and cost of sales, unrealised profit, and refusals.
@Suite struct EliminationTests {
    private static let accounts = EliminationAccounts(difference: StatementAccount(account: "7900", type: .expense),
                                                      costOfSales: StatementAccount(account: "5000", type: .expense))

    private static func line(_ company: String, _ partner: String, _ role: IntercompanyLine.Role, _ account: String, _ amount: Int64,
                             item: String? = nil, quantity: Int64? = nil, source: String) -> IntercompanyLine {
        IntercompanyLine(company: company, tradingPartner: partner, role: role, account: account, item: item, quantity: quantity,
                         amount: amount, sources: [source])
    }

    /// Which lines of which entries are eliminated as what (a reversal keeps its entry's kind, so its lines too).
    @Test(arguments: [
        (PostingKind.intercompanySale, AccountMaster.AccountType.asset, IntercompanyLine.Role?.some(.receivable)),
        (.intercompanySale, .revenue, .revenue), (.intercompanyCostOfSales, .expense, .costOfSales),
        (.intercompanyPurchase, .liability, .payable), (.intercompanyPurchase, .asset, nil), (.intercompanyCostOfSales, .asset, nil),
        (.transitReceipt, .asset, nil), (.revenue, .revenue, nil),
    ])
    func linesFindTheirRoleByEntryKindAndAccountType(kind: PostingKind, type: AccountMaster.AccountType, role: IntercompanyLine.Role?) {
        #expect(IntercompanyLine.Role(kind: kind, type: type) == role)
    }

    @Test func balancesThatNetToZeroLeaveNoDifference() throws {
        let lines = [Self.line("A", "B", .receivable, "1200", 5_000, source: "a"), Self.line("B", "A", .payable, "2200", -5_000, source: "b"),
                     Self.line("B", "A", .receivable, "1200", 700, source: "c"), Self.line("A", "B", .payable, "2200", -700, source: "d")]
        let result = try Elimination.eliminate(lines, holdings: [], accounts: Self.accounts)
        #expect(result.differences.isEmpty)
        #expect(result.entries.count == 1 && result.entries[0].isBalanced)
        #expect(result.entries[0].lines == [.init(company: "A", account: "1200", amount: -5_000), .init(company: "A", account: "2200", amount: 700),
                                            .init(company: "B", account: "1200", amount: -700), .init(company: "B", account: "2200", amount: 5_000)])
        #expect(result.entries[0].sources == ["a", "b", "c", "d"])
    }

    /// The unrealised profit: sale and cost of what was sold (cents), quantity sold and held (units), and the
    /// profit eliminated worked out by hand: (sale − cost) × held / sold, half to even.
    @Test(arguments: [
        (Int64(1_200_000), Int64(900_000), Int64(600), Int64(200), Int64(100_000)),   // 3,000.00 × 200/600
        (1_000, 700, 3, 1, 100),                                                        // 3.00 / 3
        (1_000, 900, 3, 1, 33),                                                         // 0.333… → 33 cents
        (1_000, 995, 2, 1, 2),                                                          // 2.5 cents → 2 (even)
        (1_000, 993, 2, 1, 4),                                                          // 3.5 cents → 4 (even)
        (1_000, 1_200, 4, 1, -50),                                                      // sold at a loss: −2.00 / 4
        (1_000, 700, 3, 0, 0),                                                          // nothing held: no entry
    ])
    func unrealisedProfitIsTheMarginOnWhatIsStillHeld(sale: Int64, cost: Int64, sold: Int64, held: Int64, profit: Int64) throws {
        let lines = [Self.line("A", "B", .revenue, "4100", -sale, item: "X", quantity: sold * 1_000_000, source: "sale"),
                     Self.line("A", "B", .costOfSales, "5100", cost, item: "X", quantity: sold * 1_000_000, source: "cost")]
        let holding = IntragroupHolding(seller: "A", buyer: "B", item: "X", account: "1430", quantity: held * 1_000_000)
        let result = try Elimination.eliminate(lines, holdings: [holding], accounts: Self.accounts)
        let entry = result.entries.first { $0.kind == .unrealisedProfit }
        let expected: [EliminationEntry.Line]? = profit == 0
            ? nil : [.init(company: nil, account: "5000", amount: profit), .init(company: "B", account: "1430", amount: -profit)]
        #expect(entry?.lines == expected)
        let sales = try #require(result.entries.first { $0.kind == .salesCostOfSales })
        #expect(sales.isBalanced && sales.lines.last == .init(company: nil, account: "5000", amount: cost - sale))
    }

    /// Over a later range: A sold B 10 X in an earlier period for 150.00 at a cost of 90.00 (`earlierSales`) and 5
    /// more in the range for 80.00 at a cost of 45.00. B held 6 at the range's start and holds 4 at its end. Held at
    /// the end, at the margin of all 15 sold, (230.00 − 135.00) × 4 / 15 = 25.333… → 25.33 out of stock into cost of
    /// sales; held at the start, at the margin of the earlier 10, 60.00 × 6 / 10 = 36.00 out of the retained earnings
    /// and back into cost of sales: the range's result carries the change, 10.67 realised.
    @Test func profitEliminatedBeforeTheRangeComesOutOfTheRetainedEarnings() throws {
        let earlier = [Self.line("A", "B", .revenue, "4100", -15_000, item: "X", quantity: 10_000_000, source: "sale"),
                       Self.line("A", "B", .costOfSales, "5100", 9_000, item: "X", quantity: 10_000_000, source: "cost")]
        let range = [Self.line("A", "B", .revenue, "4100", -8_000, item: "X", quantity: 5_000_000, source: "sale"),
                     Self.line("A", "B", .costOfSales, "5100", 4_500, item: "X", quantity: 5_000_000, source: "cost")]
        let result = try Elimination.eliminate(
            range, holdings: [IntragroupHolding(seller: "A", buyer: "B", item: "X", account: "1420", quantity: 4_000_000)],
            accounts: Self.accounts, earlier: earlier,
            openingHoldings: [IntragroupHolding(seller: "A", buyer: "B", item: "X", account: "1420", quantity: 6_000_000)])
        #expect(result.entries.map(\.kind) == [.salesCostOfSales, .unrealisedProfit, .openingUnrealisedProfit])
        #expect(result.entries.allSatisfy { $0.isBalanced })
        #expect(result.entries[0].lines.last == .init(company: nil, account: "5000", amount: -3_500), "only the range's sales are removed")
        #expect(result.entries[1].lines == [.init(company: nil, account: "5000", amount: 2_533), .init(company: "B", account: "1420", amount: -2_533)])
        #expect(result.entries[2].lines == [
            .init(company: nil, account: "RETAINED-EARNINGS", amount: 3_600), .init(company: nil, account: "5000", amount: -3_600),
        ])
    }

    @Test(arguments: ["no sale of the item", "more held than sold", "held negative"])
    func aHoldingWithoutAMarginToTakeIsRefused(kase: String) {
        var lines = [Self.line("A", "B", .revenue, "4100", -1_000, item: "X", quantity: 2_000_000, source: "s"),
                     Self.line("A", "B", .costOfSales, "5100", 600, item: "X", quantity: 2_000_000, source: "c")]
        var holding = IntragroupHolding(seller: "A", buyer: "B", item: "X", account: "1420", quantity: 1_000_000)
        switch kase {
        case "no sale of the item": lines = lines.map { var line = $0; line.item = "Y"; return line }
        case "more held than sold": holding.quantity = 3_000_000
        default: holding.quantity = -1
        }
        #expect(throws: AccountingRefusal.self) { try Elimination.eliminate(lines, holdings: [holding], accounts: Self.accounts) }
    }
}
