import Foundation
import GantryCore
@testable import GantryHub
import GantryTestSupport
import Testing

/// Two hub processes over one PostgreSQL database post each event once, and keep a company's balances whole while
/// both plants of the company send at once.
@Suite struct LedgerTwoHubsTests {
    @Test func batchesSentToTwoHubsAtOncePostEachReceiptOnceAndTheBalancesAddUp() async throws {
        let url = try PostgresServer.shared.createDatabase()
        let first = try await PostgresHubStore.open(url, poolSize: 4, logger: HubBackend.quiet)
        let second = try await PostgresHubStore.open(url, poolSize: 4, logger: HubBackend.quiet)
        let ledger = LedgerContractTests()
        try await withRunning(first) { try await withRunning(second) {
            for code in ["BER", "HAM"] {
                _ = try await first.enrolPlant(try PlantIdentity(company: "ACME", code: code), timeZone: "UTC", tokenHash: code, audit: .test)
            }
            try await ledger.commitBooks(first)
            for plant in ["ACME-BER", "ACME-HAM"] {
                _ = try await first.applyBatch(SyncBatch(plant: plant, agentHead: 1, events: [
                    ledger.placed(1, "2026-01-10T08:00:00Z", "PO-1", price: "2.50"),
                ]), receivedAt: Date())
            }
            var next: Int64 = 2
            for _ in 0..<10 {
                let batches = ["ACME-BER", "ACME-HAM"].map { plant in
                    let events = (next..<next + 5).map { ledger.receipt($0, "2026-01-20T12:00:00Z", "PO-1", 1) }
                    return SyncBatch(plant: plant, agentHead: events.last!.sequence, events: events)
                }
                async let a = first.applyBatch(batches[0], receivedAt: Date())
                async let b = second.applyBatch(batches[0], receivedAt: Date())
                async let c = first.applyBatch(batches[1], receivedAt: Date())
                async let d = second.applyBatch(batches[1], receivedAt: Date())
                _ = try await [a, b, c, d]
                next += 5
            }
            // 2 plants × 10 rounds × 5 receipts of one bolt at 2.50 EUR: 100 entries, 250.00 EUR.
            #expect(try PostgresServer.shared.psql(url.database, "SELECT count(*), count(DISTINCT source_key) FROM journal_entries") == "100|100\n")
            let balance = try await second.trialBalance(company: "ACME", from: "2026-01", to: "2026-01")
            #expect(balance.lines.map(\.debit) == [25_000, 0])
            #expect(balance.lines.map(\.credit) == [0, 25_000])
        } }
    }
}
