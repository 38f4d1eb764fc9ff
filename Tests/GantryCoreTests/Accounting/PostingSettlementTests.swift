import Foundation
@testable import GantryCore
import Testing

/// What settling a transfer discrepancy posts (docs/accounting.md, "Settled transfer discrepancies"); figures by hand.
@Suite struct PostingSettlementTests {
    typealias B = Books
    static let line = TransitLine(transfer: "T-1", line: 1)

    /// Discrepancy T-1/2 of line 1 (item A), recorded by `company` at P2, the transfer sent by `seller` from P1 at
    /// `price`, settled at noon UTC of `day` (Berlin).
    static func settled(_ resolution: DiscrepancySettlement.Resolution, _ quantity: String, kind: TransferDiscrepancyRecorded.Kind = .short,
                        company: String = "DE01", seller: String = "DE01", price: Money? = nil,
                        day: String = "2026-12-03") -> SettledDiscrepancy {
        SettledDiscrepancy(
            discrepancy: "T-1/2", transfer: "T-1", line: 1, item: "A", kind: kind, quantity: B.quantity(quantity), resolution: resolution,
            company: company, plant: "P2", seller: seller, sellerPlant: "P1", price: price,
            settledAt: ISO8601DateFormatter().date(from: "\(day)T12:00:00Z")!, timeZone: "Europe/Berlin")
    }

    /// 10 A sent within DE01 at 4.00, 7 received: 3 still in transit at 12.00. Written off: Dr transit loss 12.00 /
    /// Cr in transit 12.00, the line at 0 and 0; the entry's source names the discrepancy. Credited within one company
    /// is the same.
    @Test(arguments: [DiscrepancySettlement.Resolution.writtenOff, .credited])
    func aShortQuantityWrittenOffLeavesTransit(resolution: DiscrepancySettlement.Resolution) throws {
        var snapshot = B.snapshot()
        snapshot.inTransit[Self.line] = TransitValue(company: "DE01", quantity: 3_000_000, value: 1_200)
        let settled = Self.settled(resolution, "3")
        #expect(PostingEngine.needs(settled).transitLines == [Self.line])
        let outcome = try PostingEngine.post(settled, snapshot: snapshot)
        #expect(outcome.allBalanced)
        #expect(outcome.entries.map(\.kind) == [.transitLoss])
        let entry = try #require(outcome.entries.first)
        #expect(entry.functional == ["transit-loss": 1_200, "in-transit": -1_200])
        #expect(entry.source == EntrySource(kind: .settlement, reference: "T-1/2", plant: "P2", part: 0))
        #expect(entry.source.key == "settlement:T-1/2:0")
        #expect(entry.postingDate == "2026-12-03" && entry.period == "2026-12" && entry.originalDate == nil)
        #expect(entry.lines.map(\.quantity) == [nil, -3_000_000])
        #expect(outcome.inTransit[Self.line] == TransitValue(company: "DE01", quantity: 0, value: 0))
    }

    /// 3 in transit worth 10.00: writing off 2 takes 10.00 × 2 / 3 = 6.666… → 6.67, leaving 1 worth 3.33; writing off
    /// the last one then takes what remains, 3.33.
    @Test func theLastUnitWrittenOffTakesWhatRemains() throws {
        var snapshot = B.snapshot()
        snapshot.inTransit[Self.line] = TransitValue(company: "DE01", quantity: 3_000_000, value: 1_000)
        let first = try PostingEngine.post(Self.settled(.writtenOff, "2"), snapshot: snapshot)
        #expect(first.entries.first?.functional == ["transit-loss": 667, "in-transit": -667])
        #expect(first.inTransit[Self.line] == TransitValue(company: "DE01", quantity: 1_000_000, value: 333))
        snapshot.inTransit = first.inTransit
        let last = try PostingEngine.post(Self.settled(.writtenOff, "1"), snapshot: snapshot)
        #expect(last.entries.first?.functional == ["transit-loss": 333, "in-transit": -333])
        #expect(last.inTransit[Self.line] == TransitValue(company: "DE01", quantity: 0, value: 0))
    }

