import Foundation
@testable import GantryCore
import Testing

/// A member's intercompany lines given already summed (`IntercompanySum`, what the hub keeps on apply) consolidate
/// exactly as the entries they sum, each line and elimination naming the sums instead of the entries.
@Suite struct ConsolidationIntercompanySumTests {
    /// The scenario's intercompany lines summed by hand per partner, entry kind, account and item (functional).
    static let parentSums = [
        IntercompanySum(tradingPartner: "S", kind: .intercompanyCostOfSales, account: "5100", item: "WIDGET", functionalAmount: 900_000,
                        quantity: ConsolidationScenario.widgets600, reference: "P/S/5100/WIDGET"),
        IntercompanySum(tradingPartner: "S", kind: .intercompanyCostOfSales, account: "1420", item: "WIDGET", functionalAmount: -900_000,
                        quantity: -ConsolidationScenario.widgets600, reference: "P/S/1420/WIDGET"),
        IntercompanySum(tradingPartner: "S", kind: .intercompanySale, account: "1200", functionalAmount: 1_200_000, reference: "P/S/1200"),
        IntercompanySum(tradingPartner: "S", kind: .intercompanySale, account: "4100", item: "WIDGET", functionalAmount: -1_200_000,
                        quantity: ConsolidationScenario.widgets600, reference: "P/S/4100/WIDGET"),
    ]
    static let subsidiarySums = [
        IntercompanySum(tradingPartner: "P", kind: .intercompanyPurchase, account: "1430", item: "WIDGET", functionalAmount: 5_160_000,
                        quantity: ConsolidationScenario.widgets600, reference: "S/P/1430/WIDGET"),
        IntercompanySum(tradingPartner: "P", kind: .intercompanyPurchase, account: "2200", functionalAmount: -5_160_000, reference: "S/P/2200"),
    ]

    static func members() throws -> [ConsolidationMember] {
        var members = try ConsolidationScenario.members()
        members[0].intercompanyEntries = []
        members[0].intercompanySums = parentSums
        members[1].intercompanyEntries = []
        members[1].intercompanySums = subsidiarySums
        return members
    }

    static func consolidate(_ members: [ConsolidationMember]) throws -> Consolidation {
        try Consolidation.consolidate(group: "G", presentation: .EUR, members: members, holdings: ConsolidationScenario.holdings,
                                      accounts: ConsolidationScenario.accounts)
    }

    @Test func sumsConsolidateAsTheEntriesTheySumNamedBySum() throws {
        let fromEntries = try Self.consolidate(try ConsolidationScenario.members())
        let fromSums = try Self.consolidate(try Self.members())
        #expect(fromSums.balances == fromEntries.balances)
        #expect(fromSums.elimination.entries.map(\.lines) == fromEntries.elimination.entries.map(\.lines))
        #expect(fromSums.elimination.differences == fromEntries.elimination.differences)
        #expect(fromSums.intercompanyLines.map(\.amount) == fromEntries.intercompanyLines.map(\.amount))
        // (a) names P's receivable and S's payable; (b) and (c) P's revenue and cost of sales of WIDGET.
        #expect(fromSums.elimination.entries.map(\.sources) == [
            ["P/S/1200", "S/P/2200"], ["P/S/4100/WIDGET", "P/S/5100/WIDGET"], ["P/S/4100/WIDGET", "P/S/5100/WIDGET"],
        ])
    }

    /// The scenario's November seen from a later range: its sums are `earlierSums`. S's payable at the range's start
    /// translates at the opening rate given, 51,600.00 PLN × 0.2330 = 12,022.80 EUR against P's 12,000.00: the
    /// difference, a gain of 22.80 November's result took, is credited to the retained earnings and debited back to
    /// the difference account. Without an opening rate S's payable cannot be translated: refused as a missing rate.
    @Test func balancesAtTheRangesStartCarryTheirDifferenceAtTheOpeningRate() throws {
        var members = try Self.members()
        for index in members.indices {
            members[index].earlierSums = members[index].intercompanySums
            members[index].earlierTypes = Dictionary(members[index].balances.map { ($0.account, $0.type) }, uniquingKeysWith: { first, _ in first })
            members[index].intercompanySums = []
        }
        let refusal = #expect(throws: AccountingRefusal.self) { try Self.consolidate(members) }
        #expect(refusal?.code == .missingRate && refusal?.detail.contains("intercompany balances of S") == true)
        members[1].openingRate = AppliedRate(from: .PLN, to: .EUR, kind: .closing, on: "2026-10-31", rate: Decimal(string: "0.2330")!, source: "test")
        let result = try Consolidation.consolidate(group: "G", presentation: .EUR, members: members, holdings: [],
                                                   accounts: ConsolidationScenario.accounts)
        #expect(result.elimination.entries.map(\.kind) == [.openingDifference])
        #expect(result.elimination.entries[0].lines == [
            .init(company: nil, account: "RETAINED-EARNINGS", amount: -2_280), .init(company: nil, account: "7900", amount: 2_280),
        ])
        #expect(result.elimination.entries[0].sources == ["P/S/1200", "S/P/2200"])
    }

    @Test(arguments: ["sum on an account without a balance", "sum with a partner outside the group"])
    func aSumThatCannotBeEliminatedIsRefused(kase: String) throws {
        var members = try Self.members()
        if kase == "sum with a partner outside the group" {
            members[1].intercompanySums[1].tradingPartner = "X"
        } else {
            members[1].balances.removeAll { $0.account == "2200" }
        }
        let refusal = #expect(throws: AccountingRefusal.self) { try Self.consolidate(members) }
        #expect(refusal?.code == .invalid)
        #expect(refusal?.detail.contains(kase.hasPrefix("sum on") ? "S/P/2200" : "X") == true)
    }
}
