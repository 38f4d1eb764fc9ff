import Foundation
import GantryCore
@testable import GantryHub
import GantryTestSupport
import Testing

/// The group scenario (`ConsolidationScenarioTests`, March) carried into April, consolidated for April alone on both
/// backends: the balance sheet at the end of April (everything posted through it), the income statement of April
/// only, March's results as retained earnings at March's average rate, the CTA as the plug, the receivable PAR raised
/// in March and SUB's payable still open and eliminated, and the unrealised profit in stock bought in March and still
/// held eliminated; what March's result already took (that profit, and the difference of the receivable and payable
/// at March's close) out of the retained earnings.
@Suite struct ConsolidationSecondPeriodTests {
    typealias Scenario = ConsolidationScenarioTests
    static let april = "2026-04"

    /// April's periods and rates: PLN→EUR averaging 0.245 over April, 0.25 at its close.
    static let aprilBooks: [String] = [
        #"{"kind":"fiscal-period","company":"PAR","key":"2026-04","data":{"start":"2026-04-01","end":"2026-04-30","fiscalYear":"FY2026"}}"#,
        #"{"kind":"fiscal-period","company":"SUB","key":"2026-04","data":{"start":"2026-04-01","end":"2026-04-30","fiscalYear":"FY2026"}}"#,
        #"{"kind":"exchange-rate","key":"PLN.EUR.average.2026-04-01","data":{"from":"PLN","to":"EUR","kind":"average","on":"2026-04-01","through":"2026-04-30","rate":"0.245","source":"NBP"}}"#,
        #"{"kind":"exchange-rate","key":"PLN.EUR.closing.2026-04-30","data":{"from":"PLN","to":"EUR","kind":"closing","on":"2026-04-30","rate":"0.25","source":"NBP"}}"#,
    ]

    /// In April SUB scraps one more WIDGET from its store, at the moving average 60.00 PLN; nothing else happens.
    static let aprilEvents: [EventEnvelope] = [
        Scenario.envelope(3, "2026-04-15", Scenario.move(.scrap, "WIDGET", 1, lot: "W1", from: "DOCK", to: nil, nil)),
    ]

    static func sendAll(_ store: any HubStore) async throws {
        try await Scenario.send(store, "PAR-BER", Scenario.parentEvents, batchSize: 7)
        try await Scenario.send(store, "SUB-WAW", Scenario.subsidiaryEvents + aprilEvents, batchSize: 2)
    }

