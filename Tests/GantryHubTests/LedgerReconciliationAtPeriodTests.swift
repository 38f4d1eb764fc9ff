import Foundation
import GantryCore
@testable import GantryHub
import GantryTestSupport
import Testing

/// The reconciliation at a period's end, not now, on both backends, every figure worked out by hand.
///
/// ACME (EUR, RM's standard cost 3.00), plant ACME-BER in Europe/Berlin. Sent on 1 February, before January closes:
/// PO-1 (RM at 3.00), 40 RM received on 10 January, 10 issued to WO-1 on 20 January. January is closed on 2 February.
/// Then: PO-2 (RM at 4.50), 20 RM received on 5 February; 10 RM received against PO-1 dated 25 January, which arrives
/// after January closed and posts to February; 5 RM issued at 23:30 UTC on 31 January, which is 1 February in Berlin.
@Suite struct LedgerReconciliationAtPeriodTests {
    typealias Contract = LedgerStatementContractTests

    static func placed(_ sequence: Int64, _ at: String, _ order: String, price: String) -> EventEnvelope {
        Contract.event(sequence, at, PurchaseOrderPlaced(order: order, supplier: "S1", lines: [
            PurchaseOrderLine(line: 1, item: "RM", quantity: Quantity(100), tolerancePercent: .zero, due: "2026-03-31", price: price,
                              currency: "EUR"),
        ]))
    }

    static func receipt(_ sequence: Int64, _ at: String, _ order: String, _ quantity: Int64) -> EventEnvelope {
        Contract.move(sequence, at, .receipt, "RM", quantity, to: "A1", reference: MoveReference(kind: .purchaseOrderLine, id: "\(order)/1"))
    }

    static func issue(_ sequence: Int64, _ at: String, _ quantity: Int64) -> EventEnvelope {
        Contract.move(sequence, at, .issue, "RM", quantity, from: "A1", reference: Contract.workOrder)
    }

    static let january = [
        placed(1, "2026-01-05T08:00:00Z", "PO-1", price: "3.00"),
        receipt(2, "2026-01-10T09:00:00Z", "PO-1", 40),
        issue(3, "2026-01-20T09:00:00Z", 10),
    ]
    static let february = [
        placed(4, "2026-02-02T08:00:00Z", "PO-2", price: "4.50"),
        receipt(5, "2026-02-05T09:00:00Z", "PO-2", 20),
        receipt(6, "2026-01-25T09:00:00Z", "PO-1", 10),
        issue(7, "2026-01-31T23:30:00Z", 5),
    ]

