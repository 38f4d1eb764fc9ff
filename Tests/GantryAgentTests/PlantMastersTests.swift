import Foundation
import GantryTestSupport
@testable import GantryAgent
import GantryCore
import GRDB
import Testing

/// The plant's copy of the hub's masters: each answer of a pull lands whole or not at all.
@Suite struct PlantMastersTests {
    func record(_ key: String, version: Int64, description: String = "Item") -> MasterRecord {
        MasterRecord(
            kind: .item, company: "ACME", key: key, active: true, plants: [],
            data: .object(["description": .string(description), "uom": .string("EA"), "tracking": .string("none")]),
            version: version, updatedAt: Date(timeIntervalSince1970: 1_000_000), updatedBy: "user:steward")
    }

    func changes(since: Int64, through: Int64, _ records: [MasterRecord], removed: [MasterChanges.Removed] = []) -> MasterChanges {
        MasterChanges(plant: "ACME-BER", since: since, through: through, records: records, removed: removed, more: false)
    }

    @Test func answersApplyInOrderAndRemovalsTakeRecordsAway() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER")
            #expect(try await store.masterState().version == 0)
            try await store.applyMasters(changes(since: 0, through: 2, [record("A", version: 1), record("B", version: 2)]), at: Date())
            try await store.applyMasters(
                changes(since: 2, through: 3, [record("A", version: 3, description: "Changed")],
                        removed: [MasterChanges.Removed(kind: .item, company: "ACME", key: "B")]), at: Date())
            let held = try await store.masters(kind: .item, key: nil)
            #expect(held.map(\.key) == ["A"] && held.first?.version == 3)
            #expect(held.first?.data == record("A", version: 3, description: "Changed").data)
            #expect(try await store.masterState().version == 3)
        }
    }

    @Test func aResetAnswerReplacesTheWholeCopy() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER")
            try await store.applyMasters(changes(since: 0, through: 5, [record("A", version: 4), record("B", version: 5)]), at: Date())
            var restored = changes(since: 5, through: 2, [record("A", version: 2)])
            restored.reset = true
            try await store.applyMasters(restored, at: Date())
            #expect(try await store.masters(kind: nil, key: nil).map(\.key) == ["A"])
            #expect(try await store.masterState().version == 2)
        }
    }

    @Test func anAnswerThatDoesNotFollowTheHeldVersionIsRefused() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER")
            try await store.applyMasters(changes(since: 0, through: 1, [record("A", version: 1)]), at: Date())
            await #expect { try await store.applyMasters(changes(since: 0, through: 2, [record("B", version: 2)]), at: Date()) }
                throws: { ($0 as? StoreError)?.code == .conflict }
            #expect(try await store.masters(kind: nil, key: nil).map(\.key) == ["A"])
        }
    }

    @Test func aFailureHalfwayLeavesTheWholeEarlierVersion() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/agent.sqlite"
            let store = try SQLitePlantStore(path: path, plantID: "ACME-BER")
            try await store.applyMasters(changes(since: 0, through: 1, [record("A", version: 1)]), at: Date())
            // A disk that fails at the third record of the next version, simulated by a trigger.
            try await DatabaseQueue(path: path).write { db in
                try db.execute(sql: """
                    CREATE TRIGGER fail_third BEFORE INSERT ON hub_masters WHEN NEW.key = 'C'
                    BEGIN SELECT RAISE(ABORT, 'simulated failure'); END
                    """)
            }
            let next = changes(since: 1, through: 2, [
                record("A", version: 2, description: "Changed"), record("B", version: 2), record("C", version: 2), record("D", version: 2),
            ])
            await #expect(throws: (any Error).self) { try await store.applyMasters(next, at: Date()) }
            let held = try await store.masters(kind: nil, key: nil)
            #expect(held.map(\.key) == ["A"] && held.first?.version == 1, "nothing of version 2")
            #expect(try await store.masterState().version == 1)
        }
    }
}

/// Downtime reasons governed at the hub drive the plant's maintenance and reports once they arrive.
@Suite struct GovernedReasonsTests {
    func reason(_ code: String, failure: Bool, active: Bool = true, version: Int64) -> MasterRecord {
        MasterRecord(
            kind: .downtimeReason, company: nil, key: code, active: active, plants: [],
            data: .object(["class": .string("availability"), "failure": .bool(failure), "description": .string(code)]),
            version: version, updatedAt: Date(), updatedBy: "user:steward")
    }

    @Test func hubRecordsOverrideAndRetireTheFilesCodes() {
        let file = DowntimeReasons([
            .init(code: "JAM", lossClass: .performance, failure: false, description: "Jam"),
            .init(code: "OLD", lossClass: .availability, failure: true, description: "Old"),
        ])
        let merged = file.overlaid(with: [reason("JAM", failure: true, version: 1), reason("OLD", failure: true, active: false, version: 1),
                                          reason("MOTOR", failure: true, version: 1)])
        #expect(merged["JAM"]?.failure == true && merged["JAM"]?.lossClass == .availability)
        #expect(merged["OLD"] == nil && merged["MOTOR"]?.failure == true)
    }

