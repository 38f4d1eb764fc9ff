import Foundation
import GantryCore
import GantryTestSupport
@testable import GantryHub
import Testing

/// The hub's operations rollups on both backends: added with the events that carry them, exactly once, a late
/// event in its own hour, rebuilt the same by the migration's backfill, and owed purchase lines judged against the
/// plant's own today. Every figure is worked out by hand from the events.
@Suite struct OperationsRollupContractTests {
    /// 2027-01-15T08:00:00Z: 09:00 in Berlin, the plant's zone.
    static let t0 = KPIRollupContractTests.t0
    static func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }
    static func hour(_ offset: Int) -> Date { t0.addingTimeInterval(Double(offset) * 3600) }
    static func envelope(_ sequence: Int64, _ event: some PlantEvent) throws -> EventEnvelope {
        try KPIRollupContractTests.envelope(sequence, event)
    }

    static func completed(_ order: String, planned: Int64, good: Int64, plannedFinish: Double, finished: Double) -> WorkOrderCompleted {
        WorkOrderCompleted(
            workOrder: order, item: "BRKT", plannedQuantity: Quantity(planned), good: Quantity(good), scrap: .zero, rework: .zero,
            plannedStart: at(plannedFinish - 60), plannedFinish: at(plannedFinish), actualStart: at(finished - 60),
            actualFinish: at(finished))
    }

    static func maintenance(_ kind: String, _ minutes: Double) -> MaintenanceRequested {
        MaintenanceRequested(
            requestId: UUID(), line: "L1", machine: "press", kind: kind, trigger: .failureReason, reason: "JAM", planId: nil,
            at: at(minutes))
    }

    static func line(_ number: Int, _ quantity: Int64, due: String) -> PurchaseOrderLine {
        PurchaseOrderLine(line: number, item: "STEEL", quantity: Quantity(quantity), tolerancePercent: .zero, due: due, unitPrice: nil)
    }

    /// WO-1 done at 08:20, planned 08:30, 100 of 100 good: on time, in full. WO-2 done at 09:10, planned 08:30, 48 of
    /// 50: late and short. A count of 4 lines, 3 exact (at 08:00). A corrective request at 09:15, a preventive one at
    /// 08:10 (no interruption). PO-1: line 1 (10, due 2027-01-14), line 2 (5, due 2027-01-20, confirmed), line 3
    /// (8, due 2027-01-10, received in full).
    static func batch() throws -> [EventEnvelope] {
        let counted = [
            CountLine(item: "A", lot: nil, serial: nil, expected: Quantity(5), counted: Quantity(5)),
            CountLine(item: "B", lot: nil, serial: nil, expected: Quantity(5), counted: Quantity(4)),
            CountLine(item: "C", lot: nil, serial: nil, expected: Quantity(2), counted: Quantity(2)),
            CountLine(item: "D", lot: nil, serial: nil, expected: Quantity(1), counted: Quantity(1)),
        ]
        return [
            try envelope(1, completed("WO-1", planned: 100, good: 100, plannedFinish: 30, finished: 20)),
            try envelope(2, completed("WO-2", planned: 50, good: 48, plannedFinish: 30, finished: 70)),
            try envelope(3, StockCounted(countId: UUID(), location: "A1", lines: counted, exactLines: 3)),
            try envelope(4, maintenance("corrective", 75)),
            try envelope(5, maintenance("preventive", 10)),
            try envelope(6, PurchaseOrderPlaced(order: "PO-1", supplier: "S1", lines: [
                line(1, 10, due: "2027-01-14"), line(2, 5, due: "2027-01-20"), line(3, 8, due: "2027-01-10"),
            ])),
            try envelope(7, SupplierCommitmentRecorded(order: "PO-1", line: 2, supplier: "S1", confirmedDue: "2027-01-19", confirmedQuantity: Quantity(5))),
            try envelope(8, StockMoved(
                moveId: UUID(), kind: .receipt, item: "STEEL", lot: "L1", serial: nil, expiry: nil, quantity: Quantity(8), uom: "EA",
                from: nil, to: "RCV", reference: MoveReference(kind: .purchaseOrderLine, id: "PO-1/3"), scan: nil, reason: nil)),
        ]
    }

    func withStore(_ backend: HubBackend, _ body: (any HubStore) async throws -> Void) async throws {
        try await backend.withStore { store in
            _ = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: "BER"), timeZone: "Europe/Berlin", tokenHash: "h1", audit: .test)
            _ = try await store.enrolPlant(try PlantIdentity(company: "ZETA", code: "OSL"), timeZone: "Europe/Oslo", tokenHash: "h2", audit: .test)
            try await body(store)
        }
    }

    func apply(_ store: any HubStore, _ events: [EventEnvelope]) async throws -> BatchOutcome {
        try await store.applyBatch(SyncBatch(plant: "ACME-BER", agentHead: events.last?.sequence ?? 0, events: events), receivedAt: Self.t0)
    }

    func berlin(_ store: any HubStore, from: Date = hour(-24), to: Date = hour(24), scope: CompanyScope = .all) async throws -> OperationsPlantFacts? {
        try await store.operationsFacts(scope: scope, plant: nil, from: from, to: to).first { $0.plant == "ACME-BER" }
    }

    @Test(arguments: HubBackend.allCases) func factsAreAddedPerHourOnceAndLateOnesInTheirHour(backend: HubBackend) async throws {
        try await withStore(backend) { store in
            let batch = try Self.batch()
            _ = try await apply(store, batch)
            let whole = try #require(try await berlin(store))
            #expect(whole.company == "ACME" && whole.timeZone == "Europe/Berlin")
            #expect(whole.flows == [
                .workOrdersCompleted: 2, .workOrdersOnTime: 1, .workOrdersInFull: 1, .workOrdersOnTimeInFull: 1,
                .countLines: 4, .countLinesExact: 3, .maintenanceInterruptions: 1,
            ])
            // Line 3 is received in full; lines 1 and 2 are owed, line 2 confirmed.
            #expect(whole.owedLines.sorted { ($0.due ?? "") < ($1.due ?? "") } == [
                .init(due: "2027-01-14", confirmed: false, lines: 1), .init(due: "2027-01-20", confirmed: true, lines: 1),
            ])
            // 09:00–10:00 UTC holds WO-2 (late, short) and the corrective request only.
            let nine = try #require(try await berlin(store, from: Self.hour(1), to: Self.hour(2)))
            #expect(nine.flows == [.workOrdersCompleted: 1, .maintenanceInterruptions: 1])

            // Resent: nothing applies, nothing is added.
            #expect(try await apply(store, batch) == .acknowledged(.init(plant: "ACME-BER", acknowledgedThrough: 8, applied: 0)))
            #expect(try await berlin(store) == whole)

            // A late completion from 05:30 UTC, on time and in full, lands in the 05:00 hour only.
            _ = try await apply(store, [try Self.envelope(9, Self.completed("WO-0", planned: 5, good: 5, plannedFinish: -120, finished: -150))])
            let early = try #require(try await berlin(store, from: Self.hour(-3), to: Self.hour(-2)))
            #expect(early.flows == [.workOrdersCompleted: 1, .workOrdersOnTime: 1, .workOrdersInFull: 1, .workOrdersOnTimeInFull: 1])
            #expect(try await berlin(store)?.flows[.workOrdersCompleted] == 3)
            #expect(try await berlin(store, from: Self.hour(1), to: Self.hour(2)) == nine)
        }
    }

    @Test(arguments: HubBackend.allCases) func theBackfillRebuildsTheSameRowsAndScopesHoldCompanies(backend: HubBackend) async throws {
        try await withStore(backend) { store in
            _ = try await apply(store, try Self.batch())
            let written = try #require(try await berlin(store))
            try backend.executeDirectly("DELETE FROM kpi_operations_hours", on: store)
            #expect(try await berlin(store)?.flows == [:])
            switch backend {
            case .sqlite: try await (store as! SQLiteHubStore).pool.write { try SQLiteOperationsRollupWriter.backfill($0) }
            case .postgres:
                try await (store as! PostgresHubStore).transaction { try await PostgresOperationsRollupWriter.backfill($0, logger: HubBackend.quiet) }
            }
            #expect(try await berlin(store) == written)
            let zeta = try await store.operationsFacts(scope: .only(["ZETA"]), plant: nil, from: Self.hour(-24), to: Self.hour(24))
            #expect(zeta.map(\.plant) == ["ZETA-OSL"])
            #expect(zeta.first?.flows == [:] && zeta.first?.owedLines == [])
        }
    }

    /// Line 1 is due 2027-01-14: overdue once it is the 15th in Berlin, which begins at 23:00 UTC on the 14th.
    @Test func owedLinesAreOverdueByThePlantsOwnToday() throws {
        let facts = OperationsPlantFacts(
            company: "ACME", plant: "ACME-BER", timeZone: "Europe/Berlin", flows: [.workOrdersCompleted: 4, .workOrdersOnTime: 3],
            owedLines: [.init(due: "2027-01-14", confirmed: false, lines: 2), .init(due: "2027-01-20", confirmed: true, lines: 3),
                        .init(due: nil, confirmed: true, lines: 1)])
        let query = OperationsQuery(level: .plant, definitions: [:], shared: [
            KPIDefinition(key: "conf", name: "Confirmed", formula: .supplierConfirmationRate, unit: "%", target: 90, higherIsBetter: true, version: 3),
            KPIDefinition(key: "late", name: "Overdue", formula: .overduePurchaseLines, unit: "lines", target: 0, higherIsBetter: false, version: 3),
            KPIDefinition(key: "oee", name: "OEE", formula: .oee, unit: "%", target: 85, higherIsBetter: true, version: 3),
        ])
        let before = query.report([facts], now: Date(timeIntervalSince1970: 1_799_967_600 - 1800))  // 22:30 UTC on the 14th
        let after = query.report([facts], now: Date(timeIntervalSince1970: 1_799_967_600 + 1800))   // 23:30 UTC on the 14th
        #expect(before.first?.elements.purchaseLinesOverdue == 0)
        #expect(after.first?.elements.purchaseLinesOverdue == 2)
        // 4 of 6 owed lines confirmed: 66.7 % against 90 %; the OEE definition is not an operations KPI.
        #expect(after.first?.kpis.map(\.key) == ["conf", "late"])
        #expect(after.first?.kpis.first.flatMap(\.value).map { abs($0 - 400.0 / 6) < 1e-9 } == true)
        #expect(after.first?.kpis.first?.status == .offTarget)
        #expect(after.first?.kpis.last?.status == .offTarget)
        #expect(before.first?.kpis.last?.status == .onTarget)
    }

    /// Berlin completes 4 work orders, 3 on time; Oslo 1, late. The group's adherence is 3 / 5 = 60 %, not the
    /// average of 75 % and 0 %.
    @Test func theGroupDividesItsSums() {
        let plants = [
            OperationsPlantFacts(company: "ACME", plant: "ACME-BER", timeZone: "Europe/Berlin",
                                 flows: [.workOrdersCompleted: 4, .workOrdersOnTime: 3], owedLines: []),
            OperationsPlantFacts(company: "ZETA", plant: "ZETA-OSL", timeZone: "Europe/Oslo",
                                 flows: [.workOrdersCompleted: 1], owedLines: []),
        ]
        let adherence = KPIDefinition(key: "adh", name: "Adherence", formula: .scheduleAdherence, unit: "%", target: 70, higherIsBetter: true, version: 1)
        let group = OperationsQuery(level: .group, definitions: [:], shared: [adherence]).report(plants, now: Self.t0)
        #expect(group.count == 1 && group.first?.company == nil)
        #expect(group.first?.kpis.first?.value == 60)
        #expect(group.first?.kpis.first?.status == .offTarget)
        let companies = OperationsQuery(level: .company, definitions: [:], shared: [adherence]).report(plants, now: Self.t0)
        #expect(companies.map(\.company) == ["ACME", "ZETA"])
        #expect(companies.map { $0.kpis.first?.value } == [75, 0])
    }
}
