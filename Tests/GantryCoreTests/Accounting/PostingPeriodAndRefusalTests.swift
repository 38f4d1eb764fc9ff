import Foundation
@testable import GantryCore
import Testing

/// Where entries post (periods, the plant's day) and what a source that cannot post does: it is held with a
/// refusal naming what is missing, and changes nothing at all.
@Suite struct PostingPeriodAndRefusalTests {
    typealias B = Books

    /// The covering period when open; when closed, the first later open period on its first day, the fact's day
    /// kept; none covering, or none open after it: refused.
    @Test(arguments: [
        ("2026-12-03", [String](), "2026-12", "2026-12-03", String?.none),
        ("2026-12-31", ["2026-11"], "2026-12", "2026-12-31", nil),
        ("2026-12-03", ["2026-12"], "2027-01", "2027-01-01", "2026-12-03"),
        ("2026-11-15", ["2026-11", "2026-12"], "2027-01", "2027-01-01", "2026-11-15"),
    ])
    func placement(day: String, closed: [String], period: String, postingDate: String, originalDate: String?) throws {
        let placement = try PostingLedger.placement(of: day, in: B.company("DE01", .EUR, .standard, closed: Set(closed)))
        #expect(placement.period == period && placement.postingDate == postingDate && placement.originalDate == originalDate)
        #expect((placement.note != nil) == (originalDate != nil))
    }

    @Test(arguments: [
        ("2026-10-31", [String]()),
        ("2027-01-10", ["2027-01"]),
        ("2026-12-03", ["2026-12", "2027-01"]),
    ])
    func noOpenPeriodIsRefused(day: String, closed: [String]) {
        do throws(AccountingRefusal) {
            let placement = try PostingLedger.placement(of: day, in: B.company("DE01", .EUR, .standard, closed: Set(closed)))
            Issue.record("placed in \(placement.period)")
        } catch {
            #expect(error.code == .noOpenPeriod && error.detail.contains("DE01"))
        }
    }

    /// A receipt of a closed December posts on 1 January, with its day and a note naming the closed period.
    @Test func aClosedPeriodMovesThePosting() {
        var snapshot = B.snapshot([B.company("DE01", .EUR, .standard, closed: ["2026-12"])])
        snapshot.itemCosts[CompanyItem(company: "DE01", item: "RM")] = B.cost("4.00")
        let outcome = PostingEngine.post([B.source(B.move(.adjustment, "RM", "1", to: "A1"))], snapshot: snapshot)
        let entry = outcome.entries[0]
        #expect(entry.period == "2027-01" && entry.postingDate == "2027-01-01" && entry.originalDate == "2026-12-03")
        #expect(entry.note?.contains("2026-12") == true)
    }

    /// 23:30 UTC on 30 November is 1 December in Berlin: the day, and so the period, is the plant's.
    @Test func theDayIsThePlantsDay() {
        var snapshot = B.snapshot([B.company("DE01", .EUR, .standard, closed: ["2026-11"])])
        snapshot.itemCosts[CompanyItem(company: "DE01", item: "RM")] = B.cost("4.00")
        var source = B.source(B.move(.adjustment, "RM", "1", to: "A1"))
        source.occurredAt = ISO8601DateFormatter().date(from: "2026-11-30T23:30:00Z")!
        let entry = PostingEngine.post([source], snapshot: snapshot).entries[0]
        #expect(entry.postingDate == "2026-12-01" && entry.period == "2026-12" && entry.originalDate == nil)
    }

    /// Every refusal of the posting rules, each from a snapshot lacking one thing.
    enum Missing: String, CaseIterable, Sendable {
        case receiptMapping, varianceMapping, buyerMapping, rate, itemCost, costInAnotherCurrency, orderLinePrice,
             transferPrice, period, company, range, transit, transitElsewhere

