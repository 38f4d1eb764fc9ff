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
        facts.positionChanges = [LedgerStatementFacts.PositionSum(period: "2026-02", item: "RM", quantity: 11_000_000, value: 3_300)]
        facts.balances = [LedgerStatementFacts.PeriodSum(period: "2026-02", account: "1400", debit: 3_300, credit: 300)]
        let report = try LedgerStatements(company: "ACME", facts: facts).reconciliation(at: "2026-02")
        #expect(report.inventoryAccounts == ["1400"])
        #expect(report.items.map(\.item) == ["NUT", "RM"] && report.items.map(\.value) == [nil, 3_000])
        #expect(report.unvalued == ["NUT"])
        #expect(report.stockValue == 3_000 && report.ledgerValue == 3_000 && report.difference == 0)
        #expect(!report.matches, "stock without a cost is not a match")
    }

    /// At January's end, by hand: 12 RM in stock at 3.00 = 36.00; the ledger through January 6.00 (2 RM of a December
    /// fact posted in January). Entries posted to February for January facts: a receipt of 10 RM (30.00 on 1400, the
    /// GRNI side is not inventory) is named; a quarantine move of 5 RM (on 1450 and off 1400) nets to nothing and is not.
    /// Of two held postings only the one of 31 January is January's.
    @Test func onlyWhatConcernsThePeriodExplainsADifference() throws {
        var facts = LedgerStatementFacts(masters: LedgerMasters([
            M.record(.company, nil, "ACME", #"{"legalName":"Acme GmbH","currency":"EUR","valuation":"standard"}"#),
            M.record(.fiscalPeriod, "ACME", "2026-01", #"{"start":"2026-01-01","end":"2026-01-31","fiscalYear":"FY2026"}"#),
            M.record(.fiscalPeriod, "ACME", "2026-02", #"{"start":"2026-02-01","end":"2026-02-28","fiscalYear":"FY2026"}"#),
            M.record(.itemCost, "ACME", "RM", #"{"standardCost":{"amount":"3.00","currency":"EUR"}}"#),
            M.record(.accountMapping, "ACME", "receipt", #"{"debit":"1400","credit":"2100"}"#),
            M.record(.accountMapping, "ACME", "quarantine", #"{"debit":"1450","credit":"1400"}"#),
        ]))
        facts.stock = ["RM": 12_000_000]
        facts.balances = [LedgerStatementFacts.PeriodSum(period: "2026-01", account: "1400", debit: 600, credit: 0)]
        func line(_ key: String, _ period: String, _ original: String, _ account: String, _ quantity: Int64?, _ amount: Int64) -> LedgerStatementFacts.LateLine {
            LedgerStatementFacts.LateLine(
                sourceKey: key, plant: "ACME-BER", sequence: 1, kind: "k", period: period, originalDate: original, note: nil, account: account,
                item: quantity == nil ? nil : "RM", quantity: quantity, functionalAmount: amount)
        }
        facts.lateLines = [
            line("event:C:0", "2026-01", "2025-12-10", "1400", 2_000_000, 600), line("event:C:0", "2026-01", "2025-12-10", "2100", nil, -600),
            line("event:A:0", "2026-02", "2026-01-20", "1400", 10_000_000, 3_000), line("event:A:0", "2026-02", "2026-01-20", "2100", nil, -3_000),
            line("event:B:0", "2026-02", "2026-01-21", "1450", 5_000_000, 1_500), line("event:B:0", "2026-02", "2026-01-21", "1400", -5_000_000, -1_500),
        ]
        facts.held = [1, 2].map {
            HeldPostingRecord(plant: "ACME-BER", sequence: $0, eventID: UUID(), company: "ACME", code: "missing-rate", detail: "", heldAt: .distantPast)
        }
        facts.heldDays = [
            LedgerStatementFacts.EventKey(plant: "ACME-BER", sequence: 1): "2026-01-31",
            LedgerStatementFacts.EventKey(plant: "ACME-BER", sequence: 2): "2026-02-01",
        ]
        let report = try LedgerStatements(company: "ACME", facts: facts).reconciliation(at: "2026-01")
        #expect(report.through == "2026-01-31" && report.inventoryAccounts == ["1400", "1450"])
        #expect(report.stockValue == 3_600 && report.ledgerValue == 600 && report.difference == 3_000)
        #expect(report.late.map(\.sourceKey) == ["event:A:0"] && report.lateValue == 3_000)
        #expect(report.late.first?.items == [InventoryReconciliation.LateEntry.Item(item: "RM", quantity: Quantity(10), value: 3_000)])
        #expect(report.late.first?.reason == "dated 2026-01-20, posted to 2026-02")
        #expect(report.held.map(\.sequence) == [1] && !report.matches)
    }
}
