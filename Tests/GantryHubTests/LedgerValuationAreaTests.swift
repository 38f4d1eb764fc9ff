import Foundation
import GantryCore
@testable import GantryHub
import GantryTestSupport
import Testing

/// The valuation area is the plant, on both backends: two plants of one moving-average company receive the same item
/// at different prices, side by side, and each values what it scraps at its own average.
@Suite struct LedgerValuationAreaTests {
    let ledger = LedgerContractTests()

    func scrap(_ sequence: Int64, _ at: String, _ quantity: Int64) -> EventEnvelope {
        ledger.event(sequence, at, StockMoved(
            moveId: UUID(), kind: .scrap, item: "BOLT", lot: "L2", serial: nil, expiry: nil, quantity: Quantity(quantity),
            uom: "EA", from: "RECV", to: nil, reference: nil, scan: nil, reason: "bent"))
    }

    @Test(arguments: HubBackend.allCases) func eachPlantValuesItsOwnStock(backend: HubBackend) async throws {
        try await backend.withStore { store in
            for code in ["BER", "HAM"] {
                _ = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: code), timeZone: "UTC", tokenHash: code, audit: .test)
            }
            try await ledger.commitBooks(store)
            try await ledger.commit(store, [
                #"{"kind":"account","company":"ACME","key":"5300","data":{"name":"Scrap","type":"expense"}}"#,
                #"{"kind":"account-mapping","company":"ACME","key":"scrap","data":{"debit":"5300","credit":"1400"}}"#,
            ])
            // BER: 10 at 2.00 = 20.00, then 1 scrapped at 2.00. HAM: 10 at 3.00 = 30.00, then 1 scrapped at 3.00. A
            // company-wide average would have scrapped both at 2.50.
            let day = ledger.january
            let batches = [("ACME-BER", "2.00"), ("ACME-HAM", "3.00")].map { plant, price in
                SyncBatch(plant: plant, agentHead: 3, events: [
                    ledger.placed(1, "2026-01-10T08:00:00Z", "PO-1", price: price), ledger.receipt(2, day, "PO-1", 10), scrap(3, day, 1),
                ])
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for batch in batches {
                    group.addTask { _ = try await store.applyBatch(batch, receivedAt: Timestamp.parse(day)!) }
                }
                try await group.waitForAll()
            }
            let entries = try await ledger.entries(store)
            let scrapped = Dictionary(uniqueKeysWithValues: entries.filter { $0.kind == PostingKind.scrap.rawValue }.map {
                ($0.plant ?? "", $0.lines.first { $0.account == "5300" }?.functionalAmount)
            })
            #expect(scrapped == ["ACME-BER": 200, "ACME-HAM": 300])
            #expect(try await store.heldPostings(company: nil, scope: .all).isEmpty)
        }
    }
}