    /// DE01 (EUR, standard 10.00) sold 10 A to PL01 at 12.00 EUR, EUR→PLN 4.25 at dispatch: 510.00 PLN in transit; 7
    /// received (357.00), 3 short worth 153.00 PLN. Credited: PL01 Dr IC payable 36.00 EUR = 153.00 PLN / Cr in
    /// transit the same; DE01 Dr IC revenue 36.00 / Cr IC receivable 36.00 (EUR, its own currency) and Dr transit
    /// loss 30.00 (3 × the standard 10.00) / Cr IC cost of sales 30.00. Intercompany lines name the other company.
    @Test(arguments: [true, false])
    func aShortQuantityCreditedBetweenCompaniesReversesBothSides(priceOnTheLine: Bool) throws {
        var snapshot = B.snapshot()
        snapshot.inTransit[Self.line] = TransitValue(company: "PL01", quantity: 3_000_000, value: 15_300)
        snapshot.itemCosts[CompanyItem(company: "DE01", item: "A")] = B.cost("10.00")
        if !priceOnTheLine { snapshot.intercompanyPrices[IntercompanyPriceKey(seller: "DE01", buyer: "PL01", item: "A")] = B.money("12.00") }
        let settled = Self.settled(.credited, "3", company: "PL01", seller: "DE01", price: priceOnTheLine ? B.money("12.00") : nil)
        #expect(PostingEngine.needs(settled).companies == ["PL01", "DE01"])
        let outcome = try PostingEngine.post(settled, snapshot: snapshot)
        #expect(outcome.allBalanced)
        #expect(outcome.entries.map(\.kind) == [.intercompanyPurchase, .intercompanySale, .intercompanyCostOfSales])
        #expect(outcome.entries.map(\.company) == ["PL01", "DE01", "DE01"])
        #expect(outcome.entries.map(\.source.key) == ["settlement:T-1/2:0", "settlement:T-1/2:1", "settlement:T-1/2:2"])
        let purchase = outcome.entries[0]
        #expect(purchase.transactionCurrency == .EUR && purchase.functionalCurrency == .PLN)
        #expect(purchase.transaction == ["ic-payable": 3_600, "in-transit": -3_600])
        #expect(purchase.functional == ["ic-payable": 15_300, "in-transit": -15_300])
        #expect(purchase.lines.allSatisfy { $0.tradingPartner == "DE01" })
        #expect(outcome.entries[1].functional == ["ic-revenue": 3_600, "ic-receivable": -3_600])
        #expect(outcome.entries[1].lines.allSatisfy { $0.tradingPartner == "PL01" })
        #expect(outcome.entries[1].lines.map(\.quantity) == [-3_000_000, nil], "what stands sold shrinks by the 3 credited")
        let cost = outcome.entries[2]
        #expect(cost.functional == ["transit-loss": 3_000, "ic-cogs": -3_000])
        #expect(cost.lines.map(\.tradingPartner) == [nil, "PL01"])
        #expect(outcome.inTransit[Self.line] == TransitValue(company: "PL01", quantity: 0, value: 0))
    }

