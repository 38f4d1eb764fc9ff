import Foundation
import GantryCore
import Testing

/// Goods sent back to a supplier count against it: the line is owed them again, and the scorecard says so.
@Suite struct SupplierReturnsTests {
    static func at(_ text: String) -> Date { Timestamp.parse(text)! }

    func line(_ order: String, receipts: [(String, Int64)], returns: [(String, Int64)]) -> SupplierLineRecord {
        SupplierLineRecord(
            plant: "ACME-BER", company: "ACME", timeZone: "UTC", order: order, line: 1, supplier: "S1", item: "BOLT",
            quantity: Quantity(350), price: nil, currency: nil, orderedAt: Self.at("2025-12-20T08:00:00Z"), due: "2026-01-05",
            confirmedAt: nil, confirmedDue: nil, confirmedQuantity: nil,
            receipts: receipts.map { .init(at: Self.at($0.0), quantity: Quantity($0.1)) },
            returns: returns.map { .init(at: Self.at($0.0), quantity: Quantity($0.1)) })
    }

    @Test func aReturnReopensTheLineAndCountsInQuality() throws {
        let replaced = line("REPLACED", receipts: [("2026-01-04T09:00:00Z", 350), ("2026-01-08T09:00:00Z", 50)],
                            returns: [("2026-01-05T09:00:00Z", 50)])
        let owed = line("OWED", receipts: [("2026-01-04T09:00:00Z", 350)], returns: [("2026-01-05T09:00:00Z", 50)])
        let kept = line("KEPT", receipts: [("2026-01-04T09:00:00Z", 350)], returns: [])
        // 350 in on the 4th, 50 back on the 5th: complete again only with the replacement on the 8th.
        #expect(replaced.completedAt == Self.at("2026-01-08T09:00:00Z") && owed.completedAt == nil)
        #expect(kept.completedAt == Self.at("2026-01-04T09:00:00Z"))
        let cards = SupplierPerformance(lines: [replaced, owed, kept], nonconformances: [])
            .scorecards(from: Self.at("2026-01-01T00:00:00Z"), to: Self.at("2026-02-01T00:00:00Z"), now: Self.at("2026-01-20T00:00:00Z"))
        let card = try #require(cards.first)
        // Due the 5th, on time up to the end of the 6th: only KEPT; REPLACED came late, OWED is late and open.
        #expect(card.delivery.onTime == 1 && card.delivery.late == 2 && card.delivery.lateOpen == 1)
        #expect(card.quality.returns == 2 && card.quality.returnedQuantity == Quantity(100))
        #expect(card.quality.receipts == 4 && card.quality.receivedQuantity == Quantity(1_100))
    }

    @Test(arguments: [
        ("BOLT", Quantity(50), PurchaseReturn.Decision.accepted(received: Quantity(300), open: Quantity(50))),
        ("BOLT", Quantity(350), .accepted(received: .zero, open: Quantity(350))),
        ("BOLT", Quantity(351), .moreThanReceived(received: Quantity(350))),
        ("NUT", Quantity(1), .wrongItem(lineItem: "BOLT")),
    ])
    func aReturnIsOwedAgain(item: String, quantity: Quantity, expected: PurchaseReturn.Decision) {
        let line = SupplyLine(item: "BOLT", source: "PO-2/1", ordered: Quantity(350), received: Quantity(350), due: "2030-11-01")
        #expect(PurchaseReturn.decide(line, item: item, quantity: quantity) == expected)
    }

    @Test func lineReferencesAreOrderSlashLine() {
        #expect(PurchaseReturn.lineReference("PO-2/1").map { "\($0.order) \($0.line)" } == "PO-2 1")
        #expect(PurchaseReturn.lineReference("A/B/12").map { "\($0.order) \($0.line)" } == "A/B 12")
        #expect(PurchaseReturn.lineReference("PO-2") == nil && PurchaseReturn.lineReference("/1") == nil && PurchaseReturn.lineReference("PO/0") == nil)
    }
}
