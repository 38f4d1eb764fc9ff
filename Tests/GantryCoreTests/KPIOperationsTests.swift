import Foundation
import GantryCore
import Testing

/// Buyers', planners' and plant managers' figures from plant facts: each fact's additions, sums across plants,
/// and the ratios over the sums (never the average of two plants' ratios).
@Suite struct KPIOperationsTests {
    static let planned = Date(timeIntervalSince1970: 1_780_000_000)

    static func completed(finishedAfterPlan seconds: TimeInterval, planned: Int, good: Int) -> WorkOrderCompleted {
        WorkOrderCompleted(
            workOrder: "WO-1", item: "BRKT", plannedQuantity: Quantity(Int64(planned)), good: Quantity(Int64(good)),
            scrap: .zero, rework: .zero, plannedStart: Self.planned.addingTimeInterval(-3600), plannedFinish: Self.planned,
            actualStart: Self.planned.addingTimeInterval(-3600), actualFinish: Self.planned.addingTimeInterval(seconds))
    }

    struct Completion: Sendable, CustomTestStringConvertible {
        var name: String
        var late: TimeInterval
        var good: Int
        var onTime: Int64
        var inFull: Int64
        var both: Int64
        var testDescription: String { name }
    }

    @Test(arguments: [
        Completion(name: "on time and in full", late: 0, good: 100, onTime: 1, inFull: 1, both: 1),
        Completion(name: "early, more than planned", late: -60, good: 120, onTime: 1, inFull: 1, both: 1),
        Completion(name: "a second late", late: 1, good: 100, onTime: 0, inFull: 1, both: 0),
        Completion(name: "on time, one short", late: 0, good: 99, onTime: 1, inFull: 0, both: 0),
        Completion(name: "late and short", late: 3600, good: 50, onTime: 0, inFull: 0, both: 0),
    ])
    func aCompletedWorkOrderCountsByItsPlannedFinishAndQuantity(_ c: Completion) {
        let fact = OperationsFact(Self.completed(finishedAfterPlan: c.late, planned: 100, good: c.good))
        #expect(fact.at == Self.planned.addingTimeInterval(c.late))
        #expect(fact.adds[.workOrdersCompleted] == 1)
        #expect(fact.adds[.workOrdersOnTime] == c.onTime)
        #expect(fact.adds[.workOrdersInFull] == c.inFull)
        #expect(fact.adds[.workOrdersOnTimeInFull] == c.both)
    }

    @Test func aCountAddsItsLinesAndTheExactOnesNeverMoreThanItsLines() {
        let lines = [
            CountLine(item: "A", lot: nil, serial: nil, expected: Quantity(5), counted: Quantity(5)),
            CountLine(item: "B", lot: nil, serial: nil, expected: Quantity(5), counted: Quantity(4)),
            CountLine(item: "C", lot: nil, serial: nil, expected: Quantity(2), counted: Quantity(2)),
        ]
        let at = Self.planned
        let fact = OperationsFact(StockCounted(countId: UUID(), location: "A1", lines: lines, exactLines: 2), at: at)
        #expect(fact.adds == [.countLines: 3, .countLinesExact: 2])
        let claimed = OperationsFact(StockCounted(countId: UUID(), location: "A1", lines: lines, exactLines: 9), at: at)
        #expect(claimed.adds[.countLinesExact] == 3)
    }

    @Test func onlyCorrectiveMaintenanceInterrupts() {
        func request(_ kind: String) -> MaintenanceRequested {
            MaintenanceRequested(
                requestId: UUID(), line: "L1", machine: "M1", kind: kind, trigger: .failureReason, reason: "E-STOP",
                planId: nil, at: Self.planned)
        }
        #expect(OperationsFact(request("corrective"))?.adds == [.maintenanceInterruptions: 1])
        #expect(OperationsFact(request("preventive")) == nil)
    }