        var code: AccountingRefusal.Code {
            switch self {
            case .receiptMapping, .varianceMapping, .buyerMapping: .missingMapping
            case .rate: .missingRate
            case .itemCost, .costInAnotherCurrency, .transit: .missingCost
            case .orderLinePrice, .transferPrice: .missingPrice
            case .period: .noOpenPeriod
            case .company: .unknownCompany
            case .range: .outOfRange
            case .transitElsewhere: .invalid
            }
        }

        var snapshot: PostingSnapshot {
            var snapshot = B.snapshot([
                self == .receiptMapping ? B.company("DE01", .EUR, .standard, without: [.receipt])
                    : self == .varianceMapping ? B.company("DE01", .EUR, .standard, without: [.purchasePriceVariance]) : B.de01,
                self == .buyerMapping ? B.company("PL01", .PLN, .movingAverage, without: [.intercompanyPurchase]) : B.pl01,
            ])
            if self != .orderLinePrice {
                snapshot.orderLinePrices[PlantOrderLine(plant: "P1", line: "PO-1/1")] = self == .rate ? B.money("11.00", .USD)
                    : self == .range ? B.money("1000000000") : B.money("10.125")
            }
            if self != .itemCost {
                snapshot.itemCosts[CompanyItem(company: "DE01", item: "RM")] = B.cost("10.00", self == .costInAnotherCurrency ? .USD : .EUR)
            }
            snapshot.rates = ExchangeRateTable([B.rate(.EUR, .PLN, "4.25")])
            if self != .transferPrice { snapshot.intercompanyPrices[IntercompanyPriceKey(seller: "DE01", buyer: "PL01", item: "RM")] = B.money("12.00") }
            if self != .transit {
                snapshot.inTransit[TransitLine(transfer: "T-1", line: 1)] = TransitValue(
                    company: self == .transitElsewhere ? "PL01" : "DE01", quantity: 5_000_000, value: 5_000)
            }
            snapshot.positions[ValuationKey(company: "DE01", plant: "P1", item: "RM")] = StockPosition(quantity: 50_000_000, value: 50_000)
            return snapshot
        }

        var source: PostingSource {
            switch self {
            case .receiptMapping, .varianceMapping, .rate, .orderLinePrice, .range:
                B.source(B.move(.receipt, "RM", self == .range ? "4000000000000" : "120", to: "R", reference: B.orderLine("PO-1/1")))
            case .itemCost, .costInAnotherCurrency:
                B.source(B.move(.adjustment, "RM", "1", to: "A1"))
            case .buyerMapping, .transferPrice:
                B.source(PostingShippingTests.dispatch(kind: .transfer, order: "T-2", customer: nil, tradingPartner: "PL01",
                                                       lines: [PostingShippingTests.line(1, "RM", "5")]))
            case .period:
                B.source(B.move(.adjustment, "RM", "1", to: "A1"), day: "2027-03-01")
            case .company:
                B.source(B.move(.adjustment, "RM", "1", to: "A1"), company: "XX01")
            case .transit, .transitElsewhere:
                B.source(PostingShippingTests.received(company: "DE01", [PostingShippingTests.content(1, "RM", received: "5")]))
            }
        }
    }

    /// Held with the code, and nothing written or moved: no entry (an intercompany transfer whose buyer cannot
    /// post leaves the seller's entries unwritten too), positions, WIP and transit as they were.
    @Test(arguments: Missing.allCases)
    func aSourceThatCannotPostIsHeldAndChangesNothing(missing: Missing) {
        let source = missing.source
        let outcome = PostingEngine.post([source], snapshot: missing.snapshot)
        #expect(outcome.held.map(\.refusal.code) == [missing.code])
        #expect(outcome.held.first?.eventID == source.eventID && outcome.held.first?.company == source.company)
        #expect(outcome.entries.isEmpty && outcome.positions.isEmpty && outcome.workInProgress.isEmpty && outcome.inTransit.isEmpty)
        #expect(outcome.positionChanges.isEmpty)
        #expect(outcome.held.first?.refusal.detail.isEmpty == false)
    }

