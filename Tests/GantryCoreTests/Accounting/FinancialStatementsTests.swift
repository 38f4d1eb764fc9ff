import Foundation
@testable import GantryCore
import Testing

/// Trial balance, balance sheet and income statement from balances: they balance, and roll up by parent.
@Suite struct FinancialStatementsTests {
    private static func balance(_ account: String, _ type: AccountMaster.AccountType, _ amount: Int64, parent: String? = nil) -> AccountBalance {
        AccountBalance(account: account, type: type, parent: parent, amount: amount)
    }

    /// Balanced books (debits = credits), with the result each has worked out by hand.
    @Test(arguments: [
        // Capital 1,000 in the bank: no result.
        ([balance("1000", .asset, 100_000), balance("3000", .equity, -100_000)], Int64(0)),
        // A sale of 500 at a cost of 300 from stock bought on credit: result 200.
        ([balance("1100", .asset, 50_000), balance("1400", .asset, -30_000), balance("2000", .liability, 0),
          balance("4000", .revenue, -50_000), balance("5000", .expense, 30_000)], 20_000),
        // A loss: rent 70 paid from capital 100.
        ([balance("1000", .asset, 3_000), balance("3000", .equity, -10_000), balance("6100", .expense, 7_000)], -7_000),
        // Accounts repeated (two companies' lines) are summed.
        ([balance("1000", .asset, 10), balance("1000", .asset, 15), balance("2000", .liability, -20), balance("4000", .revenue, -5)], 5),
    ] as [([AccountBalance], Int64)])
    func statementsBalance(balances: [AccountBalance], result: Int64) {
        let trial = FinancialStatements.trialBalance(balances)
        #expect(trial.isBalanced)
        #expect(trial.rows.allSatisfy { $0.debit >= 0 && $0.credit >= 0 && ($0.debit == 0 || $0.credit == 0) })
        let income = FinancialStatements.incomeStatement(balances)
        #expect(income.result == result)
        let sheet = FinancialStatements.balanceSheet(balances)
        #expect(sheet.currentYearEarnings == result)
        #expect(sheet.isBalanced && sheet.totalAssets == sheet.totalLiabilities + sheet.totalEquity)
    }

    @Test func linesRollUpByParentWithTheirNaturalSign() {
        let balances = [
            Self.balance("1410", .asset, 1_000, parent: "1400"), Self.balance("1420", .asset, 2_500, parent: "1400"),
            Self.balance("1421", .asset, 500, parent: "1420"), Self.balance("2000", .liability, -4_000),
            // A parent of another type does not take the child in: 2900 starts its own tree.
            Self.balance("2900", .liability, 0, parent: "1400"),
        ]
        let sheet = FinancialStatements.balanceSheet(balances)
        // 1400 has no balance of its own: it is shown with 0 and its children's totals.
        let inventory = sheet.line("1400")
        #expect(inventory?.amount == 0 && inventory?.total == 4_000)
        #expect(inventory?.children.map(\.account) == ["1410", "1420"])
        #expect(sheet.line("1420")?.total == 3_000)
        #expect(sheet.liabilities.map(\.account) == ["2000", "2900"])
        #expect(sheet.line("2000")?.amount == 4_000, "a credit balance of a liability shows positive")
    }

    @Test func aLoopOfParentsEndsAndEveryAmountCountsOnce() {
        let balances = [Self.balance("A", .asset, 1, parent: "B"), Self.balance("B", .asset, 2, parent: "A"), Self.balance("L", .liability, -3)]
        let sheet = FinancialStatements.balanceSheet(balances)
        #expect(sheet.totalAssets == 3 && sheet.isBalanced)
    }

    @Test func balancesOfEntriesSumFunctionalAmountsAndRefuseAnAccountNotInTheChart() throws {
        let balances = try FinancialStatements.balances(of: ConsolidationScenario.subsidiaryEntries, chart: ConsolidationScenario.chart)
        let amounts = Dictionary(uniqueKeysWithValues: balances.map { ($0.account, $0.amount) })
        #expect(amounts == ["1100": 4_800_000, "1420": 1_720_000, "1430": 0, "2200": -5_160_000, "4000": -4_800_000, "5000": 3_440_000])
        #expect(balances.first { $0.account == "1420" }?.parent == "1400")
        #expect(throws: AccountingRefusal.self) {
            try FinancialStatements.balances(of: ConsolidationScenario.subsidiaryEntries, chart: Array(ConsolidationScenario.chart.prefix(3)))
        }
    }
}
