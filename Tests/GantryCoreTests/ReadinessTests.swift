import Foundation
import GantryCore
import Testing

@Suite struct ReadinessTests {
    static func supply(_ portions: [Readiness.Supply]) -> [String] { portions.map { "\($0.open)@\($0.due ?? "-")" } }

    /// ordered, received, due, confirmed quantity and day → what is expected on which day.
    @Test(arguments: [
        // 50 of a 600 line confirmed for 12-20: only 50 come then, the other 550 stay on the due date.
        (Quantity(600), Quantity.zero, "2026-12-30", Quantity(50) as Quantity?, "2026-12-20" as String?, ["50@2026-12-20", "550@2026-12-30"]),
        (Quantity(600), Quantity.zero, "2026-12-30", nil, nil, ["600@2026-12-30"]),
        (Quantity(600), Quantity.zero, "2026-12-10", Quantity(600), "2026-12-20", ["600@2026-12-20"]),
        (Quantity(600), Quantity.zero, "2026-12-10", Quantity(700), "2026-12-20", ["600@2026-12-20"]),
        // Receipts use up the confirmed part first.
        (Quantity(600), Quantity(50), "2026-12-30", Quantity(50), "2026-12-20", ["550@2026-12-30"]),
        (Quantity(600), Quantity(30), "2026-12-30", Quantity(50), "2026-12-20", ["20@2026-12-20", "550@2026-12-30"]),
        // 350 received, 50 returned: 300 net, 50 owed again.
        (Quantity(350), Quantity(300), "2026-12-30", nil, nil, ["50@2026-12-30"]),
        (Quantity(600), Quantity(620), "2026-12-30", nil, nil, []),
    ])
    func confirmationCoversOnlyItsQuantity(
        ordered: Quantity, received: Quantity, due: String, confirmed: Quantity?, confirmedDue: String?, expected: [String]
    ) {
        let line = SupplyLine(item: "X", source: "PO-1/1", ordered: ordered, received: received, due: due, confirmedDue: confirmedDue,
                              confirmedQuantity: confirmed)
        #expect(Self.supply(line.portions) == expected)
    }

    @Test func partialConfirmationDoesNotBringTheWholeLineForward() {
        let line = SupplyLine(item: "X", source: "PO-1/1", ordered: Quantity(600), received: .zero, due: "2026-12-30",
                              confirmedDue: "2026-12-20", confirmedQuantity: Quantity(50))
        let demands = [
            Readiness.Demand(workOrder: "WO-1", component: "X", needed: Quantity(40), reserved: .zero, location: "S1"),
            Readiness.Demand(workOrder: "WO-2", component: "X", needed: Quantity(560), reserved: .zero, location: "S1"),
        ]
        let result = Readiness.assess(demands, free: [:], supply: line.portions, today: "2026-12-01")
        // WO-1 takes 40 of the 50 confirmed for 12-20; WO-2 the other 10 and 550 of what is due 12-30.
        #expect(result["WO-1"]?.first?.readyBy == "2026-12-20")
        #expect(result["WO-2"]?.first?.readyBy == "2026-12-30" && result["WO-2"]?.first?.coveredBy == ["PO-1/1"])
        #expect(Readiness.atRisk(readyBy: result["WO-2"]?.first?.readyBy, plannedStartDay: "2026-12-22", machineDown: false))
    }

    /// ready by, planned start day, machine down → at risk.
    @Test(arguments: [
        ("2026-12-25" as String?, "2026-12-30", false, false),
        ("2026-12-30", "2026-12-30", false, false),
        ("2026-12-31", "2026-12-30", false, true),
        (nil, "2026-12-30", false, true),
        ("2026-12-25", "2026-12-30", true, true),
    ])
    func atRiskWhenMaterialComesAfterTheStart(readyBy: String?, start: String, machineDown: Bool, expected: Bool) {
        #expect(Readiness.atRisk(readyBy: readyBy, plannedStartDay: start, machineDown: machineDown) == expected)
    }

    @Test func stockElsewhereMustBeMovedToTheSourceLocation() {
        let free: [Readiness.Place: Quantity] = [
            .init(item: "X", location: "S1"): Quantity(4), .init(item: "X", location: "S2"): Quantity(10),
        ]
        let demands = [
            Readiness.Demand(workOrder: "WO-1", component: "X", needed: Quantity(10), reserved: .zero, location: "S1"),
            Readiness.Demand(workOrder: "WO-2", component: "X", needed: Quantity(8), reserved: .zero, location: "S2"),
        ]
        let result = Readiness.assess(demands, free: free, supply: [], today: "2026-12-01")
        let first = result["WO-1"]!.first!
        // 4 at S1 is what release reserves; 6 of S2's 10 must be moved; not ready until they are.
        #expect(first.fromStock == Quantity(4) && first.short == Quantity(6) && !first.ready)
        #expect(first.toMove == [Readiness.Transfer(from: "S2", to: "S1", quantity: Quantity(6))] && first.readyBy == "2026-12-01")
        // WO-2 finds the 4 left at S2, and nothing else.
        let second = result["WO-2"]!.first!
        #expect(second.fromStock == Quantity(4) && second.short == Quantity(4) && second.toMove.isEmpty && second.readyBy == nil)
    }

    @Test func usableStockIsWhatReleaseReserves() {
        func row(_ location: String, _ type: LocationType, held: Bool = false, expiry: String? = nil, _ quantity: Int, reserved: Int = 0) -> UsableStock.Row {
            UsableStock.Row(item: "X", location: location, locationType: type, held: held, expiry: expiry,
                            quantity: Quantity(Int64(quantity)), reserved: Quantity(Int64(reserved)))
        }
        let rows = [
            row("S1", .storage, 10, reserved: 3), row("S1", .storage, expiry: "2026-12-01", 5), row("S1", .storage, expiry: "2026-11-30", 7),
            row("S1", .storage, held: true, 9), row("Q1", .quarantine, 11), row("X1", .scrap, 13), row("R1", .receiving, 2),
            row("P1", .production, 1, reserved: 4),
        ]
        let free = UsableStock.free(rows, today: "2026-12-01")
        // S1: 10 − 3 + 5 (expires today: still usable); expired, held, quarantine and scrap rows count nothing.
        #expect(free == [.init(item: "X", location: "S1"): Quantity(12), .init(item: "X", location: "R1"): Quantity(2),
                         .init(item: "X", location: "P1"): .zero])
    }
}
