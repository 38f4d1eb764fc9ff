import Foundation
import GantryTestSupport
import GantryCore
@testable import GantryHub
import GRDB
import Testing

/// The storage contract: every test runs against the embedded SQLite store and against PostgreSQL.
@Suite struct HubStoreContractTests {
    static func envelope(_ sequence: Int64, data: String? = nil, type: String = ScanRecorded.eventType,
                         version: Int = 1, payload: JSONValue? = nil) -> EventEnvelope {
        let scan = ScanRecorded(scanID: UUID(), device: "dock-1", data: data ?? "S\(sequence)")
        let encoded = try! WireFormat.decoder().decode(JSONValue.self, from: Data(try! scan.payloadJSON().utf8))
        return EventEnvelope(
            sequence: sequence, id: UUID(), type: type, schemaVersion: version,
            occurredAt: Date(timeIntervalSince1970: 1_000), recordedAt: Date(timeIntervalSince1970: 1_000 + Double(sequence)),
            payload: payload ?? encoded)
    }

    func withEnrolledStore(_ backend: HubBackend, _ body: (any HubStore) async throws -> Void) async throws {
        try await backend.withStore { store in
            _ = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: "BER"), timeZone: "Europe/Berlin", tokenHash: "h1", audit: .test)
            _ = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: "HAM"), timeZone: "Europe/Berlin", tokenHash: "h2", audit: .test)
            try await body(store)
        }
    }

    func apply(_ store: any HubStore, _ events: [EventEnvelope], plant: String = "ACME-BER", head: Int64? = nil) async throws -> BatchOutcome {
        try await store.applyBatch(
            SyncBatch(plant: plant, agentHead: head ?? events.last?.sequence ?? 0, events: events), receivedAt: Date())
    }

    @Test(arguments: HubBackend.allCases) func appliesNewEventsAndAcknowledgesResendsWithoutEffect(backend: HubBackend) async throws {
        try await withEnrolledStore(backend) { store in
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

    @Test(arguments: HubBackend.allCases) func aBatchPastTheNextSequenceIsRefusedWithTheExpectedOne(backend: HubBackend) async throws {
        try await withEnrolledStore(backend) { store in
            _ = try await apply(store, [Self.envelope(1)])
            #expect(try await apply(store, [Self.envelope(3), Self.envelope(4)]) == .refused(expected: 2))
            #expect(try await store.events(plantID: "ACME-BER", after: 0, limit: 10).count == 1, "nothing of it applied")
        }
    }

    @Test(arguments: HubBackend.allCases) func aResendThatIsNotTheSameEventIsAConflict(backend: HubBackend) async throws {
        try await withEnrolledStore(backend) { store in
            _ = try await apply(store, [Self.envelope(1), Self.envelope(2)])
            await #expect { _ = try await apply(store, [Self.envelope(2), Self.envelope(3)]) } throws: { error in
                (error as? SyncBatchError)?.code == .sequenceConflict
            }
            #expect(try await store.events(plantID: "ACME-BER", after: 0, limit: 10).count == 2)
        }
    }

    @Test(arguments: HubBackend.allCases) func plantsHaveSeparateLogs(backend: HubBackend) async throws {
        try await withEnrolledStore(backend) { store in
            _ = try await apply(store, (1...3).map { Self.envelope($0) })
            #expect(try await apply(store, [Self.envelope(1)], plant: "ACME-HAM")
                    == .acknowledged(.init(plant: "ACME-HAM", acknowledgedThrough: 1, applied: 1)))
            let report = try await store.syncReport(now: Date())
            #expect(report.map(\.eventsReceived) == [3, 1])
        }
    }

    @Test(arguments: HubBackend.allCases) func unreadableEventsAreQuarantinedAndUnknownOnesKeptWithoutBlockingTheLog(backend: HubBackend) async throws {
        try await withEnrolledStore(backend) { store in
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

    @Test(arguments: HubBackend.allCases) func theReportShowsPendingEventsAndLag(backend: HubBackend) async throws {
        try await withEnrolledStore(backend) { store in
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

    @Test(arguments: HubBackend.allCases) func enrolmentIsUniquePerCompanyAndCode(backend: HubBackend) async throws {
        try await withEnrolledStore(backend) { store in
            await #expect { _ = try await store.enrolPlant(try PlantIdentity(company: "acme", code: "ber"), timeZone: "UTC", tokenHash: "h3", audit: .test) }
                throws: { ($0 as? HubStoreError)?.code == .duplicate }
            #expect(try await store.plant(tokenHash: "h2")?.plantID == "ACME-HAM")
            try await store.replacePlantToken(plantID: "ACME-HAM", tokenHash: "h9", audit: .test)
            #expect(try await store.plant(tokenHash: "h2") == nil)
            #expect(try await store.plant(tokenHash: "h9")?.plantID == "ACME-HAM")
        }
    }

    @Test(arguments: HubBackend.allCases) func appliedEventsAreImmutable(backend: HubBackend) async throws {
        try await withEnrolledStore(backend) { store in
            _ = try await apply(store, [Self.envelope(1)])
            for statement in ["DELETE FROM events", "UPDATE events SET payload = '{}'", "UPDATE events SET seq = 7"] {
                #expect(throws: (any Error).self, "\(statement)") { try backend.executeDirectly(statement, on: store) }
            }
            if backend == .postgres {
                #expect(throws: (any Error).self) { try backend.executeDirectly("TRUNCATE events", on: store) }
            }
            #expect(try await store.events(plantID: "ACME-BER", after: 0, limit: 10).count == 1)
        }
    }

    @Test func tokensAreRandomAndStoredAsHashes() {
        let first = SecretToken.generate(.plant), second = SecretToken.generate(.plant)
        #expect(first != second && first.hasPrefix("gpt_") && SecretToken.generate(.admin).hasPrefix("gat_"))
        #expect(first.count >= 40)
        #expect(SecretToken.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

extension HubStoreContractTests {
    /// The same signals as an event each (older agents) or grouped into `MachineSignalsReported` events.
    @Test(arguments: HubBackend.allCases, [false, true])
    func machineTimeIsReportedTheSameWayOnBothBackends(backend: HubBackend, grouped: Bool) async throws {
        try await withEnrolledStore(backend) { store in
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            let before: [MachineSignal] = [
                .state(MachineStateChanged(line: "L1", machine: "press", state: .running, reason: nil, at: t0.addingTimeInterval(-600))),
                .state(MachineStateChanged(line: "L1", machine: "press", state: .down, reason: "JAM", at: t0.addingTimeInterval(60))),
                .count(MachineCountReported(line: "L1", machine: "press", good: 40, scrap: 2, at: t0.addingTimeInterval(30))),
                .state(MachineStateChanged(line: "L1", machine: "press", state: .running, reason: nil, at: t0.addingTimeInterval(90))),
            ]
            let after: [MachineSignal] = [
                .count(MachineCountReported(line: "L1", machine: "press", good: 5, scrap: 0, at: t0.addingTimeInterval(-30))),
            ]
            func events(_ signals: [MachineSignal]) -> [any PlantEvent] {
                guard grouped else {
                    return signals.map { signal -> any PlantEvent in
                        switch signal {
                        case .state(let change): change
                        case .count(let count): count
                        }
                    }
                }
                return [MachineSignalsReported(
                    states: signals.compactMap { if case .state(let change) = $0 { change } else { nil } },
                    counts: signals.compactMap { if case .count(let count) = $0 { count } else { nil } })]
            }
            let events = events(before) + [MachineSignalLost(cause: "broker-lost", at: t0.addingTimeInterval(200))] + events(after)
            let envelopes = try events.enumerated().map { index, event in
                EventEnvelope(
                    sequence: Int64(index + 1), id: UUID(), type: type(of: event).eventType,
                    schemaVersion: type(of: event).schemaVersion, occurredAt: t0, recordedAt: t0,
                    payload: try WireFormat.decoder().decode(JSONValue.self, from: Data(try event.payloadJSON().utf8)))
            }
            _ = try await apply(store, envelopes)
            let reports = try await store.machineTime(plantID: "ACME-BER", from: t0, to: t0.addingTimeInterval(300))
            let press = try #require(reports.first)
            #expect(reports.count == 1 && press.plant == "ACME-BER" && press.line == "L1" && press.machine == "press")
            let seconds = press.seconds.mapValues { ($0 * 1000).rounded() / 1000 }
            #expect(seconds["running"] == 170.0, "running from before the window, and again from 90 s to the lost signal")
            #expect(seconds["down"] == 30 && press.downtimeByReason.mapValues { $0.rounded() } == ["JAM": 30])
            #expect(seconds["unknown"] == 100, "no signal after 200 s: unknown, never invented downtime")
            #expect(press.good == 40 && press.scrap == 2, "only counts inside the window")
            #expect(try await store.machineTime(plantID: "ACME-HAM", from: t0, to: t0.addingTimeInterval(300)).isEmpty)
            #expect(try await store.machineTime(plantID: nil, from: t0, to: t0.addingTimeInterval(300)) == reports)
        }
    }
}
