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
