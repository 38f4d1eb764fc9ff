import Foundation
@testable import GantryCore
import Testing

/// A work order through WIP: issues in at cost, output out at standard, the close absorbing conversion, booking the
/// material usage variance and the rest as production variance; every figure worked out by hand.
@Suite struct PostingProductionTests {
    typealias B = Books
    static let workOrder = PlantWorkOrder(plant: "P1", workOrder: "WO-1")

    /// DE01 (EUR, standard): RM 3.00, FG 15.00. BOM: 2 RM per FG with 5 % scrap. Routing: one operation on CNC, 30
    /// minutes setup and 6 per unit; CNC costs 40.00 labour and 20.00 overhead an hour.
    static func snapshot(bom: Bool = true, routing: Bool = true) -> PostingSnapshot {
        var snapshot = B.snapshot()
        snapshot.itemCosts[CompanyItem(company: "DE01", item: "RM")] = B.cost("3.00")
        snapshot.itemCosts[CompanyItem(company: "DE01", item: "FG")] = B.cost("15.00")
        snapshot.positions[ValuationKey(company: "DE01", plant: "P1", item: "RM")] = StockPosition(quantity: 100_000_000, value: 30_000)
        if bom {
            snapshot.billsOfMaterials[PlantItem(plant: "P1", item: "FG")] = BOMDefined(
                item: "FG", lines: [.init(component: "RM", quantity: B.quantity("2"), scrapPercent: B.quantity("5"))])
        }
        if routing {
            snapshot.routings[PlantItem(plant: "P1", item: "FG")] = RoutingDefined(item: "FG", operations: [
                RoutingOperation(sequence: 10, workCentre: "CNC", setupMinutes: B.quantity("30"), runMinutesPerUnit: B.quantity("6")),
                RoutingOperation(sequence: 20, workCentre: "PACK", setupMinutes: B.quantity("10"), runMinutesPerUnit: B.quantity("1")),
            ])
        }
        snapshot.workCentreRates["P1.CNC"] = WorkCentreRateMaster(labourPerHour: B.money("40.00"), overheadPerHour: B.money("20.00"))
        return snapshot
    }

    static func completed(good: String = "10") -> PostingSource.Event {
        let start = Date(timeIntervalSince1970: 1_796_000_000)
        return .workOrderCompleted(WorkOrderCompleted(
            workOrder: "WO-1", item: "FG", plannedQuantity: B.quantity("10"), good: B.quantity(good), scrap: .zero, rework: .zero,
            plannedStart: start, plannedFinish: start, actualStart: start, actualFinish: start))
    }

    static let run = [
        B.source(B.move(.issue, "RM", "22", from: "A1", reference: B.workOrder()), id: 1),   // 22 × 3.00 = 66.00 into WIP
        B.source(B.move(.output, "FG", "10", to: "A2", reference: B.workOrder()), id: 2),   // 10 × 15.00 = 150.00 out of WIP
        B.source(completed(), id: 3),
    ]

    /// WIP: 66.00 − 150.00 + conversion (30 + 6 × 10) / 60 = 1.5 h × 60.00 = 90.00 − usage (22 − 2 × 1.05 × 10 = 1 RM
    /// over) × 3.00 = 3.00 → 3.00 left, the production variance. PACK has no rate and absorbs nothing.
    @Test func aWorkOrderClosesAtExactlyZero() {
        let outcome = PostingEngine.post(Self.run, snapshot: Self.snapshot())
        #expect(outcome.held.isEmpty && outcome.allBalanced)
        #expect(outcome.entries.map(\.kind) == [.issueToProduction, .productionOutput, .conversionAbsorption, .materialUsageVariance, .productionVariance])
        #expect(outcome.entries[0].functional == ["wip": 6_600, "inventory": -6_600])
        #expect(outcome.entries[1].functional == ["finished": 15_000, "wip": -15_000])
        #expect(outcome.entries[2].functional == ["wip": 9_000, "absorbed": -9_000])
        #expect(outcome.entries[3].functional == ["usage": 300, "wip": -300])
        #expect(outcome.entries[4].functional == ["production-variance": 300, "wip": -300])
        #expect(outcome.entries.map(\.source.part) == [0, 0, 0, 1, 2])
        let wip = outcome.entries.reduce(Int64(0)) { $0 + ($1.functional["wip"] ?? 0) }
        #expect(wip == 0)
        #expect(outcome.workInProgress[Self.workOrder] == WorkInProgress(company: "DE01", value: 0, issued: ["RM": 22_000_000], closed: true))
        #expect(outcome.positions[ValuationKey(company: "DE01", plant: "P1", item: "RM")] == StockPosition(quantity: 78_000_000, value: 23_400))
        #expect(outcome.positions[ValuationKey(company: "DE01", plant: "P1", item: "FG")] == StockPosition(quantity: 10_000_000, value: 15_000))
    }

