import Foundation
import GantryCore
@testable import GantryHub
import Testing

/// The reconciliation's valuation without a database: stock of an item without a cost is named, not valued at 0.
@Suite struct LedgerStatementReconciliationTests {
    typealias M = LedgerStatementMarginTests

    static func masters(_ valuation: InventoryValuation) -> LedgerMasters {
        LedgerMasters([
            M.record(.company, nil, "ACME", #"{"legalName":"Acme GmbH","currency":"EUR","valuation":"\#(valuation.rawValue)"}"#),
            M.record(.fiscalPeriod, "ACME", "2026-02", #"{"start":"2026-02-01","end":"2026-02-28","fiscalYear":"FY2026"}"#),
            M.record(.itemCost, "ACME", "RM", #"{"standardCost":{"amount":"3.00","currency":"EUR"}}"#),
            M.record(.accountMapping, "ACME", "receipt", #"{"debit":"1400","credit":"2100"}"#),
        ])
    }

    /// 10 RM in stock (at 3.00 standard, or 33.00 / 11 on the moving-average position: 30.00) and 5 NUT without a cost;
    /// 1400 carries 30.00.
    @Test(arguments: InventoryValuation.allCases) func stockWithoutACostIsNamedAsUnvalued(valuation: InventoryValuation) throws {
        var facts = LedgerStatementFacts(masters: Self.masters(valuation))
        facts.stock = ["RM": 10_000_000, "NUT": 5_000_000]
        facts.positions = ["RM": (quantity: 11_000_000, value: 3_300)]
        facts.balances = [LedgerStatementFacts.PeriodSum(period: "2026-02", account: "1400", debit: 3_300, credit: 300)]
        let report = try LedgerStatements(company: "ACME", facts: facts).reconciliation(at: "2026-02")
        #expect(report.inventoryAccounts == ["1400"])
        #expect(report.items.map(\.item) == ["NUT", "RM"] && report.items.map(\.value) == [nil, 3_000])
        #expect(report.unvalued == ["NUT"])
        #expect(report.stockValue == 3_000 && report.ledgerValue == 3_000 && report.difference == 0)
        #expect(!report.matches, "stock without a cost is not a match")
    }
}
