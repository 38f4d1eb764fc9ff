import Foundation
import GantryCore
import GantryTestSupport
@testable import GantryHub
import Testing

/// A governed `machine-rate` at the hub, on both backends: the rollup writers rate a machine's counts with the
/// master the hub holds when they roll them up, so effectiveness, OEE and the waterfall get values; a machine
/// without a rate stays unrated. Every figure is worked out by hand from the events.
@Suite struct KPIRateContractTests {
    typealias Fixture = KPIRollupContractTests

    func commit(_ store: any HubStore, _ records: [String]) async throws {
        let changes = try MasterChangeSet.read(Data(#"{"records":[\#(records.joined(separator: ","))]}"#.utf8))
        _ = try await MasterService(store: store).commit(changes.records, by: .local(), summary: "rates")
    }

    static func rate(_ seconds: String) -> String {
        #"{"kind":"machine-rate","company":"ACME","key":"ACME-BER.L1.press","data":{"secondsPerUnit":"\#(seconds)"}}"#
    }

    func query(_ level: KPIQuery.Level) -> KPIQuery {
        KPIQuery(from: Fixture.hour(0), to: Fixture.hour(2), level: level, reasons: [:], definitions: [:], shared: [])
    }

    /// The press rated 30 s a unit; the saw not rated. Events as in `KPIQueryContractTests`: press running
    /// 08:00–09:00, down 09:00–09:30, running on, 90 good and 10 scrap at 08:30; saw on planned stop until 09:30,
    /// running on, 1 good and 1 scrap at 09:45.
    @Test(arguments: HubBackend.allCases) func aRatedMachineHasEffectivenessAndOEE(backend: HubBackend) async throws {
        try await Fixture().withStore(backend) { store in
            try await commit(store, [
                #"{"kind":"company","key":"ACME","data":{"legalName":"Acme GmbH","currency":"EUR"}}"#,
                #"{"kind":"plant","key":"ACME-BER","data":{"name":"Berlin","timeZone":"Europe/Berlin"}}"#,
                Self.rate("30"),
            ])
            _ = try await Fixture().apply(store, try KPIQueryContractTests.events())
            let snapshot = try await store.kpiRollups(scope: .only(["ACME"]), plant: "ACME-BER", from: Fixture.hour(0), to: Fixture.hour(2))
            let machines = query(.machine).report(snapshot, now: Fixture.hour(2))
            #expect(machines.map(\.machine) == ["press", "saw"])
            let press = machines[0].elements, saw = machines[1].elements
            // press: Σ PRI × PQ = 100 × 30 = 3 000 s over APT 3 600 + 1 800 = 5 400 s: E = 5/9.
            // A = 5 400 / 7 200 = 0.75, QR = 90 / 100 = 0.9: OEE = 0.75 × 5/9 × 0.9 = 3 000 × 0.9 / 7 200 = 0.375.
            #expect(press.plannedRunTime == 3_000 && press.unratedQuantity == .zero)
            #expect(abs(try #require(press.effectiveness) - 3_000.0 / 5_400) < 1e-12)
            #expect(abs(try #require(press.oee) - 0.375) < 1e-12)
            // The waterfall: 7 200 s, less 1 800 down, less 2 400 slower than planned, less 300 on scrap: 2 700 s.
            let waterfall = try #require(OEEWaterfall(press))
            #expect(waterfall.availabilityLoss == 1_800 && waterfall.performanceLoss == 2_400)
            #expect(abs(waterfall.qualityLoss - 300) < 1e-9 && abs(waterfall.fullyProductiveTime - 2_700) < 1e-9)
            // saw: no rate, its 2 units unrated: no E, no OEE, and none for the plant that holds them either.
            #expect(saw.unratedQuantity == Quantity(2) && saw.plannedRunTime == 0 && saw.effectiveness == nil && saw.oee == nil)
            let plant = try #require(query(.plant).report(snapshot, now: Fixture.hour(2)).first)
            #expect(plant.elements.plannedRunTime == 3_000 && plant.elements.unratedQuantity == Quantity(2) && plant.elements.oee == nil)
        }
    }

    /// A changed rate rates the counts rolled up from then on: the hours a roll-up redoes (from the hour of the
    /// machine's newest fact before it) take the rate in force; the hours before keep the rate they were rolled up at.
    @Test(arguments: HubBackend.allCases) func aChangedRateRatesTheNextCounts(backend: HubBackend) async throws {
        try await Fixture().withStore(backend) { store in
            _ = try await Fixture().apply(store, try KPIQueryContractTests.events())
            let unrated = try await store.kpiRollups(scope: .all, plant: nil, from: Fixture.hour(0), to: Fixture.hour(3))
            #expect(unrated.hours.filter { $0.machine.machine == "press" }.map(\.elements.unratedQuantity) == [Quantity(100), .zero])

            try await commit(store, [
                #"{"kind":"company","key":"ACME","data":{"legalName":"Acme GmbH","currency":"EUR"}}"#,
                #"{"kind":"plant","key":"ACME-BER","data":{"name":"Berlin","timeZone":"Europe/Berlin"}}"#,
                Self.rate("30"),
            ])
            // 20 good at 10:10: the press's rollup from 09:00 (its newest fact, 09:30) through 10:10 is redone at 30 s.
            _ = try await Fixture().apply(store, [try Fixture.envelope(2, MachineSignalsReported(states: [], counts: [Fixture.count("press", 20, 0, 130)]))])
            let first = try await store.kpiRollups(scope: .all, plant: nil, from: Fixture.hour(0), to: Fixture.hour(3))
            #expect(first.hours.filter { $0.machine.machine == "press" }.map(\.elements.plannedRunTime) == [0, 0, 600], "20 × 30 s")
            try await commit(store, [Self.rate("45")])
            // 10 good at 10:20, rolled up at 45 s: the press's rollup from the hour of its newest fact (10:10) is redone,
            // so the hour 10:00 holds 20 + 10 units × 45 s = 1 350 s.
            _ = try await Fixture().apply(store, [try Fixture.envelope(3, MachineSignalsReported(states: [], counts: [Fixture.count("press", 10, 0, 140)]))])
            let rows = try await store.kpiRollups(scope: .all, plant: nil, from: Fixture.hour(0), to: Fixture.hour(3))
            let press = rows.hours.filter { $0.machine.machine == "press" }
            #expect(press.map(\.hour) == [Fixture.hour(0), Fixture.hour(1), Fixture.hour(2)])
            // 08:00 was rolled up before any rate: its 100 units stay unrated. 09:00 holds no count.
            #expect(press.map(\.elements.unratedQuantity) == [Quantity(100), .zero, .zero])
            #expect(press.map(\.elements.plannedRunTime) == [0, 0, 1_350])

            // A retired rate rates nothing: the next count's hour is unrated again (30 + 5 units).
            try await commit(store, [#"{"kind":"machine-rate","company":"ACME","key":"ACME-BER.L1.press","active":false,"data":{"secondsPerUnit":"45"}}"#])
            _ = try await Fixture().apply(store, [try Fixture.envelope(4, MachineSignalsReported(states: [], counts: [Fixture.count("press", 5, 0, 150)]))])
            let retired = try await store.kpiRollups(scope: .all, plant: nil, from: Fixture.hour(0), to: Fixture.hour(3))
            #expect(retired.hours.filter { $0.machine.machine == "press" }.last?.elements.unratedQuantity == Quantity(35))
        }
    }
}
