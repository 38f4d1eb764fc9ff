import Foundation
import GantryCore
@testable import GantryHub
import Testing

/// Margin from sale and cost-of-sales lines, without a database: which lines count, and intercompany sales apart.
@Suite struct LedgerStatementMarginTests {
    static func record(_ kind: MasterKind, _ company: String?, _ key: String, _ json: String) -> MasterRecord {
        MasterRecord(kind: kind, company: company, key: key, active: true, plants: [], data: try! JSONValue.parse(json), version: 1,
                     updatedAt: .distantPast, updatedBy: "test")
    }

    static let masters = LedgerMasters([
        record(.company, nil, "ACME", #"{"legalName":"Acme GmbH","currency":"EUR"}"#),
        record(.fiscalPeriod, "ACME", "2026-02", #"{"start":"2026-02-01","end":"2026-02-28","fiscalYear":"FY2026"}"#),
    ])

    typealias Line = LedgerStatementFacts.SaleLine

    /// To CUST1: 1 FG sold for 25.00 at a cost of 15.00 (the inventory side, carrying the quantity, does not count, nor
    /// the receivable without an item). To BETA, another company of the group: 40.00 at a cost of 30.00.
    static let lines = [
        Line(kind: "revenue", plant: "ACME-BER", item: "FG", customer: "CUST1", tradingPartner: nil, functionalAmount: -2_500, hasQuantity: false),
        Line(kind: "cost-of-sales", plant: "ACME-BER", item: "FG", customer: "CUST1", tradingPartner: nil, functionalAmount: 1_500,
             hasQuantity: false),
        Line(kind: "cost-of-sales", plant: "ACME-BER", item: "FG", customer: "CUST1", tradingPartner: nil, functionalAmount: -1_500,
             hasQuantity: true),
        Line(kind: "intercompany-sale", plant: "ACME-HAM", item: "FG", customer: nil, tradingPartner: "BETA", functionalAmount: -4_000,
             hasQuantity: false),
        Line(kind: "intercompany-cost-of-sales", plant: "ACME-HAM", item: "FG", customer: nil, tradingPartner: "BETA", functionalAmount: 3_000,
             hasQuantity: false),
        Line(kind: "intercompany-cost-of-sales", plant: "ACME-HAM", item: "FG", customer: nil, tradingPartner: "BETA", functionalAmount: -3_000,
             hasQuantity: true),
    ]

    @Test(arguments: [
        (MarginReport.Dimension.customer, ["CUST1", "BETA"]), (.item, ["FG", "FG"]), (.plant, ["ACME-BER", "ACME-HAM"]), (.company, ["ACME", "ACME"]),
    ])
    func intercompanySalesAreRowsOfTheirOwn(by: MarginReport.Dimension, keys: [String]) throws {
        var facts = LedgerStatementFacts(masters: Self.masters)
        facts.saleLines = Self.lines
        let margin = try LedgerStatements(company: "ACME", facts: facts).margin(from: "2026-02", to: "2026-02", by: by)
        #expect(margin.rows.map(\.key) == keys)
        #expect(margin.rows.map(\.intercompany) == [false, true])
        #expect(margin.rows.map(\.revenue) == [2_500, 4_000] && margin.rows.map(\.costOfSales) == [1_500, 3_000])
        #expect(margin.rows.map(\.margin) == [1_000, 1_000])
        #expect(margin.revenue == 6_500 && margin.costOfSales == 4_500 && margin.margin == 2_000)
    }

    @Test func aRangeThatIsNotTheCompanysIsRefused() {
        let facts = LedgerStatementFacts(masters: Self.masters)
        #expect(throws: AccountingRefusal.self) { try LedgerStatements(company: "ACME", facts: facts).margin(from: "2026-03", to: "2026-03", by: .item) }
        #expect(throws: AccountingRefusal.self) { try LedgerStatements(company: "NOBOOKS", facts: facts) }
    }
}
