import Foundation
@testable import GantryCore
import Testing

/// The two-company, two-currency group of `ConsolidationScenario`, consolidated and checked against figures
/// worked out by hand (EUR cents), as docs/consolidation.md works them.
@Suite struct ConsolidationTests {
    private func consolidate() throws -> Consolidation {
        try Consolidation.consolidate(group: "G", presentation: .EUR, members: try ConsolidationScenario.members(),
                                      holdings: ConsolidationScenario.holdings, accounts: ConsolidationScenario.accounts)
    }

    @Test func theSubsidiaryTranslatesAtClosingAverageAndHistoricalRatesWithTheRestInTheCTA() throws {
        let translation = try #require(try consolidate().translations.first { $0.company == "S" })
        let amounts = Dictionary(uniqueKeysWithValues: translation.lines.map { ($0.account, $0.amount) })
        // Closing 0.2350: bank 37,999.95 → 8,929.98825 → 8,929.99; receivables 48,000 → 11,280; stock 17,200 → 4,042;
        // IC payable 51,600 → 12,126. Average 0.2320: revenue 48,000 → 11,136; cost 34,400 → 7,980.80;
        // rent 2,000.05 → 464.0116 → 464.01. Historical 0.25: capital 40,000 → 10,000.
        #expect(amounts["1000"] == 892_999 && amounts["1100"] == 1_128_000 && amounts["1420"] == 404_200 && amounts["1430"] == 0)
        #expect(amounts["2200"] == -1_212_600 && amounts["3000"] == -1_000_000)
        #expect(amounts["4000"] == -1_113_600 && amounts["5000"] == 798_080 && amounts["6100"] == 46_401)
        // Net assets 51,599.95 × 0.235 = 12,125.99 against capital 10,000 + result 11,599.95 × 0.232 = 2,691.19:
        // a translation loss of 565.20 (the rounding of bank, +0.175 cents, and rent, −0.16, is in it: −0.015 cents).
        #expect(translation.cta == 56_520 && amounts["3900"] == 56_520)
        #expect(translation.ctaRounding == Decimal(string: "-0.015")!)
        #expect(translation.lines.reduce(0) { $0 + $1.amount } == 0)
        #expect(translation.lines.first { $0.account == "3000" }?.basis == .historical)
        #expect(translation.lines.first { $0.account == "4000" }?.rate?.source == "ECB")
    }

