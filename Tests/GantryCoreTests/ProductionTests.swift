import Foundation
import GantryCore
import Testing

@Suite struct SchedulingTests {
    static func date(_ text: String) -> Date { Timestamp.parse(text)! }

    @Test func workSpreadsOverShiftsAndSkipsNonWorkingDays() {
        // Monday to Friday, 06:00–14:00 UTC.
        let calendar = WorkCalendar(days: [1, 2, 3, 4, 5], shiftStart: 360, shiftEnd: 840, timeZone: "UTC")
        // Friday 2026-11-27 12:00: two hours today, the remaining four on Monday from 06:00.
        let (start, finish) = calendar.finish(startingAt: Self.date("2026-11-27T12:00:00Z"), seconds: 6 * 3600)
        #expect(start == Self.date("2026-11-27T12:00:00Z"))
        #expect(finish == Self.date("2026-11-30T10:00:00Z"))
        // Asked at night, work starts at the next shift.
        #expect(calendar.finish(startingAt: Self.date("2026-11-26T20:00:00Z"), seconds: 60).start == Self.date("2026-11-27T06:00:00Z"))
    }

    @Test func aWorkCentreRunsOneOperationAtATimeAndOperationsFollowEachOther() {
        let calendars = ["A": WorkCalendar(days: Set(1...7), shiftStart: 0, shiftEnd: 1440, timeZone: "UTC"),
                         "B": WorkCalendar(days: Set(1...7), shiftStart: 0, shiftEnd: 1440, timeZone: "UTC")]
        let routing = [RoutingOperation(sequence: 20, workCentre: "B", setupMinutes: .zero, runMinutesPerUnit: Quantity(1)),
                       RoutingOperation(sequence: 10, workCentre: "A", setupMinutes: Quantity(30), runMinutesPerUnit: Quantity(3))]
        var busy: [String: Date] = ["A": Self.date("2026-11-27T09:00:00Z")]
        let slots = Scheduler.schedule(routing, quantity: Quantity(10), earliest: Self.date("2026-11-27T08:00:00Z"), calendars: calendars, busyUntil: &busy)
        #expect(slots.map(\.sequence) == [10, 20])
        #expect(slots[0].start == Self.date("2026-11-27T09:00:00Z") && slots[0].finish == Self.date("2026-11-27T10:00:00Z"), "after what A had booked")
        #expect(slots[1].start == slots[0].finish && slots[1].finish == Self.date("2026-11-27T10:10:00Z"))
        #expect(busy["B"] == slots[1].finish)
    }

    @Test func aCalendarWithoutWorkingTimeIsRefused() {
        #expect(throws: ProductionRefusal.self) { try WorkCalendar(days: [], timeZone: "UTC").validated() }
        #expect(throws: ProductionRefusal.self) { try WorkCalendar(shiftStart: 600, shiftEnd: 600).validated() }
        #expect(throws: ProductionRefusal.self) { try WorkCalendar(timeZone: "Nowhere/City").validated() }
    }
}

@Suite struct BOMAndReadinessTests {
    @Test func explosionMultipliesLevelsWithScrapRoundedUp() throws {
        let boms = [
            "CAR": BOMDefined(item: "CAR", lines: [.init(component: "WHEEL", quantity: Quantity(4)), .init(component: "BODY", quantity: Quantity(1))]),
            "WHEEL": BOMDefined(item: "WHEEL", lines: [.init(component: "BOLT", quantity: Quantity(5), scrapPercent: Quantity(text: "3.3")!)]),
        ]
        let requirements = try BOMExplosion.explode("CAR", quantity: Quantity(3), boms: boms)
        #expect(requirements.map { "\($0.level) \($0.component) \($0.quantity)" } == ["1 WHEEL 12", "2 BOLT 61.98", "1 BODY 3"])
        var looping = boms
        looping["BOLT"] = BOMDefined(item: "BOLT", lines: [.init(component: "CAR", quantity: Quantity(1))])
        #expect(throws: ProductionRefusal.self) { try BOMExplosion.explode("CAR", quantity: Quantity(1), boms: looping) }
    }

    @Test func earlierOrdersTakeStockAndSupplyFirst() {
        let demands = [
            Readiness.Demand(workOrder: "WO-1", component: "X", needed: Quantity(10), reserved: .zero),
            Readiness.Demand(workOrder: "WO-2", component: "X", needed: Quantity(10), reserved: Quantity(4)),
            Readiness.Demand(workOrder: "WO-3", component: "X", needed: Quantity(10), reserved: .zero),
        ]
        let supply = [Readiness.Supply(item: "X", source: "PO-2/1", due: "2030-05-01", open: Quantity(5)),
                      Readiness.Supply(item: "X", source: "PO-1/1", due: "2030-04-01", open: Quantity(4))]
        let result = Readiness.assess(demands, free: [Readiness.Place(item: "X", location: "S1"): Quantity(12)], supply: supply, today: "2030-01-01")
        #expect(result["WO-1"]?.first?.ready == true && result["WO-1"]?.first?.readyBy == "2030-01-01")
        let second = result["WO-2"]!.first!
        #expect(second.fromStock == Quantity(2) && second.short == Quantity(4) && second.coveredBy == ["PO-1/1"] && second.readyBy == "2030-04-01")
        let third = result["WO-3"]!.first!
        #expect(third.coveredBy == ["PO-2/1"] && third.readyBy == nil, "5 of 10 can come: no date")
    }
}
