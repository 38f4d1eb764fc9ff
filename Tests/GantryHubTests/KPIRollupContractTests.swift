import Foundation
import GantryCore
import GantryTestSupport
@testable import GantryHub
import Testing

/// The hub's KPI rollups on both backends: written with the machine events, exactly once, corrected exactly by a
/// late event, and rebuilt the same by the backfill. Every figure below is worked out by hand from the events.
@Suite struct KPIRollupContractTests {
    /// 2027-01-15T08:00:00Z, a whole UTC hour.
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }
    static func hour(_ offset: Int) -> Date { t0.addingTimeInterval(Double(offset) * 3600) }

    static func envelope(_ sequence: Int64, _ event: some PlantEvent) throws -> EventEnvelope {
        EventEnvelope(
            sequence: sequence, id: UUID(), type: type(of: event).eventType, schemaVersion: type(of: event).schemaVersion,
            occurredAt: t0, recordedAt: t0, payload: try JSONValue.parse(try event.payloadJSON()))
    }

    static func state(_ machine: String, _ state: MachineState, _ minutes: Double, _ reason: String? = nil) -> MachineStateChanged {
        MachineStateChanged(line: "L1", machine: machine, state: state, reason: reason, at: at(minutes))
    }

    static func count(_ machine: String, _ good: Int64, _ scrap: Int64, _ minutes: Double) -> MachineCountReported {
        MachineCountReported(line: "L1", machine: machine, good: good, scrap: scrap, at: at(minutes))
    }

    func withStore(_ backend: HubBackend, _ body: (any HubStore) async throws -> Void) async throws {
        try await backend.withStore { store in
            _ = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: "BER"), timeZone: "Europe/Berlin", tokenHash: "h1", audit: .test)
            try await body(store)
        }
    }

    func apply(_ store: any HubStore, _ events: [EventEnvelope]) async throws -> BatchOutcome {
        try await store.applyBatch(
            SyncBatch(plant: "ACME-BER", agentHead: events.last?.sequence ?? 0, events: events), receivedAt: Self.t0)
    }

    func rows(_ store: any HubStore, scope: CompanyScope = .all) async throws -> KPIRollupSnapshot {
        try await store.kpiRollups(scope: scope, plant: nil, from: Self.hour(-24), to: Self.hour(24))
    }

    /// press: running from 08:00, down (JAM) 08:30–09:15, running again; counts at 08:10 and 09:20.
    static func firstBatch() throws -> [EventEnvelope] {
        [
            try envelope(1, MachineSignalsReported(
                states: [state("press", .running, 0), state("press", .down, 30, "JAM"), state("press", .running, 75)],
                counts: [count("press", 40, 2, 10), count("press", 10, 0, 80)])),
        ]
    }

    static let press = KPIMachineKey(company: "ACME", plant: "ACME-BER", line: "L1", machine: "press")

    @Test(arguments: HubBackend.allCases) func eventsAreRolledUpPerHourExactlyOnce(backend: HubBackend) async throws {
        try await withStore(backend) { store in
            let batch = try Self.firstBatch()
            _ = try await apply(store, batch)
            let first = try await rows(store)
            // 08:00: running 30 min, down 30 min; 40 good + 2 scrap, no rate known: all 42 unrated.
            // 09:00: down until 09:15 (the JAM carried in, so no new stop), running 09:15–09:20, the newest fact.
            #expect(first.hours == [
                KPIMachineHour(machine: Self.press, hour: Self.hour(0), elements: KPIElements(
                    actualProductionTime: 1800, downTime: 1800, good: Quantity(40), scrap: Quantity(2), unratedQuantity: Quantity(42))),
                KPIMachineHour(machine: Self.press, hour: Self.hour(1), elements: KPIElements(
                    actualProductionTime: 300, downTime: 900, good: Quantity(10), unratedQuantity: Quantity(10))),
            ])
            #expect(first.downtime == [
                KPIDowntimeHour(machine: Self.press, hour: Self.hour(0), reason: "JAM", seconds: 1800, stops: 1),
                KPIDowntimeHour(machine: Self.press, hour: Self.hour(1), reason: "JAM", seconds: 900, stops: 0),
            ])
            #expect(first.heads == [KPIMachineHead(machine: Self.press, through: Self.at(80), state: .running, reason: nil)])

            // The same batch again: the hub's dedup applies nothing, and nothing changes.
            #expect(try await apply(store, batch) == .acknowledged(.init(plant: "ACME-BER", acknowledgedThrough: 1, applied: 0)))
            #expect(try await rows(store) == first)

            // A newer fact moves the open end: 09:00 fills with running to 10:00, 10:00 runs to 10:30 then stops.
            _ = try await apply(store, [try Self.envelope(2, MachineSignalsReported(states: [Self.state("press", .down, 150, "MAINT")], counts: []))])
            let later = try await rows(store)
            #expect(later.hours.first == first.hours.first, "an hour the fact does not reach is left as it was")
            #expect(later.hours.dropFirst().map(\.elements) == [
                KPIElements(actualProductionTime: 2700, downTime: 900, good: Quantity(10), unratedQuantity: Quantity(10)),
                KPIElements(actualProductionTime: 1800),
            ])
            #expect(later.heads.map(\.state) == [.down] && later.heads.map(\.reason) == ["MAINT"])

            // A lost signal at 10:45: the 10:00 hour holds 15 minutes down for MAINT, one stop; from then on unknown.
            _ = try await apply(store, [try Self.envelope(3, MachineSignalLost(cause: "broker-lost", at: Self.at(165)))])
            let lost = try await rows(store)
            #expect(lost.hours.last?.elements == KPIElements(actualProductionTime: 1800, downTime: 900))
            #expect(lost.downtime.last == KPIDowntimeHour(machine: Self.press, hour: Self.hour(2), reason: "MAINT", seconds: 900, stops: 1))
            #expect(lost.heads == [KPIMachineHead(machine: Self.press, through: Self.at(165), state: .unknown, reason: nil)])
        }
    }

    @Test(arguments: HubBackend.allCases) func aLateStateChangeCorrectsExactlyTheHoursItReaches(backend: HubBackend) async throws {
        try await withStore(backend) { store in
            _ = try await apply(store, try Self.firstBatch())
            let before = try await rows(store)
            // Placed in the past: idle from 08:10 until the JAM at 08:30. Only 08:00 changes: running 10 min, idle 20.
            _ = try await apply(store, [try Self.envelope(2, MachineSignalsReported(states: [Self.state("press", .idle, 10)], counts: []))])
            let after = try await rows(store)
            #expect(after.hours.first?.elements == KPIElements(
                actualProductionTime: 600, delayTime: 1200, downTime: 1800, good: Quantity(40), scrap: Quantity(2),
                unratedQuantity: Quantity(42)))
            #expect(Array(after.hours.dropFirst()) == Array(before.hours.dropFirst()), "09:00 is as it was")
            #expect(after.downtime == before.downtime && after.heads == before.heads)

            // A late down stretch inside the running hour 09:00: 09:30–09:40 down (no reason), the last fact moves on.
            _ = try await apply(store, [try Self.envelope(3, MachineSignalsReported(
                states: [Self.state("press", .down, 90), Self.state("press", .running, 100)], counts: []))])
            let again = try await rows(store)
            #expect(again.hours.first == after.hours.first)
            // 09:00–09:15 down (JAM), 09:15–09:30 running, 09:30–09:40 down, through 09:40.
            #expect(again.hours.last?.elements == KPIElements(
                actualProductionTime: 900, downTime: 1500, good: Quantity(10), unratedQuantity: Quantity(10)))
            #expect(again.downtime.filter { $0.hour == Self.hour(1) }.map { [$0.reason, "\($0.seconds)", "\($0.stops)"] } == [
                ["", "600.0", "1"], ["JAM", "900.0", "0"],
            ])
            #expect(again.heads.first?.through == Self.at(100))
        }
    }

    @Test(arguments: HubBackend.allCases) func theBackfillRebuildsTheSameRowsAndScopesHoldCompanies(backend: HubBackend) async throws {
        try await withStore(backend) { store in
            _ = try await apply(store, try Self.firstBatch())
            _ = try await apply(store, [try Self.envelope(2, MachineSignalLost(cause: "broker-lost", at: Self.at(100)))])
            let written = try await rows(store)
            #expect(!written.hours.isEmpty)
            for table in ["kpi_machine_hours", "kpi_downtime_hours", "kpi_machine_heads"] {
                try backend.executeDirectly("DELETE FROM \(table)", on: store)
            }
            #expect(try await rows(store).hours.isEmpty)
            switch backend {
            case .sqlite: try await (store as! SQLiteHubStore).pool.write { try SQLiteKPIRollupWriter.backfill($0) }
            case .postgres:
                try await (store as! PostgresHubStore).transaction { try await PostgresKPIRollupWriter.backfill($0, logger: HubBackend.quiet) }
            }
            #expect(try await rows(store) == written)
            #expect(try await rows(store, scope: .only(["ACME"])) == written)
            #expect(try await rows(store, scope: .only(["ZETA"])) == KPIRollupSnapshot(hours: [], downtime: [], heads: []))
        }
    }
}
