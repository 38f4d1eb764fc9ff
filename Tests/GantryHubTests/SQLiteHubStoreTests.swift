import Foundation
import GantryCore
@testable import GantryHub
import GRDB
import Testing

@Suite struct SQLiteHubStoreTests {
    static func envelope(_ sequence: Int64, data: String? = nil, type: String = ScanRecorded.eventType,
                         version: Int = 1, payload: JSONValue? = nil) -> EventEnvelope {
        let scan = ScanRecorded(scanID: UUID(), device: "dock-1", data: data ?? "S\(sequence)")
        let encoded = try! WireFormat.decoder().decode(JSONValue.self, from: Data(try! scan.payloadJSON().utf8))
        return EventEnvelope(
            sequence: sequence, id: UUID(), type: type, schemaVersion: version,
            occurredAt: Date(timeIntervalSince1970: 1_000), recordedAt: Date(timeIntervalSince1970: 1_000 + Double(sequence)),
            payload: payload ?? encoded)
    }

    func withEnrolledStore(_ body: (SQLiteHubStore) async throws -> Void) async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLiteHubStore(path: "\(dir)/hub.sqlite")
            _ = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: "BER"), timeZone: "Europe/Berlin", tokenHash: "h1")
            _ = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: "HAM"), timeZone: "Europe/Berlin", tokenHash: "h2")
            try await body(store)
        }
    }

    func apply(_ store: SQLiteHubStore, _ events: [EventEnvelope], plant: String = "ACME-BER", head: Int64? = nil) async throws -> BatchOutcome {
        try await store.applyBatch(
            SyncBatch(plant: plant, agentHead: head ?? events.last?.sequence ?? 0, events: events), receivedAt: Date())
    }

    @Test func appliesNewEventsAndAcknowledgesResendsWithoutEffect() async throws {
        try await withEnrolledStore { store in
            let events = (1...5).map { Self.envelope($0) }
            #expect(try await apply(store, events) == .acknowledged(.init(plant: "ACME-BER", acknowledgedThrough: 5, applied: 5)))
            #expect(try await apply(store, events) == .acknowledged(.init(plant: "ACME-BER", acknowledgedThrough: 5, applied: 0)))
            let overlapping = Array(events[3...]) + (6...8).map { Self.envelope($0) }
            #expect(try await apply(store, overlapping) == .acknowledged(.init(plant: "ACME-BER", acknowledgedThrough: 8, applied: 3)))
            let report = try #require(try await store.syncReport(now: Date()).first { $0.plant == "ACME-BER" })
            #expect(report.eventsReceived == 8 && report.scans == 8 && report.lastSequence == 8)
            let stored = try await store.events(plantID: "ACME-BER", after: 0, limit: 100)
            #expect(stored.map(\.sequence) == Array(1...8))
            #expect(stored.map(\.id) == (events + overlapping.suffix(3)).map(\.id))
        }
    }

    @Test func aBatchPastTheNextSequenceIsRefusedWithTheExpectedOne() async throws {
        try await withEnrolledStore { store in
            _ = try await apply(store, [Self.envelope(1)])
            #expect(try await apply(store, [Self.envelope(3), Self.envelope(4)]) == .refused(expected: 2))
            #expect(try await store.events(plantID: "ACME-BER", after: 0, limit: 10).count == 1, "nothing of it applied")
        }
    }

    @Test func aResendThatIsNotTheSameEventIsAConflict() async throws {
        try await withEnrolledStore { store in
            _ = try await apply(store, [Self.envelope(1), Self.envelope(2)])
            await #expect { _ = try await apply(store, [Self.envelope(2), Self.envelope(3)]) } throws: { error in
                (error as? SyncBatchError)?.code == .sequenceConflict
            }
            #expect(try await store.events(plantID: "ACME-BER", after: 0, limit: 10).count == 2)
        }
    }

    @Test func plantsHaveSeparateLogs() async throws {
        try await withEnrolledStore { store in
            _ = try await apply(store, (1...3).map { Self.envelope($0) })
            #expect(try await apply(store, [Self.envelope(1)], plant: "ACME-HAM")
                    == .acknowledged(.init(plant: "ACME-HAM", acknowledgedThrough: 1, applied: 1)))
            let report = try await store.syncReport(now: Date())
            #expect(report.map(\.eventsReceived) == [3, 1])
        }
    }

    @Test func unreadableEventsAreQuarantinedAndUnknownOnesKeptWithoutBlockingTheLog() async throws {
        try await withEnrolledStore { store in
            let events = [
                Self.envelope(1),
                Self.envelope(2, payload: .object(["data": .number(3)])),
                Self.envelope(3, type: "ValveOpened", payload: .object(["valve": .string("V1")])),
                Self.envelope(4, version: 9),
                Self.envelope(5),
            ]
            #expect(try await apply(store, events) == .acknowledged(.init(plant: "ACME-BER", acknowledgedThrough: 5, applied: 5)))
            let report = try #require(try await store.syncReport(now: Date()).first)
            #expect(report.scans == 2 && report.quarantinedEvents == 1 && report.unprojectedEvents == 2)
            #expect(report.eventsReceived == 5)
        }
    }

    @Test func theReportShowsPendingEventsAndLag() async throws {
        try await withEnrolledStore { store in
            _ = try await apply(store, (1...3).map { Self.envelope($0) }, head: 10)
            let now = Date(timeIntervalSince1970: 2_000)
            let report = try #require(try await store.syncReport(now: now).first)
            #expect(report.pendingEvents == 7 && report.agentHead == 10)
            #expect(report.lagSeconds == 2_000 - 1_003)
            _ = try await apply(store, (4...10).map { Self.envelope($0) })
            let caughtUp = try #require(try await store.syncReport(now: now).first)
            #expect(caughtUp.pendingEvents == 0 && caughtUp.lagSeconds == 0)
            #expect(caughtUp.lastSeenAt != nil)
        }
    }

    @Test func enrolmentIsUniquePerCompanyAndCode() async throws {
        try await withEnrolledStore { store in
            await #expect { _ = try await store.enrolPlant(try PlantIdentity(company: "acme", code: "ber"), timeZone: "UTC", tokenHash: "h3") }
                throws: { ($0 as? HubStoreError)?.code == .duplicate }
            #expect(try await store.plant(tokenHash: "h2")?.plantID == "ACME-HAM")
            try await store.replacePlantToken(plantID: "ACME-HAM", tokenHash: "h9")
            #expect(try await store.plant(tokenHash: "h2") == nil)
            #expect(try await store.plant(tokenHash: "h9")?.plantID == "ACME-HAM")
        }
    }

    @Test func adminTokensCanBeRevoked() async throws {
        try await withEnrolledStore { store in
            try await store.addAdminToken(name: "ops", tokenHash: "a1")
            #expect(try await store.adminTokenName(tokenHash: "a1") == "ops")
            await #expect(throws: HubStoreError.self) { try await store.addAdminToken(name: "ops", tokenHash: "a2") }
            #expect(try await store.revokeAdminToken(name: "ops"))
            #expect(try await store.adminTokenName(tokenHash: "a1") == nil)
            #expect(try await !store.revokeAdminToken(name: "ops"))
            #expect(try await store.adminTokens().first?.revokedAt != nil)
        }
    }

    @Test func appliedEventsAreImmutable() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/hub.sqlite"
            let store = try SQLiteHubStore(path: path)
            _ = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: "BER"), timeZone: "UTC", tokenHash: "h")
            _ = try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: 1, events: [Self.envelope(1)]), receivedAt: Date())
            let queue = try DatabaseQueue(path: path)
            await #expect(throws: DatabaseError.self) { try await queue.write { try $0.execute(sql: "DELETE FROM events") } }
            await #expect(throws: DatabaseError.self) {
                try await queue.write { try $0.execute(sql: "UPDATE events SET payload = '{}'") }
            }
        }
    }

    @Test func tokensAreRandomAndStoredAsHashes() {
        let first = SecretToken.generate(.plant), second = SecretToken.generate(.plant)
        #expect(first != second && first.hasPrefix("gpt_") && SecretToken.generate(.admin).hasPrefix("gat_"))
        #expect(first.count >= 40)
        #expect(SecretToken.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
