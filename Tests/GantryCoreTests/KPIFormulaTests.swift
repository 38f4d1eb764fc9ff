import Foundation
import GantryCore
import Testing

/// Every ISO 22400-2 formula against figures worked out by hand, the zero denominators, the OEE waterfall, and
/// aggregation up a hierarchy by summing elements (where averaging the ratios would give another answer).
@Suite struct KPIFormulaTests {
    /// One 8-hour shift (28 800 s) of one machine:
    /// running 6 h (21 600 s), setup 30 min (1 800 s), idle 30 min (1 800 s), down 1 h (3 600 s): PBT = 28 800 s.
    /// 330 units produced at a planned 60 s each: 300 good, 20 scrap, 10 rework; PRI × PQ = 60 × 330 = 19 800 s.
    /// Two failures, 3 000 s of repair.
    static let shift = KPIElements(
        actualProductionTime: 21_600, setupTime: 1_800, delayTime: 1_800, downTime: 3_600, plannedStopTime: 900,
        unknownTime: 600, plannedRunTime: 19_800, good: Quantity(300), scrap: Quantity(20), rework: Quantity(10),
        failures: 2, repairTime: 3_000)

    static let expected: [(KPIFormula, Double)] = [
        (.availability, 0.75),  // 21 600 / 28 800; planned stop and unknown time are outside PBT
        (.effectiveness, 11.0 / 12),  // 19 800 / 21 600
        (.qualityRatio, 10.0 / 11),  // 300 / 330
        (.oee, 0.625),  // 0.75 × 11/12 × 10/11 = 0.75 × 10/12
        (.scrapRatio, 2.0 / 33),  // 20 / 330
        (.reworkRatio, 1.0 / 33),  // 10 / 330
        (.setupRatio, 1.0 / 13),  // 1 800 / (21 600 + 1 800) = 1 800 / 23 400
        (.technicalEfficiency, 12.0 / 13),  // 21 600 / (21 600 + 1 800)
        (.mtbf, 3),  // 21 600 s / 2 failures = 10 800 s = 3 h
        (.mttr, 5.0 / 12),  // 3 000 s / 2 = 1 500 s = 25 min = 5/12 h
    ]

    /// The machines' formulas; a plant's operations formulas have no value over machine elements.
    static let machineFormulas = KPIFormula.allCases.filter(\.isMachineFormula)

    @Test func everyFormulaHasACase() {
        #expect(Set(Self.expected.map(\.0)) == Set(Self.machineFormulas))
        #expect(KPIFormula.allCases.filter { !$0.isMachineFormula }.allSatisfy { Self.shift.value($0) == nil })
    }

    @Test(arguments: expected)
    func formulaMatchesTheHandFigure(_ formula: KPIFormula, _ figure: Double) throws {
        let value = try #require(Self.shift.value(formula))
        #expect(abs(value - figure) < 1e-12, "\(formula.rawValue): \(value) ≠ \(figure)")
    }

    @Test func derivedElements() {
        #expect(Self.shift.plannedBusyTime == 28_800)
        #expect(Self.shift.produced == Quantity(330))
        #expect(Self.shift.elapsedTime == 28_800 + 900 + 600)
    }

    /// Each row: elements whose denominators are zero, and the formulas that must then have no value.
    static let empty: [(String, KPIElements, [KPIFormula])] = [
        ("nothing at all", .zero, machineFormulas),
        // Only planned stop and unknown time: PBT is zero, so no availability, not 0 %.
        ("a planned stop", KPIElements(plannedStopTime: 3_600, unknownTime: 60), machineFormulas),
        // Down the whole hour: A = 0 / 3 600 = 0 has a value; E has no APT to divide by, so neither has OEE.
        ("down all hour", KPIElements(downTime: 3_600, failures: 1, repairTime: 3_600),
         [.effectiveness, .oee, .qualityRatio, .scrapRatio, .reworkRatio, .setupRatio, .technicalEfficiency]),
        // Running, nothing counted: no quality ratio, so no OEE, though A and E are 1 and 0.
        ("running, no count", KPIElements(actualProductionTime: 3_600),
         [.qualityRatio, .oee, .scrapRatio, .reworkRatio, .mtbf, .mttr]),
        // 10 units without a planned rate: E and OEE have no value rather than a wrong one.
        ("unrated units", KPIElements(actualProductionTime: 3_600, plannedRunTime: 600, good: Quantity(20), unratedQuantity: Quantity(10)),
         [.effectiveness, .oee, .mtbf, .mttr]),
    ]

    @Test(arguments: empty)
    func aZeroDenominatorHasNoValue(_ name: String, _ elements: KPIElements, _ none: [KPIFormula]) {
        for formula in Self.machineFormulas {
            #expect((elements.value(formula) == nil) == none.contains(formula), "\(name): \(formula.rawValue)")
        }
    }

    @Test func downAllHourIsZeroAvailabilityNotNone() {
        #expect(KPIElements(downTime: 3_600).availability == 0)
        #expect(KPIElements(actualProductionTime: 3_600).effectiveness == 0)
    }

