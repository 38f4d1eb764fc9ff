import Foundation
import GantryCore
import Testing

@Suite struct SupplierScorecardTests {
    static func at(_ text: String) -> Date { Timestamp.parse(text)! }

    func line(
        _ order: String, due: String?, ordered: String = "2025-12-20T08:00:00Z", receipts: [(String, Int64)] = [],
        confirmed: String? = nil, company: String = "ACME", supplier: String = "S1", zone: String = "UTC", price: String? = nil
    ) -> SupplierLineRecord {
        SupplierLineRecord(
            plant: "\(company)-BER", company: company, timeZone: zone, order: order, line: 1, supplier: supplier, item: "BOLT",
            quantity: Quantity(100), price: price.flatMap { Decimal(string: $0) }, currency: price == nil ? nil : "EUR",
            orderedAt: Self.at(ordered), due: due, confirmedAt: confirmed.map(Self.at), confirmedDue: nil, confirmedQuantity: nil,
            receipts: receipts.map { .init(at: Self.at($0.0), quantity: Quantity($0.1)) })
    }

    let january = (from: Self.at("2026-01-01T00:00:00Z"), to: Self.at("2026-02-01T00:00:00Z"), now: Self.at("2026-01-20T00:00:00Z"))

    @Test func deliveryConfirmationLeadTimeAndQualityFollowTheirDefinitions() throws {
        let performance = SupplierPerformance(
            lines: [
                line("ON-TIME", due: "2026-01-05", receipts: [("2026-01-05T10:00:00Z", 100)], confirmed: "2025-12-21T08:00:00Z"),
                line("GRACE", due: "2026-01-05", receipts: [("2026-01-04T09:00:00Z", 60), ("2026-01-06T12:00:00Z", 40)],
                     confirmed: "2025-12-25T08:00:00Z"),
                line("LATE", due: "2026-01-05", receipts: [("2026-01-07T09:00:00Z", 100)]),
                line("SHORT", due: "2026-01-10", receipts: [("2026-01-09T09:00:00Z", 50)]),
                line("OPEN", due: "2026-01-25"),
                line("LATER", due: "2026-02-05", receipts: [("2026-01-15T09:00:00Z", 100)]),
                line("OTHER", due: "2026-01-05", company: "OTHER"),
            ],
            nonconformances: [
                SupplierNonconformanceRecord(plant: "ACME-BER", company: "ACME", supplier: "S1", item: "BOLT", quantity: Quantity(9),
                                             openedAt: Self.at("2026-01-16T00:00:00Z")),
                SupplierNonconformanceRecord(plant: "ACME-BER", company: "ACME", supplier: "S1", item: "BOLT", quantity: Quantity(500),
                                             openedAt: Self.at("2026-02-16T00:00:00Z")),
            ],
            masterLeadTimes: [SupplierPerformance.leadTimeKey(company: "ACME", supplier: "S1", item: "BOLT"): 14])
        let cards = performance.scorecards(from: january.from, to: january.to, now: january.now)
        #expect(cards.map { "\($0.company)/\($0.supplier)" } == ["ACME/S1", "OTHER/S1"], "a company's figures stay its own")
        let card = try #require(cards.first)
        #expect(card.lines == 5, "LATER is due after the window")
        #expect(card.delivery.onTime == 2 && card.delivery.late == 2 && card.delivery.lateOpen == 1 && card.delivery.notYetDue == 1)
        #expect(card.delivery.onTimePercent == 50)
        #expect(card.confirmation.confirmed == 2 && card.confirmation.confirmedPromptly == 1)
        #expect(card.confirmation.confirmedPercent == 40 && card.confirmation.promptPercent == 20 && card.confirmation.medianDaysToConfirm == 3)
        // Against the master's 14 days: 16, 17 and 18 days are 2, 3 and 4 late.
        #expect(card.leadTime.measured == 3 && card.leadTime.againstMaster == 3 && card.leadTime.withinTolerance == 1)
        #expect(card.leadTime.meanDeviationDays == 3 && card.leadTime.medianDeviationDays == 3)
        #expect(card.leadTime.withinTolerancePercent == Decimal(string: "33.33"))
        // Receipts in the window: 100 + 60 + 40 + 100 + 50 + 100; 9 nonconforming (the February one is outside).
        #expect(card.quality.receipts == 6 && card.quality.receivedQuantity == Quantity(450) && card.quality.nonconformances == 1)
        #expect(card.quality.ppm == 20_000)
        #expect(cards[1].delivery.late == 1 && cards[1].quality.ppm == nil, "nothing received, no PPM")
    }

    @Test func dueDatesAreThePlantsCalendarDaysAndWithoutAMasterTheDueDateIsThePromise() throws {
        // 16:00 UTC on the 6th is 01:00 on the 7th in Tokyo: past the grace day there, within it in UTC.
        let receipt = [("2026-01-06T16:00:00Z", Int64(100))]
        let tokyo = SupplierPerformance(lines: [line("T", due: "2026-01-05", receipts: receipt, zone: "Asia/Tokyo")], nonconformances: [])
        let utc = SupplierPerformance(lines: [line("U", due: "2026-01-05", receipts: receipt)], nonconformances: [])
        #expect(tokyo.scorecards(from: january.from, to: january.to, now: january.now).first?.delivery.late == 1)
        let card = try #require(utc.scorecards(from: january.from, to: january.to, now: january.now).first)
        #expect(card.delivery.onTime == 1)
        #expect(card.leadTime.againstDueDate == 1 && card.leadTime.medianDeviationDays == 1, "17 days against the 16 of the due date")
    }

    @Test func pricesAreJudgedAgainstTheSupplierItemsHistoryOrTheItemsWhenThatIsThin() throws {
        let december = ["2025-12-01", "2025-12-02", "2025-12-03", "2025-12-04", "2025-12-05"].map { "\($0)T08:00:00Z" }
        let earlier = zip(december, ["1.00", "1.02", "0.98", "1.01", "0.99"]).enumerated().map { index, pair in
            line("H\(index)", due: nil, ordered: pair.0, price: pair.1)
        }
        let performance = SupplierPerformance(lines: earlier + [
            line("FAR", due: nil, ordered: "2026-01-05T08:00:00Z", price: "1.50"),
            line("NEAR", due: nil, ordered: "2026-01-06T08:00:00Z", price: "1.03"),
            line("NEW", due: nil, ordered: "2026-01-07T08:00:00Z", supplier: "S2", price: "2.00"),
            line("ELSEWHERE", due: nil, ordered: "2026-01-07T08:00:00Z", company: "OTHER", price: "9.00"),
        ], nonconformances: [])
        let flags = performance.anomalies(from: january.from, to: january.to)
        #expect(flags.map(\.order) == ["FAR", "NEW"], "1.03 is within reach of its history (FAR moves its median little); OTHER has none")
        let far = flags[0]
        #expect(far.kind == .price && far.basis == .supplierItem && far.currency == "EUR")
        #expect(far.history.map(\.order) == ["H0", "H1", "H2", "H3", "H4"], "the line itself and later lines are not its history")
        #expect(far.test.median == 1 && far.test.score == Decimal(string: "33.725"))
        #expect(far.explanation.contains("S1's BOLT") && far.explanation.contains("median 1"))
        // S2 has no history of its own: the item's from every supplier judges it (NEAR and FAR included).
        #expect(flags[1].basis == .item && flags[1].history.count == 7 && flags[1].supplier == "S2")
    }
}
