import Foundation
import GantryCore
@testable import GantryHub
import GantryTestSupport
import Testing

/// Supplier scorecards from plants' sourcing events, projected by both backends.
@Suite struct HubSourcingContractTests {
    func event(_ sequence: Int64, _ at: String, _ payload: some PlantEvent) -> EventEnvelope {
        let when = Timestamp.parse(at)!
        return EventEnvelope(
            sequence: sequence, id: UUID(), type: type(of: payload).eventType, schemaVersion: 1, occurredAt: when, recordedAt: when,
            payload: try! JSONValue.parse(try! payload.payloadJSON()))
    }

    func placed(_ sequence: Int64, _ at: String, _ order: String, _ lines: [(quantity: Int64, due: String, price: String)],
                currency: String = "EUR") -> EventEnvelope {
        event(sequence, at, PurchaseOrderPlaced(order: order, supplier: "S1", lines: lines.enumerated().map { index, line in
            PurchaseOrderLine(line: index + 1, item: "BOLT", quantity: Quantity(line.quantity), tolerancePercent: .zero, due: line.due,
                              price: line.price, currency: currency)
        }))
    }

    func receipt(_ sequence: Int64, _ at: String, _ reference: String, _ quantity: Int64) -> EventEnvelope {
        event(sequence, at, StockMoved(
            moveId: UUID(), kind: .receipt, item: "BOLT", lot: "L\(sequence)", serial: nil, expiry: nil, quantity: Quantity(quantity),
            uom: "EA", from: nil, to: "RECV", reference: MoveReference(kind: .purchaseOrderLine, id: reference), scan: nil, reason: nil))
    }

    func nonconformance(_ sequence: Int64, _ at: String, _ quantity: Int64) -> EventEnvelope {
        event(sequence, at, NonconformanceOpened(
            nonconformance: UUID(), workOrder: nil, supplier: "S1", item: "BOLT", lot: "L1", quantity: Quantity(quantity),
            reason: "incoming inspection failed", disposition: "quarantined"))
    }

    func confirmation(_ sequence: Int64, _ at: String, _ order: String, line: Int) -> EventEnvelope {
        event(sequence, at, SupplierCommitmentRecorded(order: order, line: line, supplier: "S1", confirmedDue: "2026-01-05", confirmedQuantity: Quantity(100)))
    }