    /// Without a bill of materials and a routing the whole remainder is production variance: 66.00 − 150.00 = −84.00
    /// (favourable, a credit). Without a BOM but with the routing: 66.00 + 90.00 − 150.00 = 6.00.
    @Test(arguments: [(false, false, Int64(-8_400)), (false, true, 600), (true, false, -8_700)])
    func theRemainderIsProductionVariance(bom: Bool, routing: Bool, variance: Int64) {
        let outcome = PostingEngine.post(Self.run, snapshot: Self.snapshot(bom: bom, routing: routing))
        #expect(outcome.held.isEmpty && outcome.allBalanced)
        #expect(outcome.entries(.productionVariance).first?.functional["production-variance"] == variance)
        #expect(outcome.workInProgress[Self.workOrder]?.value == 0 && outcome.workInProgress[Self.workOrder]?.closed == true)
    }

    /// A closed work order's completion, sent again, posts nothing more.
    @Test func aClosedWorkOrderPostsNothingMore() {
        var snapshot = Self.snapshot()
        snapshot.workInProgress[Self.workOrder] = WorkInProgress(company: "DE01", value: 0, issued: ["RM": 22_000_000], closed: true)
        let outcome = PostingEngine.post([B.source(Self.completed(), id: 3)], snapshot: snapshot)
        #expect(outcome.entries.isEmpty && outcome.held.isEmpty && outcome.workInProgress.isEmpty)
    }

    /// An issue after the close (2 RM at 3.00 = 6.00) goes through WIP straight to production variance: WIP stays 0.
    @Test func aLateIssueGoesToProductionVariance() {
        var snapshot = Self.snapshot()
        snapshot.workInProgress[Self.workOrder] = WorkInProgress(company: "DE01", value: 0, issued: ["RM": 22_000_000], closed: true)
        let outcome = PostingEngine.post([B.source(B.move(.issue, "RM", "2", from: "A1", reference: B.workOrder()), id: 4)], snapshot: snapshot)
        #expect(outcome.entries.map(\.kind) == [.issueToProduction, .productionVariance])
        #expect(outcome.entries.map { $0.functional["wip"] } == [600, -600])
        #expect(outcome.workInProgress[Self.workOrder] == WorkInProgress(company: "DE01", value: 0, issued: ["RM": 24_000_000], closed: true))
    }

    /// Moving average (PL01): issues leave at the average, output enters at the item-cost master's standard.
    @Test func movingAverageIssuesAtTheAverageAndOutputsAtStandard() {
        var snapshot = B.snapshot()
        snapshot.positions[ValuationKey(company: "PL01", plant: "P1", item: "RM")] = StockPosition(quantity: 3_000_000, value: 1_000)
        snapshot.itemCosts[CompanyItem(company: "PL01", item: "FG")] = B.cost("20.00", .PLN)
        let outcome = PostingEngine.post([
            // 1 of 3 worth 10.00: 3.333… → 3.33.
            B.source(B.move(.issue, "RM", "1", from: "A1", reference: B.workOrder()), company: "PL01", id: 1),
            B.source(B.move(.output, "FG", "1", to: "A2", reference: B.workOrder()), company: "PL01", id: 2),
        ], snapshot: snapshot)
        #expect(outcome.entries.map { $0.functional["wip"] } == [333, -2_000])
        #expect(outcome.workInProgress[Self.workOrder]?.value == -1_667)
        #expect(outcome.positions[ValuationKey(company: "PL01", plant: "P1", item: "RM")] == StockPosition(quantity: 2_000_000, value: 667))
    }
}
