import Foundation
import GantryCore
import Testing

@Suite struct SyncBatchTests {
    func batch(_ sequences: [Int64], head: Int64? = nil) -> SyncBatch {
        SyncBatch(plant: "ACME-BER", agentHead: head ?? sequences.last ?? 0, events: sequences.map { sequence in
            EventEnvelope(
                sequence: sequence, id: UUID(), type: ScanRecorded.eventType, schemaVersion: 1,
                occurredAt: Date(timeIntervalSince1970: 0), recordedAt: Date(timeIntervalSince1970: 0), payload: .object([:]))
        })
    }

    @Test(arguments: [
        ([Int64](), Int64(0), SyncBatchPlan.nothingNew),
        ([1, 2, 3], 0, .apply(alreadyApplied: 0)),
        ([4, 5], 3, .apply(alreadyApplied: 0)),
        ([2, 3, 4, 5], 3, .apply(alreadyApplied: 2)),
        ([1, 2, 3], 3, .nothingNew),
        ([1, 2], 9, .nothingNew),
        ([5, 6], 3, .refuse(expected: 4)),
        ([100], 0, .refuse(expected: 1)),
    ])
    func plan(sequences: [Int64], lastApplied: Int64, expected: SyncBatchPlan) {
        #expect(batch(sequences).plan(lastApplied: lastApplied) == expected)
    }

    @Test func consecutiveBatchesAreValid() throws {
        try batch([3, 4, 5]).validate()
        try batch([]).validate()
    }

    @Test(arguments: [[Int64(1), 3], [2, 1], [0, 1], [-1], [1, 1]])
    func gapsRepeatsAndNonPositiveSequencesAreInvalid(sequences: [Int64]) {
        #expect(throws: SyncBatchError.self) { try batch(sequences).validate() }
    }

    @Test func sequencesNearTheIntegerLimitAreInvalidNotATrap() {
        #expect(throws: SyncBatchError.self) { try batch([Int64.max - 1, Int64.max]).validate() }
        #expect(throws: SyncBatchError.self) { try batch([], head: -5).validate() }
    }

    @Test func timestampsOutsideTheStoredRangeAreInvalid() {
        var early = batch([1])
        early.events[0].occurredAt = Date(timeIntervalSince1970: -62_135_596_800)
        #expect { try early.validate() } throws: { ($0 as? SyncBatchError)?.code == .invalidEvent }
    }

    @Test func headBehindTheBatchIsInvalid() {
        #expect(throws: SyncBatchError.self) { try batch([1, 2, 3], head: 2).validate() }
    }

    @Test func batchesRoundTripThroughTheWireFormat() throws {
        var original = batch([1, 2])
        original.events[0].payload = .object(["data": .string("]C1\u{1D}01"), "n": .number(2.5), "ok": .bool(true), "none": .null])
        original.events[1].occurredAt = Date(timeIntervalSince1970: 1_700_000_000.25)
        let data = try WireFormat.encoder().encode(original)
        #expect(try WireFormat.decoder().decode(SyncBatch.self, from: data) == original)
    }
}
