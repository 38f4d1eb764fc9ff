import Foundation
import GantryAgent
import GantryCore
import GantryTestSupport
import Testing

/// The plant's days are days of its own time zone (its `plant` master's `timeZone`), not UTC's.
@Suite struct PlantDayTests {
    func record(_ kind: MasterKind, _ key: String, _ data: [String: JSONValue]) -> MasterRecord {
        MasterRecord(kind: kind, company: "ACME", key: key, active: true, plants: [], data: .object(data), version: 1,
                     updatedAt: Date(), updatedBy: "user:steward")
    }

    @Test func aLotIsExpiredFromThePlantsNextDayNotUTCs() async throws {
        try await withTemporaryDirectory { dir in
            // Saturday 2031-03-29 12:00Z is 13:00 in Berlin.
            let clock = TestNow(Timestamp.parse("2031-03-29T12:00:00Z")!)
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER", now: { clock.now })
            let item = record(.item, "X", ["description": .string("X"), "uom": .string("EA"), "tracking": .string("lot")])
            try await store.applyMasters(
                MasterChanges(plant: "ACME-BER", since: 0, through: 1, records: [item], removed: [], more: false), at: clock.now)
            try await store.defineLocation(LocationDefined(code: "A1", type: .storage, warehouse: "W", zone: nil, bin: nil, active: true))
            _ = try await store.count(CountIntent(
                requestID: UUID(), location: "A1", lines: [UnitSpec(item: "X", lot: "L1", expiry: "2031-03-29", quantity: Quantity(5))],
                complete: false))
            #expect(try await store.stock(item: "X", location: nil, lot: nil).map(\.expired) == [false], "its last day")

            // 2031-03-29T23:30Z: still the 29th in UTC, but 00:30 on the 30th in Berlin (CET, UTC+1).
            clock.now = Timestamp.parse("2031-03-29T23:30:00Z")!
            #expect(try await store.stock(item: "X", location: nil, lot: nil).map(\.expired) == [false],
                    "without the plant's record its days are UTC's")
            let plant = record(.plant, "ACME-BER", ["name": .string("Berlin"), "timeZone": .string("Europe/Berlin")])
            let other = record(.plant, "ACME-NYC", ["name": .string("New York"), "timeZone": .string("America/New_York")])
            try await store.applyMasters(
                MasterChanges(plant: "ACME-BER", since: 1, through: 2, records: [other, plant], removed: [], more: false), at: clock.now)
            let row = try #require(try await store.stock(item: "X", location: nil, lot: nil).first)
            #expect(row.expired && row.available == .zero, "the 30th has begun in Berlin: the lot expired on the 29th")
        }
    }
}
