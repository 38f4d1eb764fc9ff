import Foundation
import GantryTestSupport
@testable import GantryAgent
import GantryCore
import Synchronization
import Testing

/// Work orders, the material gate, quality and maintenance on a real store file, below the HTTP layer.
@Suite struct ProductionStoreTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// A store whose clock moves a second per reading, with items P (made of 2 C) and Q, locations S and QUAR,
    /// and work centre A working round the clock.
    func withPlant(_ body: (SQLitePlantStore) async throws -> Void) async throws {
        try await withTemporaryDirectory { dir in
            let clock = Mutex(Self.start)
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER") {
                clock.withLock { now in
                    now += 1
                    return now
                }
            }
            func item(_ key: String) -> MasterRecord {
                MasterRecord(kind: .item, company: "ACME", key: key, active: true, plants: [],
                             data: .object(["description": .string(key), "uom": .string("EA"), "tracking": .string("none")]),
                             version: 1, updatedAt: Self.start, updatedBy: "t")
            }
            try await store.applyMasters(
                MasterChanges(plant: "ACME-BER", since: 0, through: 1, records: [item("P"), item("C"), item("B")], removed: [], more: false),
                at: Self.start)
            try await store.defineLocation(LocationDefined(code: "S", type: .storage, warehouse: "W", zone: nil, bin: nil, active: true))
            try await store.defineLocation(LocationDefined(code: "LINE", type: .production, warehouse: "W", zone: nil, bin: nil, active: true))
            try await store.defineWorkCentre(WorkCentreDefined(
                code: "A", name: "Press", calendar: WorkCalendar(days: Set(1...7), shiftStart: 0, shiftEnd: 1440), machine: nil))
            try await store.defineBOM(BOMDefined(
                item: "P", lines: [.init(component: "C", quantity: Quantity(2))], byProducts: [.init(item: "B", quantity: Quantity(1))]))
            try await store.defineRouting(RoutingDefined(item: "P", operations: [
                RoutingOperation(sequence: 10, workCentre: "A", setupMinutes: .zero, runMinutesPerUnit: Quantity(1)),
                RoutingOperation(sequence: 20, workCentre: "A", setupMinutes: .zero, runMinutesPerUnit: Quantity(1)),
            ]))
            try await body(store)
        }
    }

    func stock(_ store: SQLitePlantStore, _ quantity: Int, of item: String = "C", at location: String = "S") async throws {
        _ = try await store.count(CountIntent(
            requestID: UUID(), location: location, lines: [UnitSpec(item: item, quantity: Quantity(Int64(quantity)))], complete: false))
    }

    func refusal(_ code: ProductionRefusal.Code, _ body: () async throws -> Void) async {
        await #expect { try await body() } throws: { ($0 as? ProductionRefusal)?.code == code }
    }

    func eventTypes(_ store: SQLitePlantStore, after sequence: Int64) async throws -> [String] {
        try await store.storedEvents(from: sequence + 1, maxEvents: 100, maxBytes: 1 << 20).map(\.type)
    }

    @Test func aWorkOrderRunsFromPlannedToCompleted() async throws {
        try await withPlant { store in
            await refusal(.invalid) { _ = try await store.createWorkOrder("WO 1", item: "P", quantity: Quantity(3), due: nil, source: "S", output: "S", earliest: Self.start) }
            await refusal(.notFound) { _ = try await store.createWorkOrder("WO-1", item: "X", quantity: Quantity(3), due: nil, source: "S", output: "S", earliest: Self.start) }
            let created = try await store.createWorkOrder("WO-1", item: "P", quantity: Quantity(3), due: nil, source: "S", output: "S", earliest: Self.start)
            #expect(created.status == .planned && created.operations.map(\.status) == [.pending, .pending])
            #expect(created.plannedStart > Self.start, "never scheduled before the store's now")
            await refusal(.invalid) { _ = try await store.createWorkOrder("WO-1", item: "P", quantity: Quantity(1), due: nil, source: "S", output: "S", earliest: Self.start) }
            await refusal(.invalidTransition) { _ = try await store.progressOperation("WO-1", sequence: 10, step: .started, good: nil, scrap: nil, rework: nil, reasons: []) }
            await refusal(.invalidTransition) { _ = try await store.completeWorkOrder("WO-1") }

            try await stock(store, 10)
            let head = try await store.position().head
            let released = try await store.releaseWorkOrder("WO-1", override: nil, permittedRoles: [])
            #expect(released.status == .released && released.releasedWith == nil)
            #expect(try await store.reservations(workOrder: "WO-1").map(\.quantity) == [Quantity(6)])
            #expect(try await eventTypes(store, after: head) == ["StockReserved", "WorkOrderReleased"])
            await refusal(.invalidTransition) { _ = try await store.releaseWorkOrder("WO-1", override: nil, permittedRoles: []) }

            func step(_ sequence: Int, _ step: OperationProgressed.Step, scrap: Quantity? = nil) async throws -> WorkOrderView {
                try await store.progressOperation("WO-1", sequence: sequence, step: step, good: nil, scrap: scrap, rework: nil, reasons: [])
            }
            await refusal(.invalidTransition) { _ = try await step(20, .started) }
            await refusal(.notFound) { _ = try await step(30, .started) }
            await refusal(.invalid) { _ = try await step(10, .started, scrap: Quantity(-1)) }
            await refusal(.invalidTransition) { _ = try await step(10, .paused) }
            let started = try await step(10, .started)
            #expect(started.status == .inProgress && started.actualStart != nil && started.operations[0].status == .running)
            #expect(try await step(10, .paused).operations[0].status == .paused)
            #expect(try await step(10, .resumed).operations[0].status == .running)
            #expect(try await step(10, .finished, scrap: Quantity(1)).scrap == Quantity(1))
            _ = try await step(20, .started)
            await refusal(.invalidTransition) { _ = try await store.completeWorkOrder("WO-1") }
            _ = try await step(20, .finished)

            _ = try await store.consume(
                IssueIntent(requestID: UUID(), workOrder: "WO-1", unit: UnitSpec(item: "C", quantity: Quantity(6)), from: "S"),
                override: nil, permittedRoles: [], allowExpired: false)
            await refusal(.beyondReservation) {
                _ = try await store.consume(
                    IssueIntent(requestID: UUID(), workOrder: "WO-1", unit: UnitSpec(item: "C", quantity: Quantity(1)), from: "S"),
                    override: nil, permittedRoles: [], allowExpired: false)
            }
            _ = try await store.reportOutput(OutputIntent(requestID: UUID(), workOrder: "WO-1", unit: UnitSpec(item: "P", quantity: Quantity(3)), to: "S"))
            _ = try await store.reportOutput(OutputIntent(requestID: UUID(), workOrder: "WO-1", unit: UnitSpec(item: "B", quantity: Quantity(3)), to: "S"))
            await refusal(.invalid) {
                _ = try await store.reportOutput(OutputIntent(requestID: UUID(), workOrder: "WO-1", unit: UnitSpec(item: "C", quantity: Quantity(1)), to: "S"))
            }
            let before = try await store.position().head
            let done = try await store.completeWorkOrder("WO-1")
            #expect(done.status == .completed && done.good == Quantity(3) && done.scrap == Quantity(1) && done.actualFinish != nil)
            #expect(try await eventTypes(store, after: before).last == "WorkOrderCompleted")
            await refusal(.invalidTransition) { _ = try await store.completeWorkOrder("WO-1") }
            await refusal(.notFound) { _ = try await store.workOrder("WO-9") }
            #expect(try await store.workOrders().map(\.status) == [.completed])
        }
    }

    @Test func theMaterialGateRefusesShortAndAPermittedOverrideReleasesShort() async throws {
        try await withPlant { store in
            _ = try await store.createWorkOrder("WO-2", item: "P", quantity: Quantity(5), due: nil, source: "S", output: "S", earliest: Self.start)
            try await stock(store, 4)
            try await stock(store, 3, at: "LINE")
            let head = try await store.position().head
            do {
                _ = try await store.releaseWorkOrder("WO-2", override: nil, permittedRoles: ["supervisor"])
                Issue.record("released short without an override")
            } catch let refusal as ProductionRefusal {
                #expect(refusal.code == .shortage)
                #expect(refusal.detail == "WO-2 cannot be released: C needs 10, 4 on hand at S, 0 reserved elsewhere, 6 short (3 free at LINE: move it to S first)")
                #expect(refusal.shortages == [Shortage(item: "C", needed: Quantity(10), onHand: Quantity(4), reservedElsewhere: .zero, short: Quantity(6))])
                #expect(refusal.problem.status == 409)
            }
            #expect(try await store.position().head == head, "a refused release appends nothing")
            #expect(try await store.reservations(workOrder: "WO-2").isEmpty, "and reserves nothing")
            #expect(try await store.workOrder("WO-2").status == .planned)

            await refusal(.overridePermission) {
                _ = try await store.releaseWorkOrder("WO-2", override: Override(by: "bo", role: "operator", reason: "rush"), permittedRoles: ["supervisor"])
            }
            await refusal(.invalid) {
                _ = try await store.releaseWorkOrder("WO-2", override: Override(by: "ana", role: "supervisor", reason: " "), permittedRoles: ["supervisor"])
            }
            let override = Override(by: "ana", role: "supervisor", reason: "rush order")
            let released = try await store.releaseWorkOrder("WO-2", override: override, permittedRoles: ["supervisor"])
            #expect(released.status == .released && released.releasedWith == override)
            let event = try #require(try await store.events(from: head + 1, maxEvents: 10, maxBytes: 1 << 20).last)
            let payload = try WorkOrderReleased.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.payload)
            #expect(payload.override == override && payload.shortages.map(\.short) == [Quantity(6)] && payload.reservedLines == 1)

            // Consumption beyond the reservation needs a permitted override, and says so.
            _ = try await store.progressOperation("WO-2", sequence: 10, step: .started, good: nil, scrap: nil, rework: nil, reasons: [])
            await refusal(.overridePermission) {
                _ = try await store.consume(
                    IssueIntent(requestID: UUID(), workOrder: "WO-2", unit: UnitSpec(item: "C", quantity: Quantity(5)), from: "S"),
                    override: Override(by: "bo", role: "operator", reason: "rush"), permittedRoles: ["supervisor"], allowExpired: false)
            }
            try await stock(store, 10)
            let beyond = try await store.consume(
                IssueIntent(requestID: UUID(), workOrder: "WO-2", unit: UnitSpec(item: "C", quantity: Quantity(5)), from: "S"),
                override: override, permittedRoles: ["supervisor"], allowExpired: false)
            #expect(beyond.message.hasSuffix(" Beyond the reservation by 1, allowed by ana (supervisor): rush order."), "\(beyond.message)")
        }
    }

    @Test func aFailedBlockingCheckHoldsTheOperationUntilAPass() async throws {
        try await withPlant { store in
            try await store.defineQualityPoint(QualityPointDefined(
                point: "QP-10", scope: .operation, item: "P", operation: 10, kind: .passFail, characteristic: "looks", lower: nil, upper: nil,
                onFailure: .block))
            _ = try await store.createWorkOrder("WO-3", item: "P", quantity: Quantity(1), due: nil, source: "S", output: "S", earliest: Self.start)
            try await stock(store, 2)
            _ = try await store.releaseWorkOrder("WO-3", override: nil, permittedRoles: [])
            _ = try await store.progressOperation("WO-3", sequence: 10, step: .started, good: nil, scrap: nil, rework: nil, reasons: [])
            await refusal(.notFound) {
                _ = try await store.recordQualityCheck(
                    point: "QP-10", workOrder: "WO-9", lot: nil, location: nil, quantity: nil, passed: false, value: nil, quarantineLocation: nil, supplier: nil)
            }
            let failed = try await store.recordQualityCheck(
                point: "QP-10", workOrder: "WO-3", lot: nil, location: nil, quantity: nil, passed: false, value: nil, quarantineLocation: nil, supplier: nil)
            #expect(!failed.passed && failed.nonconformance != nil)
            #expect(try await store.nonconformances().map(\.disposition) == ["blocked"])
            await refusal(.blockedByQuality) {
                _ = try await store.progressOperation("WO-3", sequence: 10, step: .finished, good: nil, scrap: nil, rework: nil, reasons: [])
            }
            await refusal(.blockedByQuality) {
                _ = try await store.reportOutput(OutputIntent(requestID: UUID(), workOrder: "WO-3", unit: UnitSpec(item: "P", quantity: Quantity(1)), to: "S"))
            }
            _ = try await store.recordQualityCheck(
                point: "QP-10", workOrder: "WO-3", lot: nil, location: nil, quantity: nil, passed: true, value: nil, quarantineLocation: nil, supplier: nil)
            let finished = try await store.progressOperation("WO-3", sequence: 10, step: .finished, good: nil, scrap: nil, rework: nil, reasons: [])
            #expect(finished.operations[0].status == .finished)
        }
    }

    @Test func readinessAndReschedulingAnswerForOpenOrdersAndKnownLines() async throws {
        try await withPlant { store in
            _ = try await store.createWorkOrder("WO-4", item: "P", quantity: Quantity(1), due: nil, source: "S", output: "S", earliest: Self.start)
            let readiness = try #require(try await store.readiness(workOrder: "WO-4").first)
            #expect(readiness.status == .planned && !readiness.materialReady && readiness.materialReadyBy == nil && readiness.atRisk)
            await refusal(.notFound) { _ = try await store.readiness(workOrder: "WO-9") }
            await refusal(.invalid) { try await store.rescheduleSupply(order: "PO-1", line: 1, due: "2026-02-30x") }
            await refusal(.notFound) { try await store.rescheduleSupply(order: "PO-1", line: 1, due: "2026-12-24") }
        }
    }

    @Test func oneOpenMaintenanceRequestPerMachineOrPlanAndCompletionOnce() async throws {
        try await withPlant { store in
            let press = MachineID(line: "L1", machine: "PRESS")
            let at = Self.start.addingTimeInterval(60)
            let opened = try #require(try await store.openMaintenanceRequest(
                machine: press, kind: "corrective", trigger: .manual, reason: "noise", planID: nil, stopAt: nil, at: at))
            #expect(try await store.openMaintenanceRequest(
                machine: press, kind: "corrective", trigger: .downThreshold, reason: nil, planID: nil, stopAt: at, at: at) == nil)
            let plan = MaintenancePlan(planId: UUID(), line: "L1", machine: "PRESS", everyDays: 7, everyGoodParts: nil, description: "grease", createdAt: at)
            try await store.defineMaintenancePlan(plan)
            #expect(try await store.maintenancePlans() == [plan])
            #expect(try await store.openMaintenanceRequest(
                machine: press, kind: "preventive", trigger: .calendar, reason: "grease", planID: plan.planId, stopAt: nil, at: at) != nil,
                "a plan's request opens beside an open corrective one")
            #expect(try await store.openMaintenanceRequest(
                machine: press, kind: "preventive", trigger: .calendar, reason: "grease", planID: plan.planId, stopAt: nil, at: at) == nil)
            #expect(try await store.maintenanceSituation().plans[plan.planId]?.open == true)

            let parts = [SparePart(item: "BELT", quantity: "1")]
            let done = try await store.completeMaintenanceRequest(opened.requestId, note: "belt", parts: parts, at: at.addingTimeInterval(600))
            #expect(done.completedAt == at.addingTimeInterval(600) && done.parts == parts && done.note == "belt")
            await #expect { _ = try await store.completeMaintenanceRequest(opened.requestId, note: nil, parts: [], at: at) }
                throws: { ($0 as? MaintenanceRefusal)?.code == .alreadyCompleted }
            await #expect { _ = try await store.completeMaintenanceRequest(UUID(), note: nil, parts: [], at: at) }
                throws: { ($0 as? MaintenanceRefusal)?.code == .notFound }
            #expect(try await store.maintenanceRequests(status: "done").map(\.requestId) == [opened.requestId])
            #expect(try await store.maintenanceRequests(status: "open").count == 1)
            #expect(try await store.maintenanceRequests(status: nil).count == 2)
            #expect(try await store.openMaintenanceRequest(
                machine: press, kind: "corrective", trigger: .manual, reason: nil, planID: nil, stopAt: nil, at: at) != nil,
                "once completed, the machine may have a new request")
        }
    }
}
