import Foundation
import GantryCore
@testable import GantryHub
import GantryTestSupport
import Testing

/// Goods a plant sends back against a purchase order line reach the supplier's scorecard on both backends.
@Suite struct HubSupplierReturnsTests {
    func event(_ sequence: Int64, _ at: String, _ payload: some PlantEvent) -> EventEnvelope {
        let when = Timestamp.parse(at)!
        return EventEnvelope(
            sequence: sequence, id: UUID(), type: type(of: payload).eventType, schemaVersion: 1, occurredAt: when, recordedAt: when,
            payload: try! JSONValue.parse(try! payload.payloadJSON()))
    }

    func moved(_ sequence: Int64, _ at: String, _ kind: MoveKind, _ quantity: Int64) -> EventEnvelope {
        event(sequence, at, StockMoved(
            moveId: UUID(), kind: kind, item: "BOLT", lot: "L1", serial: nil, expiry: nil, quantity: Quantity(quantity), uom: "EA",
            from: kind == .returned ? "QA" : nil, to: kind == .returned ? nil : "RECV",
            reference: MoveReference(kind: .purchaseOrderLine, id: "PO-2/1"), scan: nil, reason: kind == .returned ? "cracked heads" : nil))
    }

    @Test(arguments: HubBackend.allCases) func aReturnReopensTheLineInTheScorecard(backend: HubBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: "BER"), timeZone: "UTC", tokenHash: "BER", audit: .test)
            let placed = PurchaseOrderPlaced(order: "PO-2", supplier: "S1", lines: [
                PurchaseOrderLine(line: 1, item: "BOLT", quantity: Quantity(350), tolerancePercent: .zero, due: "2026-01-05", price: nil, currency: nil),
            ])
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 4, events: [
                event(1, "2025-12-20T08:00:00Z", placed),
                moved(2, "2026-01-04T10:00:00Z", .receipt, 350),
                moved(3, "2026-01-05T09:00:00Z", .returned, 50),
                moved(4, "2026-01-08T10:00:00Z", .receipt, 50),
            ]), receivedAt: Date())
            let performance = try await store.supplierPerformance(
                company: nil, from: Timestamp.parse("2026-01-01T00:00:00Z")!, to: Timestamp.parse("2026-02-01T00:00:00Z")!, scope: .all)
            let line = try #require(performance.lines.first)
            #expect(line.receipts.map(\.quantity) == [Quantity(350), Quantity(50)] && line.returns.map(\.quantity) == [Quantity(50)])
            let card = try #require(performance.scorecards(
                from: Timestamp.parse("2026-01-01T00:00:00Z")!, to: Timestamp.parse("2026-02-01T00:00:00Z")!,
                now: Timestamp.parse("2026-01-20T00:00:00Z")!).first)
            // In full again only with the replacement on the 8th: after the grace day, so late.
            #expect(card.delivery.onTime == 0 && card.delivery.late == 1 && card.delivery.lateOpen == 0)
            #expect(card.quality.returns == 1 && card.quality.returnedQuantity == Quantity(50))
            #expect(card.quality.receipts == 2 && card.quality.receivedQuantity == Quantity(400))
        }
    }
}