    /// Two ACME plants and one of OTHER buying bolts from S1 in December for January.
    func feed(_ store: any HubStore) async throws {
        for (company, code) in [("ACME", "BER"), ("ACME", "HAM"), ("OTHER", "LON")] {
            _ = try await store.enrolPlant(try PlantIdentity(company: company, code: code), timeZone: "UTC", tokenHash: code, audit: .test)
        }
        let berlin = [
            placed(1, "2025-12-20T08:00:00Z", "PO-1", [(100, "2026-01-05", "1.00"), (100, "2026-01-05", "1.02")]),
            confirmation(2, "2025-12-21T08:00:00Z", "PO-1", line: 1),
            confirmation(3, "2025-12-22T08:00:00Z", "PO-1", line: 1),
            placed(4, "2025-12-21T08:00:00Z", "PO-2", [(100, "2026-01-08", "0.98")]),
            event(5, "2025-12-22T09:00:00Z", PurchaseOrderLineRescheduled(order: "PO-2", line: 1, due: "2026-01-05")),
            receipt(6, "2026-01-05T10:00:00Z", "PO-1/1", 100),
            receipt(7, "2026-01-04T10:00:00Z", "PO-1/2", 60),
            receipt(8, "2026-01-06T12:00:00Z", "PO-1/2", 40),
            receipt(9, "2026-01-07T10:00:00Z", "PO-2/1", 100),
            nonconformance(10, "2026-01-16T10:00:00Z", 9),
        ]
        // Sent twice, overlapping: the resent part counts once.
        _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 10, events: Array(berlin[..<6])), receivedAt: Date())
        _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 10, events: Array(berlin[3...])), receivedAt: Date())
        _ = try await store.applyBatch(SyncBatch(plant: "ACME-HAM", agentHead: 4, events: [
            placed(1, "2025-12-22T08:00:00Z", "PO-7", [(100, "2026-01-10", "1.01")]),
            placed(2, "2025-12-23T08:00:00Z", "PO-8", [(10, "2026-02-20", "0.99")]),
            receipt(3, "2026-01-09T10:00:00Z", "PO-7/1", 50),
            placed(4, "2026-01-10T08:00:00Z", "PO-9", [(100, "2026-02-10", "1.50")]),
        ]), receivedAt: Date())
        _ = try await store.applyBatch(SyncBatch(plant: "OTHER-LON", agentHead: 3, events: [
            placed(1, "2025-12-20T08:00:00Z", "PO-1", [(100, "2026-01-05", "9.00")], currency: "GBP"),
            receipt(2, "2026-01-05T10:00:00Z", "PO-1/1", 100),
            nonconformance(3, "2026-01-06T10:00:00Z", 50),
        ]), receivedAt: Date())
    }

    let from = Timestamp.parse("2026-01-01T00:00:00Z")!, to = Timestamp.parse("2026-02-01T00:00:00Z")!
    let now = Timestamp.parse("2026-01-20T00:00:00Z")!

    @Test(arguments: HubBackend.allCases) func scorecardsAcrossPlantsCountEachFactOnce(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await feed(store)
            let performance = try await store.supplierPerformance(company: nil, from: from, to: to, scope: .all)
            let cards = performance.scorecards(from: from, to: to, now: now)
            #expect(cards.map { "\($0.company)/\($0.supplier)" } == ["ACME/S1", "OTHER/S1"])
            let acme = try #require(cards.first)
            #expect(acme.plants == ["ACME-BER", "ACME-HAM"] && acme.lines == 4, "PO-8 and PO-9 are due after January")
            // PO-1/1 on its day, PO-1/2 completed on the grace day; PO-2/1 after its rescheduled date; PO-7/1 still short.
            #expect(acme.delivery.onTime == 2 && acme.delivery.late == 2 && acme.delivery.lateOpen == 1 && acme.delivery.onTimePercent == 50)
            #expect(acme.confirmation.confirmed == 1 && acme.confirmation.confirmedPercent == 25 && acme.confirmation.medianDaysToConfirm == 1,
                    "the first confirmation counts, a second one changes nothing")
            #expect(acme.leadTime.measured == 3 && acme.leadTime.againstDueDate == 3 && acme.leadTime.withinTolerancePercent == 100)
            #expect(acme.leadTime.meanDeviationDays == 1 && acme.leadTime.medianDeviationDays == 1)
            #expect(acme.quality.receipts == 5 && acme.quality.receivedQuantity == Quantity(350))
            #expect(acme.quality.nonconformingQuantity == Quantity(9) && acme.quality.ppm == 25_714, "9 / 350 × 1e6")
            #expect(cards[1].quality.ppm == 500_000 && cards[1].delivery.onTimePercent == 100)

            let flags = performance.anomalies(from: from, to: to)
            #expect(flags.count == 1)
            let flag = try #require(flags.first)
            #expect(flag.kind == .price && flag.plant == "ACME-HAM" && flag.order == "PO-9" && flag.currency == "EUR")
            #expect(flag.test.value == Decimal(string: "1.5") && flag.test.median == 1 && flag.test.mad == Decimal(string: "0.01"))
            #expect(flag.test.score == Decimal(string: "33.725") && flag.basis == .supplierItem)
            #expect(flag.history.map { "\($0.plant) \($0.order)/\($0.line)" }
                    == ["ACME-BER PO-1/1", "ACME-BER PO-1/2", "ACME-BER PO-2/1", "ACME-HAM PO-7/1", "ACME-HAM PO-8/1"],
                    "the history crosses ACME's plants and never OTHER's GBP line")
        }
    }

    /// A line belongs to the window by its due date: one entered after the window but due in it counts.
    @Test(arguments: HubBackend.allCases) func aLineEnteredAfterTheWindowButDueInItCounts(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await feed(store)
            // Entered on 3 February for 20 January (an order placed by phone and keyed in late), received in full
            // an hour later: after its grace day (end of 21 January), so late.
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-HAM", agentHead: 6, events: [
                placed(5, "2026-02-03T08:00:00Z", "PO-10", [(100, "2026-01-20", "1.00")]),
                receipt(6, "2026-02-03T09:00:00Z", "PO-10/1", 100),
            ]), receivedAt: Date())
            let performance = try await store.supplierPerformance(company: "ACME", from: from, to: to, scope: .all)
            #expect(performance.lines.contains { $0.order == "PO-10" && $0.receipts.count == 1 })
            let acme = try #require(performance.scorecards(from: from, to: to, now: now).first)
            // The four lines of scorecardsAcrossPlantsCountEachFactOnce (2 on time, 2 late) and PO-10, late.
            #expect(acme.lines == 5)
            #expect(acme.delivery.onTime == 2 && acme.delivery.late == 3 && acme.delivery.lateOpen == 1 && acme.delivery.onTimePercent == 40)
            #expect(acme.quality.receipts == 5, "the receipt on 3 February is after the window")
            // February's scorecard does not have it: it is due in January, though entered in February.
            let february = try await store.supplierPerformance(company: "ACME", from: to, to: to + 28 * 86_400, scope: .all)
                .scorecards(from: to, to: to + 28 * 86_400, now: to + 28 * 86_400)
            #expect(february.first?.lines == 2, "PO-8 and PO-9, due in February")
        }
    }

    /// A plant's absurd quantities are quarantined, not summed: three of these would overflow a scorecard's total.
    @Test(arguments: HubBackend.allCases) func quantitiesNoPlantHandlesAreQuarantinedNotCounted(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await feed(store)
            let huge = (4...6).map { nonconformance(Int64($0), "2026-01-07T10:00:00Z", 1_000_000_000_000) }
            _ = try await store.applyBatch(SyncBatch(plant: "OTHER-LON", agentHead: 6, events: huge), receivedAt: Date())
            let report = try #require(try await store.syncReport(now: Date()).first { $0.plant == "OTHER-LON" })
            #expect(report.quarantinedEvents == 3)
            let cards = try await store.supplierPerformance(company: nil, from: from, to: to, scope: .all).scorecards(from: from, to: to, now: now)
            #expect(cards.last?.quality.nonconformingQuantity == Quantity(50) && cards.last?.quality.ppm == 500_000)
        }
    }

    @Test func scorecardTotalsHoldAtTheLimitInsteadOfOverflowing() {
        let large = Quantity(micro: .max - 5)
        #expect(Quantity.saturating(large, Quantity(micro: 10)) == Quantity(micro: .max))
        #expect(Quantity.saturating(Quantity(micro: .min + 5), Quantity(micro: -10)) == Quantity(micro: .min))
        #expect(Quantity.saturating(Quantity(2), Quantity(3)) == Quantity(5))
    }

    @Test(arguments: HubBackend.allCases) func aCompanysPrincipalSeesOnlyItsPlantsFigures(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await feed(store)
            let other = try await store.supplierPerformance(company: nil, from: from, to: to, scope: .only(["OTHER"]))
            #expect(other.lines.map(\.plant) == ["OTHER-LON"] && other.nonconformances.map(\.plant) == ["OTHER-LON"])
            #expect(other.scorecards(from: from, to: to, now: now).map(\.company) == ["OTHER"])
            #expect(other.anomalies(from: from, to: to).isEmpty)
            let asked = try await store.supplierPerformance(company: "ACME", from: from, to: to, scope: .only(["OTHER"]))
            #expect(asked.lines.isEmpty && asked.nonconformances.isEmpty, "naming another company reaches nothing")
            let acme = try await store.supplierPerformance(company: "ACME", from: from, to: to, scope: .all)
            #expect(Set(acme.lines.map(\.company)) == ["ACME"] && acme.lines.count == 6)
            #expect(acme.lines.first { $0.order == "PO-2" }?.due == "2026-01-05", "the reschedule stands")
        }
    }

    @Test(arguments: HubBackend.allCases) func anUpgradedHubProjectsTheSourcingEventsItAlreadyKept(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await feed(store)
            let projected = try await store.supplierPerformance(company: nil, from: from, to: to, scope: .all)
            #expect(projected.lines.count == 7 && projected.nonconformances.count == 2)
            // As a hub of the previous version left the database: the events kept, no projection of them.
            let tables = "DROP TABLE supplier_order_lines; DROP TABLE supplier_receipts; DROP TABLE supplier_nonconformances;"
            switch backend {
            case .sqlite:
                try backend.executeDirectly(tables + " DELETE FROM grdb_migrations WHERE identifier = '5-supplier-performance'", on: store)
                let upgraded = try SQLiteHubStore(path: (store as! SQLiteHubStore).pool.path)
                #expect(try await upgraded.supplierPerformance(company: nil, from: from, to: to, scope: .all) == projected)
            case .postgres:
                // Versions are numbered in order, so the previous version's database also lacks the later ones.
                try backend.executeDirectly(
                    tables + " DROP TABLE plant_instructions; DROP TABLE approval_requests; DROP INDEX principals_name_folded;"
                        + " DELETE FROM gantry_schema WHERE version >= 5",
                    on: store)
                let upgraded = try await PostgresHubStore.open((store as! PostgresHubStore).url, poolSize: 2, logger: HubBackend.quiet)
                let performance = try await withRunning(upgraded) {
                    try await upgraded.supplierPerformance(company: nil, from: from, to: to, scope: .all)
                }
                #expect(performance == projected)
            }
        }
    }
}