    @Test func aFailureReasonFromTheHubOpensCorrectiveMaintenance() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER")
            let watch = MaintenanceWatch(
                store: store, policy: MaintenancePolicy(downThreshold: 3600, reasons: DowntimeReasons()), interval: .seconds(1),
                logger: .init(label: "test"))
            let now = Date()
            _ = try store.recordMachineSignalNow(
                .state(MachineStateChanged(line: "L1", machine: "PRESS", state: .down, reason: "MOTOR", at: now)),
                topic: "gantry/ACME-BER/L1/PRESS/state", payload: [], receivedAt: now)
            try await watch.check(now: now.addingTimeInterval(1))
            #expect(try await store.maintenanceRequests(status: "open").isEmpty, "MOTOR is unknown to the plant so far")
            try await store.applyMasters(
                MasterChanges(plant: "ACME-BER", since: 0, through: 1, records: [reason("MOTOR", failure: true, version: 1)],
                              removed: [], more: false), at: Date())
            try await watch.check(now: now.addingTimeInterval(2))
            let open = try await store.maintenanceRequests(status: "open")
            #expect(open.count == 1 && open.first?.trigger == .failureReason)
        }
    }
}

/// Inventory intents on a real store file, below the HTTP layer.
@Suite struct InventoryStoreTests {
    func item(_ key: String, version: Int64 = 1) -> MasterRecord {
        MasterRecord(
            kind: .item, company: "ACME", key: key, active: true, plants: [],
            data: .object(["description": .string(key), "uom": .string("EA"), "tracking": .string("none")]),
            version: version, updatedAt: Date(), updatedBy: "user:steward")
    }

    @Test func untrackedItemsSharingALocationReserveTogether() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER")
            try await store.applyMasters(
                MasterChanges(plant: "ACME-BER", since: 0, through: 1, records: [item("X"), item("Y")], removed: [], more: false), at: Date())
            try await store.defineLocation(LocationDefined(code: "A1", type: .storage, warehouse: "W", zone: nil, bin: nil, active: true))
            let counted = try await store.count(CountIntent(
                requestID: UUID(), location: "A1",
                lines: [UnitSpec(item: "X", quantity: Quantity(5)), UnitSpec(item: "Y", quantity: Quantity(5))], complete: false))
            #expect(counted.lines.map(\.variance) == [Quantity(5), Quantity(5)])
            let reserved = try await store.reserve(
                workOrder: "WO-1", lines: [ReservationLine(item: "X", quantity: Quantity(5)), ReservationLine(item: "Y", quantity: Quantity(5))],
                requestID: UUID())
            #expect(reserved.reservations.map(\.quantity) == [Quantity(5), Quantity(5)])
            // The move ledger is immutable below the API too.
            let path = "\(dir)/agent.sqlite"
            await #expect(throws: (any Error).self) {
                try await DatabaseQueue(path: path).write { try $0.execute(sql: "UPDATE stock_moves SET quantity = 1") }
            }
            await #expect(throws: (any Error).self) {
                try await DatabaseQueue(path: path).write { try $0.execute(sql: "DELETE FROM stock_moves") }
            }
            #expect(try await store.moves(item: nil, lot: nil, after: 0, limit: 10).count == 2)
            await #expect { _ = try await store.count(CountIntent(requestID: UUID(), location: "A1", lines: [UnitSpec(item: "X", quantity: Quantity(text: "1.5"))], complete: false)) }
                throws: { ($0 as? InventoryRefusal)?.code == .invalid }
            // A reused request id with other content is refused; the same content gets the first answer.
            let id = UUID()
            _ = try await store.reserve(workOrder: "WO-2", lines: [], requestID: id)
            let again = try await store.reserve(workOrder: "WO-2", lines: [], requestID: id)
            #expect(again.duplicate)
            await #expect { _ = try await store.reserve(workOrder: "WO-3", lines: [], requestID: id) }
                throws: { ($0 as? StoreError)?.code == .idempotencyConflict }
        }
    }
}

/// A machine down on a work centre shows as a delay on its work orders.
@Suite struct WorkOrderDelayTests {
    @Test func aDownMachineDelaysTheOrdersOnItsWorkCentre() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER")
            func item(_ key: String) -> MasterRecord {
                MasterRecord(kind: .item, company: "ACME", key: key, active: true, plants: [],
                             data: .object(["description": .string(key), "uom": .string("EA"), "tracking": .string("none")]),
                             version: 1, updatedAt: Date(), updatedBy: "t")
            }
            try await store.applyMasters(MasterChanges(plant: "ACME-BER", since: 0, through: 1, records: [item("P"), item("C")], removed: [], more: false), at: Date())
            try await store.defineLocation(LocationDefined(code: "S", type: .storage, warehouse: "W", zone: nil, bin: nil, active: true))
            try await store.defineWorkCentre(WorkCentreDefined(
                code: "PRESS", name: "Press", calendar: WorkCalendar(days: Set(1...7), shiftStart: 0, shiftEnd: 1440), machine: MachineID(line: "L1", machine: "PRESS")))
            try await store.defineBOM(BOMDefined(item: "P", lines: [.init(component: "C", quantity: Quantity(1))]))
            try await store.defineRouting(RoutingDefined(item: "P", operations: [
                RoutingOperation(sequence: 10, workCentre: "PRESS", setupMinutes: .zero, runMinutesPerUnit: Quantity(1))]))
            _ = try await store.createWorkOrder("WO-1", item: "P", quantity: Quantity(1), due: nil, source: "S", output: "S", earliest: Date())
            #expect(try await store.readiness(workOrder: "WO-1").first?.delays.isEmpty == true)
            _ = try store.recordMachineSignalNow(
                .state(MachineStateChanged(line: "L1", machine: "PRESS", state: .down, reason: "JAM", at: Date())),
                topic: "gantry/ACME-BER/L1/PRESS/state", payload: [], receivedAt: Date())
            let delayed = try #require(try await store.readiness(workOrder: "WO-1").first)
            #expect(delayed.atRisk && delayed.delays.first?.contains("L1/PRESS") == true && delayed.delays.first?.contains("JAM") == true, "\(delayed.delays)")
        }
    }
}