    /// PBT 28 800 s; availability loss 28 800 − 21 600 = 7 200; performance loss 21 600 − 19 800 = 1 800;
    /// quality loss 19 800 × (1 − 10/11) = 1 800; fully productive 19 800 × 10/11 = 18 000 = 0.625 × 28 800 (OEE).
    @Test func waterfallEndsAtOEE() throws {
        let waterfall = try #require(OEEWaterfall(Self.shift))
        #expect(waterfall.plannedBusyTime == 28_800)
        #expect(waterfall.availabilityLoss == 7_200)
        #expect(waterfall.performanceLoss == 1_800)
        #expect(abs(waterfall.qualityLoss - 1_800) < 1e-9)
        #expect(abs(waterfall.fullyProductiveTime - 18_000) < 1e-9)
        let oee = try #require(Self.shift.oee)
        #expect(abs(waterfall.fullyProductiveTime / waterfall.plannedBusyTime - oee) < 1e-12)
        #expect(OEEWaterfall(.zero) == nil, "no planned busy time")
        #expect(OEEWaterfall(KPIElements(actualProductionTime: 60, unratedQuantity: Quantity(1))) == nil, "an unrated unit")
    }

    // M1: 10 h planned, 9 h running, 1 h down; 3 000 good at a planned 10 s: PRI × PQ = 30 000 s.
    //     A = 0.9, E = 30 000 / 32 400, QR = 1, OEE = 30 000 / 36 000 = 0.8333…
    // M2: 1 h planned, 30 min running, 30 min down; 150 made at 10 s (1 500 s), 120 good, 30 scrap.
    //     A = 0.5, E = 1 500 / 1 800, QR = 0.8, OEE = 1 500 / 3 600 × 0.8 = 0.3333…
    // M3 (another line): 2 h planned and running, 600 good at 12 s (7 200 s): A = E = QR = 1.
    static let m1 = KPIElements(actualProductionTime: 32_400, downTime: 3_600, plannedRunTime: 30_000, good: Quantity(3_000))
    static let m2 = KPIElements(actualProductionTime: 1_800, downTime: 1_800, plannedRunTime: 1_500, good: Quantity(120), scrap: Quantity(30))
    static let m3 = KPIElements(actualProductionTime: 7_200, plannedRunTime: 7_200, good: Quantity(600))

    @Test func aggregationSumsElementsThenDivides() throws {
        let line1 = [Self.m1, Self.m2].sum()
        // L1: PBT 36 000 + 3 600 = 39 600; APT 32 400 + 1 800 = 34 200; PRI × PQ 31 500; PQ 3 150; GQ 3 120.
        #expect(line1.plannedBusyTime == 39_600 && line1.actualProductionTime == 34_200 && line1.plannedRunTime == 31_500)
        let availability = try #require(line1.availability)
        #expect(abs(availability - 34_200.0 / 39_600) < 1e-12)  // 19/22 = 0.8636…
        #expect(abs(availability - (0.9 + 0.5) / 2) > 0.1, "not the average of 0.9 and 0.5 (0.7)")
        // OEE = 31 500 / 39 600 × 3 120 / 3 150 = 31 200 / 39 600 = 26/33 = 0.7878…, not (0.8333 + 0.3333) / 2.
        let oee = try #require(line1.oee)
        #expect(abs(oee - 26.0 / 33) < 1e-12)
        #expect(abs(oee - (30_000.0 / 36_000 + 1.0 / 3) / 2) > 0.1)

        // Plant = L1 + L2 = the three machines in any grouping:
        // PBT 46 800, APT 41 400, PRI × PQ 38 700, PQ 3 750, GQ 3 720.
        let plant = [line1, Self.m3].sum()
        #expect(plant == [Self.m3, Self.m2, Self.m1].sum())
        let plantAvailability = try #require(plant.availability)
        #expect(abs(plantAvailability - 41_400.0 / 46_800) < 1e-12)  // 23/26 = 0.8846…
        #expect(abs(plantAvailability - (34_200.0 / 39_600 + 1) / 2) > 0.04, "not the average of the lines' 0.8636 and 1")
        let plantOEE = try #require(plant.oee)
        #expect(abs(plantOEE - (38_700.0 / 46_800) * (3_720.0 / 3_750)) < 1e-12)  // 0.8203…
    }

    @Test func theSumOfNothingIsZero() {
        #expect([KPIElements]().sum() == .zero)
        var total = Self.m1
        total += .zero
        #expect(total == Self.m1 && Self.m1 + Self.m2 == [Self.m1, Self.m2].sum())
    }

    @Test func plannedRunTimeComesFromTheRouting() throws {
        // 0.75 run minutes per unit = 45 s; 8 units = 360 s, exactly.
        let operation = RoutingOperation(sequence: 10, workCentre: "WC1", setupMinutes: Quantity(5), runMinutesPerUnit: try #require(Quantity(text: "0.75")))
        #expect(KPICount.plannedSeconds(of: operation) == 45)
    }
}