    /// DE01 (EUR, standard 10.00) sold 10 A to PL01 at 12.00 EUR, dispatched 2026-12-01 when EUR→PLN was 4.25; 2
    /// arrived damaged and went to PL01's transit loss at 2 × 12.00 × 4.25 = 102.00 PLN. Credited on 2026-12-03 (EUR→PLN
    /// 4.40 that day): PL01 Dr IC payable 24.00 EUR = 102.00 PLN (the purchase's rate, not the settlement's) / Cr
    /// transit loss the same, its loss back to 0; DE01 Dr IC revenue 24.00 / Cr IC receivable 24.00 EUR and Dr transit
    /// loss 20.00 (2 × the standard 10.00) / Cr IC cost of sales 20.00. Nothing leaves transit: the receipt took it.
    @Test func aDamagedQuantityCreditedBetweenCompaniesMovesTheLossToTheSeller() throws {
        var snapshot = B.snapshot()
        snapshot.rates = ExchangeRateTable([B.rate(.EUR, .PLN, "4.25", on: "2026-12-01"), B.rate(.EUR, .PLN, "4.40", on: "2026-12-03")])
        snapshot.itemCosts[CompanyItem(company: "DE01", item: "A")] = B.cost("10.00")
        var settled = Self.settled(.credited, "2", kind: .damaged, company: "PL01", seller: "DE01", price: B.money("12.00"))
        settled.purchasedOn = "2026-12-01"
        #expect(settled.posts)
        #expect(PostingEngine.needs(settled).companies == ["PL01", "DE01"] && PostingEngine.needs(settled).transitLines.isEmpty)
        let outcome = try PostingEngine.post(settled, snapshot: snapshot)
        #expect(outcome.allBalanced)
        #expect(outcome.entries.map(\.kind) == [.intercompanyPurchase, .intercompanySale, .intercompanyCostOfSales])
        #expect(outcome.entries.map(\.company) == ["PL01", "DE01", "DE01"])
        let buyer = outcome.entries[0]
        #expect(buyer.transactionCurrency == .EUR && buyer.functionalCurrency == .PLN)
        #expect(buyer.transaction == ["ic-payable": 2_400, "transit-loss": -2_400])
        #expect(buyer.functional == ["ic-payable": 10_200, "transit-loss": -10_200])
        #expect(buyer.lines.map(\.tradingPartner) == ["DE01", nil])
        #expect(buyer.lines.map(\.item) == [nil, "A"] && buyer.lines.allSatisfy { $0.quantity == nil })
        #expect(outcome.entries[1].functional == ["ic-revenue": 2_400, "ic-receivable": -2_400])
        #expect(outcome.entries[1].lines.map(\.quantity) == [-2_000_000, nil], "what stands sold shrinks by the 2 credited")
        #expect(outcome.entries[1].lines.allSatisfy { $0.tradingPartner == "PL01" })
        #expect(outcome.entries[2].functional == ["transit-loss": 2_000, "ic-cogs": -2_000])
        #expect(outcome.entries[2].lines.map(\.tradingPartner) == [nil, "PL01"])
        #expect(outcome.inTransit.isEmpty)
    }

    /// 3 damaged at 12.35 EUR when EUR→PLN was 4.2573: 37.05 EUR × 4.2573 = 157.732965 → 157.73 PLN, rounded once, half
    /// to even. With the price list's price when the line has none; in the seller's currency the seller's entries
    /// need no rate.
    @Test func aDamagedCreditIsRoundedOnceAtThePurchaseRate() throws {
        var snapshot = B.snapshot()
        snapshot.rates = ExchangeRateTable([B.rate(.EUR, .PLN, "4.2573", on: "2026-12-01")])
        snapshot.itemCosts[CompanyItem(company: "DE01", item: "A")] = B.cost("10.00")
        snapshot.intercompanyPrices[IntercompanyPriceKey(seller: "DE01", buyer: "PL01", item: "A")] = B.money("12.35")
        var settled = Self.settled(.credited, "3", kind: .damaged, company: "PL01", seller: "DE01")
        settled.purchasedOn = "2026-12-01"
        let outcome = try PostingEngine.post(settled, snapshot: snapshot)
        #expect(outcome.entries[0].transaction == ["ic-payable": 3_705, "transit-loss": -3_705])
        #expect(outcome.entries[0].functional == ["ic-payable": 15_773, "transit-loss": -15_773])
        #expect(outcome.entries[1].functional == ["ic-revenue": 3_705, "ic-receivable": -3_705])
        #expect(outcome.entries[2].functional == ["transit-loss": 3_000, "ic-cogs": -3_000])
    }