    /// Plant 1 completes 4 work orders, 3 on time; plant 2 completes 1, late. Summed: 3 / 5 = 0.6, while the
    /// average of the plants' ratios would be (0.75 + 0) / 2 = 0.375.
    @Test func plantsAddTheirCountsAndTheRatioIsOfTheSums() {
        var first = OperationsFact.sum([
            OperationsFact(Self.completed(finishedAfterPlan: 0, planned: 10, good: 10)),
            OperationsFact(Self.completed(finishedAfterPlan: -5, planned: 10, good: 9)),
            OperationsFact(Self.completed(finishedAfterPlan: 0, planned: 10, good: 12)),
            OperationsFact(Self.completed(finishedAfterPlan: 30, planned: 10, good: 10)),
        ])
        #expect(first.scheduleAdherence == 0.75)
        #expect(first.orderCompletionReliability == 0.5)
        let second = OperationsFact.sum([OperationsFact(Self.completed(finishedAfterPlan: 30, planned: 10, good: 10))])
        #expect(second.scheduleAdherence == 0)
        first += second
        #expect(first.workOrdersCompleted == 5)
        #expect(first.scheduleAdherence == 0.6)
        #expect(first.orderCompletionReliability == 0.4)
    }

    @Test func ratiosOverNothingHaveNoValueAndCountsAreZero() {
        let none = OperationsElements.zero
        for formula in [KPIFormula.supplierConfirmationRate, .scheduleAdherence, .orderCompletionReliability, .cycleCountAccuracy] {
            #expect(none.value(formula) == nil)
        }
        #expect(none.value(.overduePurchaseLines) == 0)
        #expect(none.value(.maintenanceInterruptions) == 0)
        #expect(none.value(.oee) == nil)
        #expect(KPIElements.zero.value(.scheduleAdherence) == nil)
    }

    struct Governed: Sendable, CustomTestStringConvertible {
        var formula: KPIFormula
        var unit: String
        var target: Decimal
        var higherIsBetter: Bool
        var value: Double
        var status: KPIReading.Status
        var testDescription: String { "\(formula.rawValue) \(unit) against \(target)" }
    }

    /// 8 open lines, 6 confirmed, 3 overdue; 5 work orders, 3 on time, 2 on time in full; 40 count lines, 38 exact;
    /// 2 corrective requests.
    static let plant = OperationsElements(
        workOrdersCompleted: 5, workOrdersOnTime: 3, workOrdersInFull: 4, workOrdersOnTimeInFull: 2, countLines: 40,
        countLinesExact: 38, maintenanceInterruptions: 2, purchaseLinesOpen: 8, purchaseLinesConfirmed: 6,
        purchaseLinesOverdue: 3)

    @Test(arguments: [
        Governed(formula: .supplierConfirmationRate, unit: "%", target: 90, higherIsBetter: true, value: 75, status: .offTarget),
        Governed(formula: .overduePurchaseLines, unit: "%", target: 5, higherIsBetter: false, value: 3, status: .onTarget),
        Governed(formula: .scheduleAdherence, unit: "%", target: 60, higherIsBetter: true, value: 60, status: .onTarget),
        Governed(formula: .orderCompletionReliability, unit: "ratio", target: Decimal(string: "0.5")!, higherIsBetter: true, value: 0.4, status: .offTarget),
        Governed(formula: .cycleCountAccuracy, unit: "%", target: 95, higherIsBetter: true, value: 95, status: .onTarget),
        Governed(formula: .maintenanceInterruptions, unit: "requests", target: 1, higherIsBetter: false, value: 2, status: .offTarget),
    ])
    func aGovernedOperationsKPIReadsInItsUnitAgainstItsTarget(_ g: Governed) throws {
        let definition = KPIDefinition(
            key: g.formula.rawValue, name: g.formula.rawValue, formula: g.formula, unit: g.unit, target: g.target,
            higherIsBetter: g.higherIsBetter, version: 7)
        let reading = definition.reading(Self.plant)
        #expect(try abs(#require(reading.value) - g.value) < 1e-9)
        #expect(reading.status == g.status)
        #expect(reading.version == 7)
        #expect(!g.formula.isMachineFormula)
        #expect(definition.reading(KPIElements.zero).value == nil)
    }
}
