import Foundation
import GantryCore
@testable import GantryHub
import GantryTestSupport
import Testing

/// The raw events by month on a real PostgreSQL (migration 18, docs/postgresql.md "Events by month"): rows land in
/// the partition of the month the hub received them, a closed month detaches to a file without changing a report or a
/// projection, sync stays exactly once meanwhile, and the file restores the month.
@Suite struct EventPartitionTests {
    /// 2026-09-10, 2026-10-10 and 2026-11-10 at noon UTC; "now" is 2026-12-06.
    static let september = Date(timeIntervalSince1970: 1_789_041_600)
    static let october = Date(timeIntervalSince1970: 1_791_633_600)
    static let november = Date(timeIntervalSince1970: 1_794_312_000)
    static let now = Date(timeIntervalSince1970: 1_796_558_400)

    /// Events 1 to 65 of one plant's log, made once so that a resend is the same events.
    static let log = (Int64(1)...65).map { HubStoreContractTests.envelope($0) }

    func scans(_ range: ClosedRange<Int64>) -> [EventEnvelope] {
        Array(Self.log[Int(range.lowerBound - 1)..<Int(range.upperBound)])
    }

    func count(_ database: String, _ sql: String) throws -> String {
        try PostgresServer.shared.psql(database, sql).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func threeMonthsLandInThreePartitionsAndAClosedOneDetachesAndRestoresWithoutTouchingProjections() async throws {
        let url = try PostgresServer.shared.createDatabase()
        let store = try await PostgresHubStore.open(url, poolSize: 4, logger: HubBackend.quiet)
        try await withRunning(store) {
            _ = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: "BER"), timeZone: "UTC", tokenHash: "h1", audit: .test)
            // 10 events received in September, 20 in October, 30 in November.
            for (range, at) in [(Int64(1)...10, Self.september), (11...30, Self.october), (31...60, Self.november)] {
                let outcome = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: range.upperBound, events: scans(range)), receivedAt: at)
                #expect(outcome == .acknowledged(.init(plant: "ACME-BER", acknowledgedThrough: range.upperBound, applied: range.count)))
            }
            let perPartition = "SELECT tableoid::regclass::text || ':' || count(*) FROM events GROUP BY tableoid ORDER BY 1"
            #expect(try count(url.database, perPartition) == "events_2026_09:10\nevents_2026_10:20\nevents_2026_11:30")
            let october = """
                SELECT count(*) || ' ' || md5(string_agg(plant_id || seq || event_id || type || occurred_at || recorded_at || received_at
                                                         || payload::text || status, ',' ORDER BY seq))
                FROM events WHERE seq BETWEEN 11 AND 30
                """
            let octoberBefore = try count(url.database, october)

            let projection = "SELECT count(*) || ' ' || md5(string_agg(plant_id || seq || scan_id || data, ',' ORDER BY seq)) FROM scans"
            let scansBefore = try count(url.database, projection)
            let reportBefore = try await store.syncReport(now: Self.now)

            try await withTemporaryDirectory { dir in
                let file = "\(dir)/events-2026-10.jsonl"
                let months = try HubEventMonths(store: store, now: { Self.now })
                // The current month is still open; a month is given as yyyy-MM.
                await #expect(throws: CommandLineError.self) { _ = try await months.detach("2026-12", to: file) }
                await #expect(throws: CommandLineError.self) { _ = try await months.detach("2026-13", to: file) }

                let detached = try await months.detach("2026-10", to: file)
                #expect(detached.events == 20 && detached.month.description == "2026-10")
                #expect(try count(url.database, perPartition) == "events_2026_09:10\nevents_2026_11:30")
                #expect(try count(url.database, "SELECT month || ' ' || events FROM event_archives") == "2026-10 20")
                #expect(try count(url.database, projection) == scansBefore)
                #expect(try await store.syncReport(now: Self.now) == reportBefore)
                // Detached once: a second detach finds no partition.
                await #expect(throws: CommandLineError.self) { _ = try await months.detach("2026-10", to: "\(dir)/again.jsonl") }

                // Sync goes on exactly once: a resend of November's events applies nothing, new events apply once.
                let resent = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 60, events: scans(51...60)), receivedAt: Self.now)
                #expect(resent == .acknowledged(.init(plant: "ACME-BER", acknowledgedThrough: 60, applied: 0)))
                let fresh = scans(61...65)
                async let first = store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 65, events: fresh), receivedAt: Self.now)
                async let second = store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 65, events: fresh), receivedAt: Self.now)
                let outcomes = try await [first, second]
                #expect(outcomes.map { if case .acknowledged(let ack) = $0 { ack.applied } else { -1 } }.sorted() == [0, 5])
                #expect(try count(url.database, "SELECT count(*) || ' ' || count(DISTINCT seq) FROM events WHERE seq > 60") == "5 5")

                // The file restores the month: its rows back as they were, the register emptied.
                let restored = try await months.restore(from: file)
                #expect(restored.events == 20 && restored.sha256 == detached.sha256)
                #expect(try count(url.database, perPartition) == "events_2026_09:10\nevents_2026_10:20\nevents_2026_11:30\nevents_2026_12:5")
                #expect(try count(url.database, "SELECT count(*) FROM event_archives") == "0")
                #expect(try count(url.database, october) == octoberBefore)
                let events = try await store.events(plantID: "ACME-BER", after: 10, limit: 20)
                #expect(events.map(\.id) == scans(11...30).map(\.id))
                // Still immutable once back.
                #expect(throws: (any Error).self) { try PostgresServer.shared.psql(url.database, "DELETE FROM events WHERE seq = 11") }
                await #expect(throws: CommandLineError.self) { _ = try await months.restore(from: file) }
            }
        }
    }

    @Test func twoHubsApplyingTheSameBatchInANewMonthApplyItOnce() async throws {
        let url = try PostgresServer.shared.createDatabase()
        let first = try await PostgresHubStore.open(url, poolSize: 4, logger: HubBackend.quiet)
        let second = try await PostgresHubStore.open(url, poolSize: 4, logger: HubBackend.quiet)
        try await withRunning(first) { try await withRunning(second) {
            _ = try await first.enrolPlant(try PlantIdentity(company: "ACME", code: "BER"), timeZone: "UTC", tokenHash: "h1", audit: .test)
            // 2031-03-15 12:00 UTC: a month no partition exists for, so both hubs make it at once.
            let at = Date(timeIntervalSince1970: 1_931_342_400)
            for round in 0..<5 {
                let range = Int64(round * 10 + 1)...Int64(round * 10 + 10)
                let batch = SyncBatch(plant: "ACME-BER", agentHead: range.upperBound, events: scans(range))
                async let a = first.applyBatch(batch, receivedAt: at)
                async let b = second.applyBatch(batch, receivedAt: at)
                let applied = try await [a, b].map { if case .acknowledged(let ack) = $0 { ack.applied } else { -1 } }
                #expect(applied.sorted() == [0, 10])
            }
            #expect(try count(url.database, "SELECT count(*) || ' ' || count(DISTINCT seq) FROM events") == "50 50")
            #expect(try count(url.database, "SELECT DISTINCT tableoid::regclass::text FROM events") == "events_2031_03")
            // The apply made the next month's partition ahead.
            #expect(try count(url.database, "SELECT to_regclass('events_2031_04') IS NOT NULL") == "t")
            #expect(try count(url.database, "SELECT count(*) FROM events_default") == "0")
        } }
    }

    @Test func theSQLiteHubSaysItsEventsStayOneTable() async throws {
        try await HubBackend.sqlite.withStore { store in
            #expect(throws: CommandLineError.self) { _ = try HubEventMonths(store: store, now: { Self.now }) }
        }
    }
}