    /// Refusals name what is missing: the company and kind, the pair and day.
    @Test func refusalsNameWhatIsMissing() {
        let mapping = PostingEngine.post([Missing.receiptMapping.source], snapshot: Missing.receiptMapping.snapshot).held[0].refusal
        #expect(mapping.detail.contains("DE01") && mapping.detail.contains("receipt"))
        let rate = PostingEngine.post([Missing.rate.source], snapshot: Missing.rate.snapshot).held[0].refusal
        #expect(rate.detail.contains("USD/EUR") && rate.detail.contains("2026-12-03"))
        #expect(rate.problem.status == 409)
    }

    /// A held source between two that post: theirs are written, the held one's not, and the position is what the
    /// two made of it (50 at 10.00 = 500.00, + 120 at standard 1200.00, − 1 at 10.00).
    @Test func onlyTheHeldSourceIsLeftOut() {
        let snapshot = Missing.buyerMapping.snapshot
        let outcome = PostingEngine.post([
            B.source(B.move(.receipt, "RM", "120", to: "R", reference: B.orderLine("PO-1/1")), id: 1),
            B.source(Missing.buyerMapping.source.event, id: 2),
            B.source(B.move(.scrap, "RM", "1", from: "R"), id: 3),
        ], snapshot: snapshot)
        #expect(outcome.held.map(\.sequence) == [2])
        #expect(outcome.entries.map(\.kind) == [.receipt, .scrap])
        #expect(outcome.positions[ValuationKey(company: "DE01", plant: "P1", item: "RM")] == StockPosition(quantity: 169_000_000, value: 169_000))
        #expect(outcome.inTransit.isEmpty)
        // Each change kept in the period it posted to, the held source's none: + 120 at 10.00, − 1 at 10.00.
        let key = ValuationKey(company: "DE01", plant: "P1", item: "RM")
        #expect(outcome.positionChanges == [
            PositionChange(key: key, period: "2026-12", quantity: 120_000_000, value: 120_000),
            PositionChange(key: key, period: "2026-12", quantity: -1_000_000, value: -1_000),
        ])
    }

    /// A count gain of a closed December enters the position in January, the period it posts to: 1 at 4.00.
    @Test func aClosedPeriodMovesThePositionsChangeWithThePosting() {
        var snapshot = B.snapshot([B.company("DE01", .EUR, .standard, closed: ["2026-12"])])
        snapshot.itemCosts[CompanyItem(company: "DE01", item: "RM")] = B.cost("4.00")
        let outcome = PostingEngine.post([B.source(B.move(.adjustment, "RM", "1", to: "A1"))], snapshot: snapshot)
        #expect(outcome.positionChanges == [
            PositionChange(key: ValuationKey(company: "DE01", plant: "P1", item: "RM"), period: "2027-01", quantity: 1_000_000, value: 400),
        ])
    }

    /// What a run reads: transit lines of transfers and receipts, and the item whose BOM and routing a close reads.
    @Test func needsNameTransitLinesAndProductionItems() {
        let needs = PostingEngine.needs([
            B.source(PostingShippingTests.dispatch(kind: .transfer, order: "T-1", customer: nil, lines: [PostingShippingTests.line(2, "A", "1")])),
            B.source(PostingShippingTests.received(company: "DE01", [PostingShippingTests.content(3, "A", received: "1")])),
            B.source(PostingProductionTests.completed()),
        ])
        #expect(needs.transitLines == [TransitLine(transfer: "T-1", line: 2), TransitLine(transfer: "T-1", line: 3)])
        #expect(needs.productionItems == [PlantItem(plant: "P1", item: "FG")])
        #expect(needs.workOrders == [PlantWorkOrder(plant: "P1", workOrder: "WO-1")])
    }
}