    /// By hand (EUR cents). March's balances are those of `ConsolidationScenarioTests`; April adds SUB's scrap,
    /// Dr 5400 60.00 / Cr 1400 60.00 PLN.
    ///
    /// PAR (EUR) through April: 1200 +150.00, 1400 +100.00, 1450 0, 2100 −200.00; no April income or expense; March's
    /// result 4100 −150.00 + 5100 90.00 + 5200 10.00 = −50.00 (a profit) is its retained earnings, as it is.
    ///
    /// SUB (PLN) through April: 1400 300.00 − 60.00 = 240.00 (4 WIDGET), 1500 240.00 (4 in transit), 2200 −600.00; April:
    /// 5400 +60.00; March's result, 5400 +60.00, is its retained earnings. Translated: 1400 and 1500 240.00 × 0.25 =
    /// 60.00 each, 2200 −600.00 × 0.25 = −150.00 (closing); 5400 60.00 × 0.245 = 14.70 (April's average); retained
    /// earnings 60.00 × 0.235 = 14.10 (March's average); sum −1.20, so the CTA is +1.20: net liabilities of 120.00 PLN
    /// are 30.00 EUR at the close, the two results 28.80 at their own averages. (March's CTA was 0.30: the rate moved
    /// on.)
    ///
    /// Eliminations: (a) PAR's receivable 150.00 against SUB's payable, 600.00 PLN × 0.25 = 150.00: reversed, no
    /// difference. (b) no intercompany sale in April. (c) the margin 60.00 on the 10 sold in March: still held at the
    /// end of April 4 in SUB's store, 60.00 × 4 / 10 = 24.00 (Dr 5000, Cr SUB 1400), and 4 in transit, 24.00 (Dr 5000,
    /// Cr SUB 1500). (d) held at the end of March, eliminated then: 5 in store, 30.00, and 4 in transit, 24.00, each Dr
    /// RETAINED-EARNINGS, Cr 5000; and at March's close the receivable 150.00 against the payable 600.00 PLN × 0.24 =
    /// 144.00, the difference 6.00 March's result took as a loss: Dr RETAINED-EARNINGS, Cr IC-DIFFERENCE 6.00.
    ///
    /// Group: 1400 100.00 + 60.00 − 24.00 = 136.00; 1500 60.00 − 24.00 = 36.00; 1200, 2200, 1450 0; 2100 −200.00; 5000
    /// 24.00 + 24.00 − 30.00 − 24.00 = −6.00 (the markup of the widget scrapped, already out of the group's stock);
    /// 5400 14.70; IC-DIFFERENCE −6.00 (April's gain: the PLN back at 0.25); RETAINED-EARNINGS −50.00 + 14.10 + 30.00 +
    /// 24.00 + 6.00 = 24.10 (a debit: March's group result, −24.10); CTA 1.20.
    /// April's result: −(−6.00 + 14.70 − 6.00) = −2.70. Balance sheet: assets 136.00 + 36.00 = 172.00 = liabilities
    /// 200.00 + equity (−24.10 retained − 1.20 CTA − 2.70 result) −28.00.
    static func expectApril(_ group: GroupConsolidation) {
        #expect(group.from == april && group.to == april)
        #expect(group.members.map(\.company) == ["PAR", "SUB"])
        #expect(group.members.map(\.cta) == [0, 120])
        let par = group.members[0], sub = group.members[1]
        #expect(par.lines.map(\.account) == ["1200", "1400", "1450", "2100", "RETAINED-EARNINGS", "CTA"])
        #expect(par.lines.map(\.amount) == [15_000, 10_000, 0, -20_000, -5_000, 0])
        #expect(sub.lines.map(\.account) == ["1400", "1500", "2200", "5400", "RETAINED-EARNINGS", "CTA"])
        #expect(sub.lines.map(\.amount) == [6_000, 6_000, -15_000, 1_470, 1_410, 120])
        #expect(sub.lines.map(\.basis) == [.closing, .closing, .closing, .average, .carried, .adjustment])
        #expect(group.eliminations.map(\.kind) == [
            .receivablesPayables, .unrealisedProfit, .unrealisedProfit, .openingUnrealisedProfit, .openingUnrealisedProfit,
            .openingDifference,
        ])
        #expect(group.eliminations.allSatisfy { $0.isBalanced })
        #expect(group.eliminations[0].lines == [.init(company: "PAR", account: "1200", amount: -15_000), .init(company: "SUB", account: "2200", amount: 15_000)])
        #expect(group.eliminations[0].sources == ["PAR/SUB/1200", "SUB/PAR/2200"])
        #expect(group.differences.isEmpty)
        #expect(group.eliminations[1].lines == [.init(company: nil, account: "5000", amount: 2_400), .init(company: "SUB", account: "1400", amount: -2_400)])
        #expect(group.eliminations[2].lines == [.init(company: nil, account: "5000", amount: 2_400), .init(company: "SUB", account: "1500", amount: -2_400)])
        #expect(group.eliminations[3].lines == [
            .init(company: nil, account: "RETAINED-EARNINGS", amount: 3_000), .init(company: nil, account: "5000", amount: -3_000),
        ])
        #expect(group.eliminations[4].lines == [
            .init(company: nil, account: "RETAINED-EARNINGS", amount: 2_400), .init(company: nil, account: "5000", amount: -2_400),
        ])
        #expect(group.eliminations[5].lines == [
            .init(company: nil, account: "RETAINED-EARNINGS", amount: 600), .init(company: nil, account: "IC-DIFFERENCE", amount: -600),
        ])
        #expect(group.eliminations[1].sources == ["PAR/SUB/4100/WIDGET", "PAR/SUB/5100/WIDGET"])
        #expect(group.eliminations[5].sources == ["PAR/SUB/1200", "SUB/PAR/2200"])
        let expected: [String: Int64] = [
            "1200": 0, "1400": 13_600, "1450": 0, "1500": 3_600, "2100": -20_000, "2200": 0, "5000": -600, "5400": 1_470,
            "IC-DIFFERENCE": -600, "RETAINED-EARNINGS": 2_410, "CTA": 120,
        ]
        #expect(Dictionary(uniqueKeysWithValues: group.balances.map { ($0.account, $0.amount) }) == expected)
        #expect(group.incomeStatement.totalRevenue == 0 && group.incomeStatement.result == -270)
        #expect(group.balanceSheet.totalAssets == 17_200 && group.balanceSheet.totalLiabilities == 20_000)
        #expect(group.balanceSheet.totalEquity == -2_800 && group.balanceSheet.isBalanced)
    }

    @Test(arguments: HubBackend.allCases) func aprilAloneIsTheBalanceSheetAtItsEndAndTheResultOfApril(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await Scenario.setUp(store, books: Scenario.masters + Self.aprilBooks)
            try await Self.sendAll(store)
            Self.expectApril(try await store.groupConsolidation(group: "GRP", from: Self.april, to: Self.april, scope: .all))
            // March alone is as it was: April's postings are after its end.
            Scenario.expectScenario(try await store.groupConsolidation(group: "GRP", from: Scenario.march, to: Scenario.march, scope: .all))
            // The receivable eliminated in April drills down to PAR's sale of March, a balance still open.
            let receivable = try await store.consolidationSources(
                group: "GRP", from: Self.april, to: Self.april, source: "PAR/SUB/1200", offset: 0, limit: 10, scope: .all)
            #expect(receivable.total == 1 && receivable.entries.map(\.period) == ["2026-03"])
        }
    }

    /// Without March's average, SUB's March result cannot be carried; without March's closing rate, the receivable and
    /// payable at April's start cannot be compared: each refused naming the pair, the day and what needed it.
    @Test(arguments: HubBackend.allCases, [
        ("PLN.EUR.average.2026-03-01", "no PLN/EUR average rate for 2026-03-01 to 2026-03-31: SUB's result of 2026-03"),
        ("PLN.EUR.closing.2026-03-31", "no PLN/EUR closing rate on 2026-03-31: SUB's intercompany balances at the start of 2026-04"),
    ])
    func whatAnEarlierPeriodNeedsWithoutItsRateIsRefusedByName(backend: HubBackend, rate: (key: String, detail: String)) async throws {
        try await backend.withStore { store in
            try await Scenario.setUp(store, books: (Scenario.masters + Self.aprilBooks).filter { !$0.contains(rate.key) })
            try await Self.sendAll(store)
            let missing = await #expect(throws: AccountingRefusal.self) {
                try await store.groupConsolidation(group: "GRP", from: Self.april, to: Self.april, scope: .all)
            }
            #expect(missing?.code == .missingRate)
            #expect(missing?.detail.hasPrefix(rate.detail) == true, "\(missing?.detail ?? "")")
        }
    }
}
