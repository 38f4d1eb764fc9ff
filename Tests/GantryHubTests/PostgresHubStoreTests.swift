import Foundation
import GantryCore
@testable import GantryHub
import GantryTestSupport
import Testing

/// What only the PostgreSQL backend has: start-up checks, several hub processes on one database, a server
/// that goes away.
@Suite struct PostgresHubStoreTests {
    func open(_ url: DatabaseURL, timeout: Duration = .seconds(10)) async throws -> PostgresHubStore {
        try await PostgresHubStore.open(url, poolSize: 4, timeout: timeout, logger: HubBackend.quiet)
    }

    @Test func startUpNamesWhatIsWrong() async throws {
        let server = try PostgresServer.shared
        let nobody = DatabaseURL(host: "127.0.0.1", port: try freePort(), user: "postgres", password: "x", database: "gantry", tls: .disable)
        await #expect { _ = try await open(nobody) } throws: { error in
            let failure = error as? HubStoreError
            return failure?.code == .unreachable && failure!.message.contains("cannot reach PostgreSQL at 127.0.0.1:\(nobody.port)")
        }
        await #expect { _ = try await open(server.url(database: "postgres", password: "wrong")) } throws: { error in
            let failure = error as? HubStoreError
            return failure?.code == .credentials && failure!.message.contains("refused user postgres")
        }
        await #expect { _ = try await open(server.url(database: "no_such_db")) } throws: { error in
            let failure = error as? HubStoreError
            return failure?.code == .unusable && failure!.message.contains("createdb -O postgres no_such_db")
        }
    }

    @Test func aDatabaseOfANewerSchemaIsRefused() async throws {
        let url = try PostgresServer.shared.createDatabase()
        _ = try await open(url)
        try PostgresServer.shared.psql(url.database, "INSERT INTO gantry_schema (version, name) VALUES (99, '99-future')")
        await #expect { _ = try await open(url) } throws: { error in
            let failure = error as? HubStoreError
            return failure?.code == .newerSchema && failure!.message.contains("schema version 99")
        }
    }

    @Test func aDatabaseNumberedTheOldWayIsRenumberedAndMigrated() async throws {
        let url = try PostgresServer.shared.createDatabase()
        _ = try await open(url)
        // As a hub from before SQLite and PostgreSQL shared migration numbers left it: six versions, the machine
        // signals and the sync counters made by the first.
        try PostgresServer.shared.psql(url.database, """
            DELETE FROM gantry_schema;
            INSERT INTO gantry_schema (version, name) VALUES (1, '1-plants-and-events'), (2, '2-governance'), (3, '3-inventory'),
                (4, '4-supplier-performance'), (5, '5-plant-instructions'), (6, '6-principal-names');
            """)
        let store = try await open(url)
        try await withRunning(store) {
            _ = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: "BER"), timeZone: "UTC", tokenHash: "h", audit: .test)
        }
        let expected = HubMigration.all.map { "\($0.number)|\($0.identifier)" }.joined(separator: "\n") + "\n"
        #expect(try PostgresServer.shared.psql(url.database, "SELECT version, name FROM gantry_schema ORDER BY version") == expected)
    }

    @Test func migrationsRunOnceWhenHubsStartTogether() async throws {
        let url = try PostgresServer.shared.createDatabase()
        let stores = try await withThrowingTaskGroup(of: PostgresHubStore.self) { group in
            for _ in 0..<4 { group.addTask { try await open(url) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(stores.count == 4)
        #expect(try PostgresServer.shared.psql(url.database, "SELECT count(*) FROM gantry_schema") == "\(HubMigration.all.count)\n")
    }

    @Test func theSameBatchSentToTwoHubsAtOnceIsAppliedOnce() async throws {
        let url = try PostgresServer.shared.createDatabase()
        let first = try await open(url), second = try await open(url)
        try await withRunning(first) { try await withRunning(second) {
            _ = try await first.enrolPlant(try PlantIdentity(company: "ACME", code: "BER"), timeZone: "UTC", tokenHash: "h", audit: .test)
            var next: Int64 = 1
            for round in 0..<20 {
                let events = (next..<next + 50).map { HubStoreContractTests.envelope($0) }
                let batch = SyncBatch(plant: "ACME-BER", agentHead: events.last!.sequence, events: events)
                async let a = first.applyBatch(batch, receivedAt: Date())
                async let b = second.applyBatch(batch, receivedAt: Date())
                let outcomes = try await [a, b]
                let applied = outcomes.map { outcome -> Int in
                    guard case .acknowledged(let ack) = outcome else { return -1 }
                    #expect(ack.acknowledgedThrough == events.last!.sequence, "round \(round)")
                    return ack.applied
                }
                #expect(applied.sorted() == [0, 50], "round \(round): one hub applies, the other acknowledges the resend")
                next += 50
            }
            let report = try #require(try await first.syncReport(now: Date()).first)
            #expect(report.eventsReceived == 1000 && report.scans == 1000 && report.lastSequence == 1000)
            #expect(try PostgresServer.shared.psql(url.database, "SELECT count(*), count(DISTINCT seq) FROM events") == "1000|1000\n")
        } }
    }

    @Test func aDatabaseThatGoesAwayMakesTheStoreUnavailableUntilItReturns() async throws {
        let server = try PostgresServer()
        defer { server.destroy() }
        try server.psql("postgres", "CREATE DATABASE hub")
        let store = try await open(server.url(database: "hub"), timeout: .seconds(3))
        try await withRunning(store) {
            _ = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: "BER"), timeZone: "UTC", tokenHash: "h", audit: .test)
            let batch = SyncBatch(plant: "ACME-BER", agentHead: 3, events: (1...3).map { HubStoreContractTests.envelope($0) })
            _ = try await store.applyBatch(batch, receivedAt: Date())

            try server.stop(mode: "immediate")
            let started = ContinuousClock.now
            let later = SyncBatch(plant: "ACME-BER", agentHead: 4, events: [HubStoreContractTests.envelope(4)])
            await #expect { _ = try await store.applyBatch(later, receivedAt: Date()) } throws: {
                ($0 as? HubStoreError)?.code == .unavailable
            }
            await #expect { try await store.checkReadable() } throws: { ($0 as? HubStoreError)?.code == .unavailable }
            #expect(ContinuousClock.now - started < .seconds(10), "answers within the store timeout, never hangs")

            try server.start()
            var outcome: BatchOutcome?
            for _ in 0..<60 where outcome == nil {
                do {
                    outcome = try await store.applyBatch(later, receivedAt: Date())
                } catch let error as HubStoreError where error.code == .unavailable {
                    // reconnecting
                }
                if outcome == nil { try await Task.sleep(for: .milliseconds(250)) }
            }
            #expect(outcome == .acknowledged(SyncAcknowledgement(plant: "ACME-BER", acknowledgedThrough: 4, applied: 1)))
            #expect(try await store.events(plantID: "ACME-BER", after: 0, limit: 10).map(\.sequence) == [1, 2, 3, 4])
        }
    }
}