    @Test func eliminationsNetTheBalancesRemoveTheSaleAndTheUnrealisedProfit() throws {
        let elimination = try consolidate().elimination
        #expect(elimination.entries.map(\.kind) == [.receivablesPayables, .salesCostOfSales, .unrealisedProfit])
        #expect(elimination.entries.allSatisfy { $0.isBalanced })
        let netting = elimination.entries[0]
        // P's receivable 12,000.00 against S's payable 51,600 PLN at 0.235 = 12,126.00: 126.00 credited to 7900.
        #expect(netting.lines == [.init(company: "P", account: "1200", amount: -1_200_000), .init(company: "S", account: "2200", amount: 1_212_600),
                                  .init(company: nil, account: "7900", amount: -12_600)])
        #expect(netting.sources == ["event:p-ic-sale:0", "event:s-ic-purchase:0"])
        #expect(elimination.differences == [IntercompanyDifference(companies: ["P", "S"], account: "7900", amount: -12_600)])
        // Revenue 12,000 and cost 9,000 out; the margin of 3,000 out of the group's cost of sales.
        #expect(elimination.entries[1].lines == [.init(company: "P", account: "4100", amount: 1_200_000),
                                                 .init(company: "P", account: "5100", amount: -900_000),
                                                 .init(company: nil, account: "5000", amount: -300_000)])
        #expect(elimination.entries[1].sources == ["event:p-ic-cost:0", "event:p-ic-sale:0"])
        // Margin (12,000 − 9,000) / 12,000 = 25 % of the transfer value of the 200 held, 4,000.00: 1,000.00.
        #expect(elimination.entries[2].lines == [.init(company: nil, account: "5000", amount: 100_000), .init(company: "S", account: "1420", amount: -100_000)])
        #expect(elimination.entries[2].sources == ["event:p-ic-cost:0", "event:p-ic-sale:0"])
    }

    @Test func theConsolidatedStatementsAreExactToTheCent() throws {
        let group = try consolidate()
        let balances = Dictionary(uniqueKeysWithValues: group.balances.map { ($0.account, $0.amount) })
        // Bank 97,000.00 + 8,929.99; stock 6,000.00 + 4,042.00 − 1,000.00; cost of sales 7,980.80 − 3,000.00 + 1,000.00.
        #expect(balances["1000"] == 10_592_999 && balances["1100"] == 1_128_000 && balances["1420"] == 904_200)
        #expect(balances["1200"] == 0 && balances["2200"] == 0 && balances["4100"] == 0 && balances["5100"] == 0)
        #expect(balances["2100"] == -1_200_000 && balances["3000"] == -11_000_000 && balances["3900"] == 56_520)
        #expect(balances["4000"] == -1_113_600 && balances["5000"] == 598_080 && balances["7900"] == -12_600)
        #expect(group.trialBalance.isBalanced && group.trialBalance.totalDebit == group.trialBalance.totalCredit)

        // Result: P 3,000.00 + S 2,691.19 − unrealised 1,000.00 + exchange difference 126.00 = 4,817.19.
        let income = group.incomeStatement
        #expect(income.totalRevenue == 1_113_600)
        #expect(income.totalExpenses == 598_080 - 300_000 + 300_000 + 46_401 - 12_600)
        #expect(income.result == 481_719)

        let sheet = group.balanceSheet
        #expect(sheet.totalAssets == 10_592_999 + 1_128_000 + 904_200)
        #expect(sheet.line("1400")?.total == 904_200 && sheet.line("1400")?.amount == 0)
        #expect(sheet.totalLiabilities == 1_200_000)
        #expect(sheet.currentYearEarnings == 481_719)
        #expect(sheet.totalEquity == 11_000_000 - 56_520 + 481_719)
        #expect(sheet.isBalanced && sheet.totalAssets == 12_625_199)
    }

    @Test func aMemberHeldAtLessThanAHundredPercentIsRefused() throws {
        var members = try ConsolidationScenario.members()
        members[1].ownershipPercent = 80
        #expect(throws: AccountingRefusal.self) {
            try Consolidation.consolidate(group: "G", presentation: .EUR, members: members, holdings: [], accounts: ConsolidationScenario.accounts)
        }
    }

    @Test(arguments: ["trading partner outside the group", "holding from outside the group", "line on an account without a balance",
                      "a company twice"])
    func intercompanyFiguresThatCannotBeEliminatedAreRefused(kase: String) throws {
        var members = try ConsolidationScenario.members()
        var holdings = ConsolidationScenario.holdings
        switch kase {
        case "trading partner outside the group": members[1].intercompanyEntries[0].lines[1].tradingPartner = "X"
        case "holding from outside the group": holdings[0].seller = "X"
        case "a company twice": members.append(members[0])
        default: members[1].balances.removeAll { $0.account == "2200" }
        }
        #expect(throws: AccountingRefusal.self) {
            try Consolidation.consolidate(group: "G", presentation: .EUR, members: members, holdings: holdings, accounts: ConsolidationScenario.accounts)
        }
    }

    @Test func aMissingRateIsTheTablesRefusalNamingThePairAndDay() throws {
        do throws(AccountingRefusal) {
            _ = try TranslationRates.lookup(ConsolidationScenario.rates, from: .PLN, to: .EUR, periodStart: "2026-12-01", periodEnd: "2026-12-31")
            Issue.record("a December without rates translated")
        } catch {
            #expect(error.code == .missingRate && error.detail.contains("PLN/EUR") && error.detail.contains("2026-12-31"))
        }
    }
}
