import Foundation
import GantryCore
import GantryTestSupport
@testable import GantryHub
import Testing

/// The KPI query over stored rollups on both backends: elements summed up the hierarchy (never ratios averaged),
/// the last state extended to now and no further, failures classified by reason, governed readings and scopes.
@Suite struct KPIQueryContractTests {
    typealias Fixture = KPIRollupContractTests

    static let availability = KPIDefinition(
        key: "A", name: "Availability", formula: .availability, unit: "%", target: 85, higherIsBetter: true, version: 7)

    /// press: running 08:00–09:00, down (JAM) 09:00–09:30, running on; 90 good and 10 scrap at 08:30.
    /// saw: planned stop 08:00–09:30, running on; 1 good and 1 scrap at 09:45.
    static func events() throws -> [EventEnvelope] {
        [
            try Fixture.envelope(1, MachineSignalsReported(
                states: [
                    Fixture.state("press", .running, 0), Fixture.state("press", .down, 60, "JAM"), Fixture.state("press", .running, 90),
                    Fixture.state("saw", .plannedStop, 0), Fixture.state("saw", .running, 90),
                ],
                counts: [Fixture.count("press", 90, 10, 30), Fixture.count("saw", 1, 1, 105)])),
        ]
    }

    func query(_ level: KPIQuery.Level) -> KPIQuery {
        KPIQuery(
            from: Fixture.hour(0), to: Fixture.hour(2), level: level, reasons: [:],
            definitions: ["ACME": [Self.availability]], shared: [])
    }

    @Test(arguments: HubBackend.allCases) func aPlantSumsItsMachinesElements(backend: HubBackend) async throws {
        try await Fixture().withStore(backend) { store in
            _ = try await Fixture().apply(store, try Self.events())
            let snapshot = try await store.kpiRollups(scope: .only(["ACME"]), plant: "ACME-BER", from: Fixture.hour(0), to: Fixture.hour(2))
            let machines = query(.machine).report(snapshot, now: Fixture.hour(2))
            // press: APT 3600 + 1800 (09:30–10:00, its last state extended to the window's end) of PBT 7200: 0.75.
            // saw: APT 1800 of PBT 1800 (the planned stop is outside it): 1.0. The average would be 0.875.
            #expect(machines.map(\.machine) == ["press", "saw"])
            #expect(machines.map(\.elements.availability) == [0.75, 1.0])
            let plant = try #require(query(.plant).report(snapshot, now: Fixture.hour(2)).first)
            #expect(plant.company == "ACME" && plant.plant == "ACME-BER" && plant.line == nil)
            // Summed: (5400 + 1800) / (7200 + 1800) = 0.8, and quality (90 + 1) / (100 + 2), not (0.9 + 0.5) / 2.
            #expect(plant.elements.actualProductionTime == 7200 && plant.elements.plannedBusyTime == 9000)
            #expect(plant.elements.availability == 0.8)
            #expect(abs((plant.elements.qualityRatio ?? 0) - 91.0 / 102.0) < 1e-12)
            // JAM is no governed reason, so it counts as a failure: one, 30 minutes to repair.
            #expect(plant.elements.failures == 1 && plant.elements.repairTime == 1800 && plant.elements.mttrHours == 0.5)
            #expect(plant.downtime == [KPIReasonTime(reason: "JAM", failure: true, seconds: 1800, stops: 1)])
            // 80 % against a target of 85 % where higher is better: flagged, with the definition's version.
            #expect(plant.kpis.map(\.value) == [80] && plant.kpis.map(\.status) == [.offTarget] && plant.kpis.map(\.version) == [7])
            #expect(plant.waterfall == nil, "no planned rate is known, so no performance figure")
            #expect(plant.elements.unratedQuantity == Quantity(102))

            // At 09:50 the 10 minutes to come are not counted: press runs 08:00–09:00 and 09:30–09:50, saw 09:30–09:50.
            let earlier = try #require(query(.group).report(snapshot, now: Fixture.at(110)).first)
            #expect(earlier.company == nil && earlier.elements.actualProductionTime == 3600 + 1200 + 1200)

            // A JAM governed as no failure: no failures, no repair time, the same down time.
            var governed = query(.plant)
            governed.reasons = ["ACME": DowntimeReasons([.init(code: "JAM", lossClass: .availability, failure: false, description: "")])]
            let classified = try #require(governed.report(snapshot, now: Fixture.hour(2)).first)
            #expect(classified.elements.failures == 0 && classified.elements.repairTime == 0 && classified.elements.downTime == 1800)

            let other = try await store.kpiRollups(scope: .only(["BETA"]), plant: nil, from: Fixture.hour(0), to: Fixture.hour(2))
            #expect(query(.plant).report(other, now: Fixture.hour(2)).isEmpty, "another company's principal sees nothing")
        }
    }

    @Test(arguments: HubBackend.allCases) func theDrillDownListsTheRawDownStretches(backend: HubBackend) async throws {
        try await Fixture().withStore(backend) { store in
            _ = try await Fixture().apply(store, try Self.events())
            let timeline = try await store.kpiMachineTimeline(
                plant: "ACME-BER", machine: MachineID(line: "L1", machine: "press"), from: Fixture.at(45), through: Fixture.hour(2))
            let down = MachineHistory(timelines: [MachineID(line: "L1", machine: "press"): timeline], counts: [:])
                .downtime(from: Fixture.at(45), to: Fixture.hour(2), now: Fixture.hour(2), reasons: DowntimeReasons())
            #expect(down.map(\.start) == [Fixture.at(60)] && down.map(\.end) == [Fixture.at(90)] && down.map(\.reason) == ["JAM"])
        }
    }
}
