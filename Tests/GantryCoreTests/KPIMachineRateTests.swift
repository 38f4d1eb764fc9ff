import Foundation
import GantryCore
import Testing

/// The `machine-rate` master: its checks, the rate a count gets (the item's, the machine's, or none), and
/// effectiveness and OEE from rated counts, worked out by hand.
@Suite struct KPIMachineRateTests {
    static func draft(key: String, company: String? = "ACME", _ data: String) throws -> MasterDraft {
        MasterDraft(kind: .machineRate, company: company, key: key, data: try JSONValue.parse(data))
    }

    static func master(_ data: String, key: String = "ACME-BER.L1.PRESS", company: String = "ACME", active: Bool = true) throws -> MachineRateMaster {
        try #require(MachineRateMaster(MasterRecord(
            kind: .machineRate, company: company, key: key, active: active, plants: [], data: try JSONValue.parse(data), version: 1,
            updatedAt: Date(timeIntervalSince1970: 0), updatedBy: "tests")))
    }

    @Test func aValidRateNamesItsPlantAndItems() throws {
        let checked = try Self.draft(key: "ACME-BER.L1.PRESS", #"{"secondsPerUnit":"20","items":[{"item":"P1","secondsPerUnit":"12.5"}]}"#).checked().get()
        #expect(checked.references.map(\.kind) == [.plant, .item])
        #expect(checked.references.map(\.key) == ["ACME-BER", "P1"])
        #expect(MasterKind.machineRate.writePermission == .writeCatalogue && MasterKind.machineRate.requiresCompany)
        // Items alone, without a machine rate, are a rate too.
        #expect((try? Self.draft(key: "ACME-BER.L1.PRESS", #"{"items":[{"item":"P1","secondsPerUnit":"3"}]}"#).checked().get()) != nil)
    }

    @Test(arguments: [
        ("ACME-BER.L1.PRESS", "ACME", #"{}"#, "data.secondsPerUnit"),
        ("ACME-BER.L1.PRESS", "ACME", #"{"secondsPerUnit":"0"}"#, "data.secondsPerUnit"),
        ("ACME-BER.L1.PRESS", "ACME", #"{"secondsPerUnit":20}"#, "data.secondsPerUnit"),
        ("ACME-BER.L1.PRESS", "ACME", #"{"secondsPerUnit":"-1"}"#, "data.secondsPerUnit"),
        ("ACME-BER.L1.PRESS", "ACME", #"{"items":[{"item":"P1","secondsPerUnit":"2"},{"item":"P1","secondsPerUnit":"3"}]}"#, "data.items[1].item"),
        ("ACME-BER.L1.PRESS", "ACME", #"{"items":[{"item":"P1"}]}"#, "data.items[0].secondsPerUnit"),
        ("ACME-BER.L1.PRESS", "ACME", #"{"items":[{"item":"P1","secondsPerUnit":"2","colour":"red"}]}"#, "data.items[0].colour"),
        ("ACME-BER.L1.PRESS", "ACME", #"{"secondsPerUnit":"2","cycle":"3"}"#, "data.cycle"),
        ("ACME-BER.PRESS", "ACME", #"{"secondsPerUnit":"2"}"#, "key"),
        ("PRESS", "ACME", #"{"secondsPerUnit":"2"}"#, "key"),
        ("acme-ber.L1.PRESS", "ACME", #"{"secondsPerUnit":"2"}"#, "key"),
        ("BETA-HAM.L1.PRESS", "ACME", #"{"secondsPerUnit":"2"}"#, "key"),
        ("ACME-BER.L1.PRESS", "", #"{"secondsPerUnit":"2"}"#, "company"),
    ])
    func refusalsNameTheField(key: String, company: String, data: String, field: String) throws {
        guard case .failure(let invalid) = try Self.draft(key: key, company: company, data).checked() else {
            Issue.record("\(key) \(data) was accepted"); return
        }
        #expect(invalid.problems.map(\.field).contains(field), "\(invalid.problems)")
    }

    static let press = MachineID(line: "L1", machine: "PRESS")

    /// (the count's item, the master's data or none, active, the rate expected).
    @Test(arguments: [
        ("P1", #"{"secondsPerUnit":"20","items":[{"item":"P1","secondsPerUnit":"12.5"}]}"#, true, Decimal(string: "12.5")),
        ("P2", #"{"secondsPerUnit":"20","items":[{"item":"P1","secondsPerUnit":"12.5"}]}"#, true, Decimal(20)),
        (nil, #"{"secondsPerUnit":"20","items":[{"item":"P1","secondsPerUnit":"12.5"}]}"#, true, Decimal(20)),
        ("P1", #"{"items":[{"item":"P1","secondsPerUnit":"12.5"}]}"#, true, Decimal(string: "12.5")),
        (nil, #"{"items":[{"item":"P1","secondsPerUnit":"12.5"}]}"#, true, nil),
        ("P2", #"{"items":[{"item":"P1","secondsPerUnit":"12.5"}]}"#, true, nil),
        (nil, #"{"secondsPerUnit":"20"}"#, false, nil),
        (nil, nil, true, nil),
    ] as [(String?, String?, Bool, Decimal?)])
    func aCountGetsTheItemsRateElseTheMachines(item: String?, data: String?, active: Bool, expected: Decimal?) throws {
        let rates = MachineRates(try data.map { [try Self.master($0, active: active)] } ?? [], company: "ACME")
        #expect(rates.plannedSecondsPerUnit(plant: "ACME-BER", machine: Self.press, item: item) == expected)
    }

    @Test func aRateRatesOnlyItsOwnMachineOfItsOwnCompany() throws {
        let rates = MachineRates([try Self.master(#"{"secondsPerUnit":"20"}"#)], company: "ACME")
        #expect(rates.plannedSecondsPerUnit(plant: "ACME-BER", machine: MachineID(line: "L1", machine: "DRILL")) == nil)
        #expect(rates.plannedSecondsPerUnit(plant: "ACME-HAM", machine: Self.press) == nil)
        #expect(rates.plannedSecondsPerUnit(plant: "ACME-BER", machine: MachineID(line: "L2", machine: "PRESS")) == nil)
        let foreign = MachineRates([try Self.master(#"{"secondsPerUnit":"20"}"#, key: "BETA-BER.L1.PRESS", company: "BETA")], company: "ACME")
        #expect(foreign.plannedSecondsPerUnit(plant: "BETA-BER", machine: Self.press) == nil)
        #expect(MachineRateMaster.key(plant: "ACME-BER", machine: Self.press) == "ACME-BER.L1.PRESS")
    }

    /// Monday 2 March 2026, 06:00 UTC.
    static let t0 = Date(timeIntervalSince1970: 1_772_431_200)

    @Test func effectivenessAndOEEFromRatedCountsByHand() throws {
        let rates = MachineRates([try Self.master(#"{"secondsPerUnit":"20","items":[{"item":"P1","secondsPerUnit":"12.5"}]}"#)], company: "ACME")
        // 06:00–06:50 running (3 000 s), 06:50–07:00 down (600 s).
        let timeline = MachineTimeline(changes: [
            .init(at: Self.t0, state: .running), .init(at: Self.t0 + 3_000, state: .down, reason: "JAM"),
        ])
        let counts = [
            rates.rated(KPICount(at: Self.t0 + 600, good: Quantity(90), scrap: Quantity(10)), plant: "ACME-BER", machine: Self.press),
            rates.rated(KPICount(at: Self.t0 + 1_200, good: Quantity(38), scrap: Quantity(2)), plant: "ACME-BER", machine: Self.press, item: "P1"),
        ]
        let e = MachineElements.elements(timeline, counts: counts, from: Self.t0, to: Self.t0 + 3_600, now: Self.t0 + 3_600, reasons: DowntimeReasons())
        // Σ PRI × PQ = 100 × 20 + 40 × 12.5 = 2 000 + 500 = 2 500 s.
        #expect(e.plannedRunTime == 2_500 && e.unratedQuantity == .zero)
        // A = 3 000 / 3 600; E = 2 500 / 3 000; QR = 128 / 140; OEE = 2 500 × 128 / 140 / 3 600 = 320 000 / 504 000.
        #expect(abs(try #require(e.availability) - 3_000.0 / 3_600) < 1e-12)
        #expect(abs(try #require(e.effectiveness) - 2_500.0 / 3_000) < 1e-12)
        #expect(abs(try #require(e.qualityRatio) - 128.0 / 140) < 1e-12)
        #expect(abs(try #require(e.oee) - 320_000.0 / 504_000) < 1e-12)
        // Without a master the same counts stay unrated: E and OEE have no value.
        let unrated = counts.map { MachineRates.none.rated($0, plant: "ACME-BER", machine: Self.press) }
        let bare = MachineElements.elements(timeline, counts: unrated, from: Self.t0, to: Self.t0 + 3_600, now: Self.t0 + 3_600, reasons: DowntimeReasons())
        #expect(bare.unratedQuantity == Quantity(140) && bare.plannedRunTime == 0)
        #expect(bare.effectiveness == nil && bare.oee == nil && bare.availability != nil)
    }
}
