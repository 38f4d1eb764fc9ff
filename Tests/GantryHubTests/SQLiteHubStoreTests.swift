import Foundation
import GantryCore
@testable import GantryHub
import GantryTestSupport
import GRDB
import Testing

/// What only the SQLite backend has: migrations of a file written by an earlier hub, an injected clock.
@Suite struct SQLiteHubStoreTests {
    @Test func anUpgradedDatabaseCountsTheEventsItKeptForTheSyncReport() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/hub.sqlite"
            let store = try SQLiteHubStore(path: path)
            _ = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: "BER"), timeZone: "UTC", tokenHash: "h", audit: .test)
            let events = [
                HubStoreContractTests.envelope(1),
                HubStoreContractTests.envelope(2, payload: .object(["data": .number(3)])),
                HubStoreContractTests.envelope(3, type: "ValveOpened", payload: .object(["valve": .string("V1")])),
                HubStoreContractTests.envelope(4),
            ]
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 6, events: events), receivedAt: Date())
            let now = Date(timeIntervalSince1970: 5_000)
            let counted = try await store.syncReport(now: now)
            #expect(counted.first.map { [$0.scans, $0.quarantinedEvents, $0.unprojectedEvents] } == [2, 1, 1])
            // As a hub from before the counters left the file: the events kept, no counters.
            try await DatabaseQueue(path: path).write { db in
                try db.execute(sql: """
                    ALTER TABLE plants DROP COLUMN scans;
                    ALTER TABLE plants DROP COLUMN quarantined_events;
                    ALTER TABLE plants DROP COLUMN unprojected_events;
                    DELETE FROM grdb_migrations WHERE identifier = '8-sync-counters';
                    """)
            }
            #expect(try await SQLiteHubStore(path: path).syncReport(now: now) == counted)
        }
    }

    @Test func theStoreStampsItsOwnEntriesWithTheInjectedClock() async throws {
        try await withTemporaryDirectory { dir in
            let then = Date(timeIntervalSince1970: 1_700_000_000)
            let store = try SQLiteHubStore(path: "\(dir)/hub.sqlite", now: { then })
            let plant = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: "BER"), timeZone: "UTC", tokenHash: "h", audit: .test)
            #expect(plant.enrolledAt == then)
            #expect(try await store.plants().map(\.enrolledAt) == [then])
            #expect(try await store.auditEntries(after: 0, limit: 10, scope: .all).map(\.at) == [Timestamp.format(then)])
        }
    }
}