    /// Reshipped or found goods are still expected, a damaged quantity was lost at its receipt (written off, reshipped,
    /// or credited within one company, the loss stays the buyer's) and an over one was received: none of them posts,
    /// or reads anything.
    @Test func whatIsStillExpectedOrAlreadyPostedPostsNothing() throws {
        var snapshot = B.snapshot()
        snapshot.inTransit[Self.line] = TransitValue(company: "DE01", quantity: 3_000_000, value: 1_200)
        let settlements = [Self.settled(.reshipped, "3"), Self.settled(.found, "3"), Self.settled(.writtenOff, "1", kind: .damaged),
                           Self.settled(.credited, "1", kind: .damaged), Self.settled(.writtenOff, "1", kind: .over),
                           Self.settled(.writtenOff, "1", kind: .damaged, company: "PL01", price: B.money("12.00")),
                           Self.settled(.reshipped, "1", kind: .damaged, company: "PL01", price: B.money("12.00")),
                           Self.settled(.credited, "1", kind: .over, company: "PL01", price: B.money("12.00"))]
        for settled in settlements {
            #expect(!settled.posts)
            #expect(PostingEngine.needs(settled) == PostingNeeds())
            let outcome = try PostingEngine.post(settled, snapshot: snapshot)
            #expect(outcome.entries.isEmpty && outcome.inTransit.isEmpty)
        }
    }

    /// Settled on 2026-11-20 in the closed period 2026-11: posted on 2026-12-01 in 2026-12, the day kept.
    @Test func aSettlementInAClosedPeriodPostsToTheNextOpenOne() throws {
        var snapshot = B.snapshot([B.company("DE01", .EUR, .standard, closed: ["2026-11"])])
        snapshot.inTransit[Self.line] = TransitValue(company: "DE01", quantity: 3_000_000, value: 1_200)
        let entry = try #require(try PostingEngine.post(Self.settled(.writtenOff, "3", day: "2026-11-20"), snapshot: snapshot).entries.first)
        #expect(entry.period == "2026-12" && entry.postingDate == "2026-12-01" && entry.originalDate == "2026-11-20")
    }

    /// A line the ledger carries nothing of in transit (shipped before the books, or its dispatch held) has nothing
    /// to clear.
    @Test func aLineWithNothingInTransitPostsNothing() throws {
        var snapshot = B.snapshot()
        #expect(try PostingEngine.post(Self.settled(.writtenOff, "3"), snapshot: snapshot).entries.isEmpty)
        snapshot.inTransit[Self.line] = TransitValue(company: "DE01", quantity: 0, value: 0)
        let outcome = try PostingEngine.post(Self.settled(.writtenOff, "3"), snapshot: snapshot)
        #expect(outcome.entries.isEmpty && outcome.inTransit.isEmpty)
    }

    @Test func aSettlementThatCannotPostIsRefused() {
        var snapshot = B.snapshot()
        snapshot.inTransit[Self.line] = TransitValue(company: "PL01", quantity: 3_000_000, value: 15_300)
        #expect(throws: AccountingRefusal(.invalid, "transfer T-1 line 1 is in transit at PL01, settled for DE01")) {
            try PostingEngine.post(Self.settled(.writtenOff, "3"), snapshot: snapshot)
        }
        let unpriced = Self.settled(.credited, "3", company: "PL01", seller: "DE01")
        #expect(throws: AccountingRefusal(.missingPrice, "no transfer price for A from DE01 to PL01")) {
            try PostingEngine.post(unpriced, snapshot: snapshot)
        }
        var damaged = Self.settled(.credited, "2", kind: .damaged, company: "PL01", seller: "DE01", price: B.money("12.00"))
        #expect(throws: AccountingRefusal(.missingRate, "no purchase day for transfer T-1 line 1: the rate its loss was taken at is unknown")) {
            try PostingEngine.post(damaged, snapshot: snapshot)
        }
        damaged.purchasedOn = "2026-12-01"
        // The snapshot has no EUR/PLN rate on the purchase's day.
        let noRate = #expect(throws: AccountingRefusal.self) { try PostingEngine.post(damaged, snapshot: snapshot) }
        #expect(noRate?.code == .missingRate)
        snapshot.inTransit[Self.line] = TransitValue(company: "DE01", quantity: 3_000_000, value: 1_200)
        snapshot.books["DE01"] = B.company("DE01", .EUR, .standard, without: [.transitLoss])
        #expect(throws: AccountingRefusal(.missingMapping, "company DE01 maps no accounts for transit-loss")) {
            try PostingEngine.post(Self.settled(.writtenOff, "3"), snapshot: snapshot)
        }
    }
}