    /// The books, the plant, January sent and closed, then February's batch.
    static func posted(_ store: any HubStore, valuation: InventoryValuation) async throws {
        _ = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: "BER"), timeZone: "Europe/Berlin", tokenHash: "BER", audit: .test)
        try await Contract.commit(store, Contract.books(valuation))
        _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 3, events: january),
                                       receivedAt: Timestamp.parse("2026-02-01T06:00:00Z")!)
        _ = try await store.closePeriod(company: "ACME", period: "2026-01", at: Timestamp.parse("2026-02-02T00:00:00Z")!, audit: .test)
        _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 7, events: february),
                                       receivedAt: Timestamp.parse("2026-02-11T00:00:00Z")!)
    }

    /// The late receipt as January's reconciliation names it: 10 RM at PO-1's 3.00 on 1400, posted to February.
    static var late: InventoryReconciliation.LateEntry {
        InventoryReconciliation.LateEntry(
            sourceKey: "event:\(february[2].id.uuidString):0", plant: "ACME-BER", sequence: 6, kind: PostingKind.receipt.rawValue,
            period: "2026-02", originalDate: "2026-01-25",
            items: [InventoryReconciliation.LateEntry.Item(item: "RM", quantity: Quantity(10), value: 3_000)], value: 3_000,
            reason: "dated 2026-01-25 in closed period 2026-01; posted to 2026-02")
    }

    @Test(arguments: HubBackend.allCases, InventoryValuation.allCases)
    func januaryIsJanuarysStockAtJanuarysCostAndTheLateReceiptExplainsTheDifference(backend: HubBackend, valuation: InventoryValuation) async throws {
        try await backend.withStore { store in
            try await Self.posted(store, valuation: valuation)
            // Stock on 31 January (Berlin): 40 − 10 + 10 (the late receipt) = 40 RM; the issue of 23:30 UTC is February's.
            // The ledger through January: 1400 120.00 − 30.00 = 90.00. Standard: 40 × 3.00 = 120.00. Moving average: the
            // positions through January, 40 − 10 = 30 RM at 120.00 − 30.00 = 90.00, 3.00 each: 120.00 (now the average
            // is 3.50, which would give 140.00). Either way 30.00 more than the ledger: the late receipt's 10 × 3.00.
            let at = try await store.inventoryReconciliation(company: "ACME", at: "2026-01")
            #expect(at.through == "2026-01-31" && at.inventoryAccounts == ["1400", "1410"])
            #expect(at.items.map(\.item) == ["RM"] && at.items.map(\.quantity) == [Quantity(40)] && at.items.map(\.value) == [12_000])
            if valuation == .movingAverage {
                #expect(at.items.map(\.ledgerQuantity) == [Quantity(30)] && at.items.map(\.ledgerValue) == [9_000])
            }
            #expect(at.stockValue == 12_000 && at.ledgerValue == 9_000 && at.difference == 3_000)
            #expect(at.late == [Self.late] && at.lateValue == at.difference)
            #expect(at.held.isEmpty && at.unvalued.isEmpty && !at.matches)
        }
    }

    @Test(arguments: HubBackend.allCases, InventoryValuation.allCases)
    func februaryMatchesWithTheLateReceiptOnItsLedger(backend: HubBackend, valuation: InventoryValuation) async throws {
        try await backend.withStore { store in
            try await Self.posted(store, valuation: valuation)
            // Stock on 28 February: 40 + 20 − 5 = 55 RM. Moving average: 30 RM at 90.00, + 20 at 4.50 (90.00): 50 at 180.00,
            // + the late 10 at 3.00: 60 at 210.00 (3.50), − 5 at 3.50 (17.50): 55 at 192.50 on 1400. Standard: 1400 takes
            // 120.00 − 30.00 + 20 × 3.00 (the 30.00 over it to price variance) + 30.00 − 5 × 3.00 = 165.00 = 55 × 3.00.
            let at = try await store.inventoryReconciliation(company: "ACME", at: "2026-02")
            let value: Int64 = valuation == .movingAverage ? 19_250 : 16_500
            #expect(at.through == "2026-02-28" && at.items.map(\.quantity) == [Quantity(55)] && at.items.map(\.value) == [value])
            if valuation == .movingAverage {
                #expect(at.items.map(\.ledgerQuantity) == [Quantity(55)] && at.items.map(\.ledgerValue) == [19_250])
            }
            #expect(at.stockValue == value && at.ledgerValue == value && at.difference == 0)
            #expect(at.late.isEmpty && at.lateValue == 0 && at.held.isEmpty && at.matches)
        }
    }

    /// What is in transit is dated too (the group scenario, in PLN): SUB's 10 WIDGET dispatched on 10 March at
    /// 600.00, 6 received on the 12th at 60.00 each (360.00): at March's end 4 worth 240.00 on TR-1 line 1; at
    /// February's end nothing.
    @Test(arguments: HubBackend.allCases) func inTransitIsWhatWasOnTheRoadAtThePeriodsEnd(backend: HubBackend) async throws {
        typealias Scenario = ConsolidationScenarioTests
        try await backend.withStore { store in
            try await Scenario.setUp(store)
            try await Scenario.send(store, "PAR-BER", Scenario.parentEvents, batchSize: 7)
            try await Scenario.send(store, "SUB-WAW", Scenario.subsidiaryEvents, batchSize: 2)
            let march = try await store.inventoryReconciliation(company: "SUB", at: "2026-03")
            #expect(march.inTransit == [InventoryReconciliation.Transit(transfer: "TR-1", line: 1, quantity: Quantity(4), value: 24_000)])
            #expect(march.inTransitValue == 24_000)
            let february = try await store.inventoryReconciliation(company: "SUB", at: "2026-02")
            #expect(february.inTransit.isEmpty && february.inTransitValue == 0)
            // Written before migration 23: what is in transit goes whole into SUB's latest period posted, March.
            try backend.executeDirectly(Self.beforeMigrationTwentyThree(backend), on: store)
            try await backend.reopen(store)
            let transit = "SELECT transfer || '|' || line || '|' || period || '|' || company || '|' || quantity || '|' || value FROM ledger_transit_periods"
            #expect(try ConsolidationSumsTests.rows(transit, backend, store) == ["TR-1|1|2026-03|SUB|4000000|24000"])
        }
    }

    /// What undoes migration 23, for a hub as written before it.
    static func beforeMigrationTwentyThree(_ backend: HubBackend) -> String {
        """
        DROP TABLE stock_days; DROP TABLE ledger_position_periods; DROP TABLE ledger_transit_periods;
        DROP INDEX journal_entries_original;
        \(backend == .sqlite ? "DELETE FROM grdb_migrations WHERE identifier = '23-dated-stock'" : "DELETE FROM gantry_schema WHERE version >= 23");
        """
    }

    /// Stock per plant-local day, as kept: sent twice, counted once; and what migration 23 builds from the kept events.
    static let days = "SELECT plant_id || '|' || item || '|' || day || '|' || quantity FROM stock_days"
    static let balances = "SELECT plant_id || '|' || item || '|' || sum(quantity) FROM stock_balances GROUP BY plant_id, item"
    static let summed = "SELECT plant_id || '|' || item || '|' || sum(quantity) FROM stock_days GROUP BY plant_id, item"
    static let positions = "SELECT company || '|' || plant_id || '|' || item || '|' || period || '|' || quantity || '|' || value FROM ledger_position_periods"

    @Test(arguments: HubBackend.allCases)
    func migrationTwentyThreeSumsTheKeptMovesPerDayAsApplyDoes(backend: HubBackend) async throws {
        try await backend.withStore { store in
            try await Self.posted(store, valuation: .movingAverage)
            func rows(_ sql: String) throws -> [String] { try ConsolidationSumsTests.rows(sql, backend, store) }
            // By hand, Berlin days: +40 on 10 January, −10 on the 20th, +10 on the 25th; −5 on 1 February, +20 on the 5th.
            let byHand = [
                "ACME-BER|RM|2026-01-10|40000000", "ACME-BER|RM|2026-01-20|-10000000", "ACME-BER|RM|2026-01-25|10000000",
                "ACME-BER|RM|2026-02-01|-5000000", "ACME-BER|RM|2026-02-05|20000000",
            ]
            #expect(try rows(Self.days) == byHand)
            // Positions per period: January +40 (120.00) − 10 (30.00); February +20 (90.00) +10 (30.00) −5 (17.50).
            #expect(try rows(Self.positions) == ["ACME|ACME-BER|RM|2026-01|30000000|9000", "ACME|ACME-BER|RM|2026-02|25000000|10250"])
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 7, events: Self.january + Self.february),
                                           receivedAt: Timestamp.parse("2026-02-12T00:00:00Z")!)
            #expect(try rows(Self.days) == byHand, "resent, nothing is counted twice")
            #expect(try rows(Self.summed) == ["ACME-BER|RM|55000000"] && rows(Self.balances) == ["ACME-BER|RM|55000000"])

            // A hub written before migration 23: its tables are gone and the migration runs again at open.
            try backend.executeDirectly(Self.beforeMigrationTwentyThree(backend), on: store)
            try await backend.reopen(store)
            #expect(try rows(Self.days) == byHand, "migration 23 replays the kept moves into the same days")
            #expect(try rows(Self.summed) == rows(Self.balances))
            // The positions cannot be split by period from what was kept: each goes whole into the latest period posted.
            #expect(try rows(Self.positions) == ["ACME|ACME-BER|RM|2026-02|55000000|19250"])
        }
    }
}
