import Foundation
import GantryCore
import Testing

/// Which events leave an agent's log for its archive (`EventRetention`), without a database.
@Suite struct EventRetentionTests {
    static let cutoff = Date(timeIntervalSince1970: 1_000_000)
    static let old = cutoff.addingTimeInterval(-1)
    static let young = cutoff

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var archived: Int64
        var acknowledged: Int64
        /// Recording times of the events from `archived + 1` on: true = before the cutoff.
        var old: [Bool]
        var expected: ClosedRange<Int64>?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "empty log", archived: 0, acknowledged: 0, old: [], expected: nil),
        // 1…5 old, acknowledged through 5: 5 stays (the newest acknowledged one), 1…4 leave.
        Case(name: "keeps the newest acknowledged event", archived: 0, acknowledged: 5, old: [true, true, true, true, true], expected: 1...4),
        // Acknowledged through 3 of 5 old events: 1 and 2 leave; 3 (newest acknowledged), 4 and 5 (not acknowledged) stay.
        Case(name: "never an unacknowledged event", archived: 0, acknowledged: 3, old: [true, true, true, true, true], expected: 1...2),
        // Events 7, 8 old, 9 young, 10 old again (a clock set back): the run stops at 9.
        Case(name: "stops at the first young event", archived: 6, acknowledged: 20, old: [true, true, false, true], expected: 7...8),
        Case(name: "nothing old yet", archived: 6, acknowledged: 20, old: [false, true], expected: nil),
        // The hub asked for a resend from 4 after the archive reached 6: nothing more leaves.
        Case(name: "acknowledgement behind the archive", archived: 6, acknowledged: 4, old: [true, true], expected: nil),
    ]

    @Test(arguments: cases) func decidesTheRunToArchive(_ example: Case) throws {
        let snapshot = EventRetention.Snapshot(
            archivedThrough: example.archived, acknowledged: example.acknowledged,
            candidates: example.old.enumerated().map { offset, old in
                EventRetention.Candidate(sequence: example.archived + 1 + Int64(offset), recordedAt: old ? Self.old : Self.young)
            })
        #expect(try EventRetention.decide(snapshot, recordedBefore: Self.cutoff) == example.expected)
    }

    @Test func refusesALogThatDoesNotContinueTheArchive() {
        let snapshot = EventRetention.Snapshot(
            archivedThrough: 6, acknowledged: 20,
            candidates: [EventRetention.Candidate(sequence: 8, recordedAt: Self.old)])
        #expect(throws: EventRetentionError(code: .logNotContiguous, detail: "the log holds 8 where 7 should follow the archive's 6")) {
            try EventRetention.decide(snapshot, recordedBefore: Self.cutoff)
        }
    }

    struct Read: Sendable {
        var from: Int64
        var archived: Int64
        var readable: Bool
    }

    @Test(arguments: [
        Read(from: 1, archived: 0, readable: true),
        Read(from: 0, archived: 0, readable: true),
        Read(from: 7, archived: 6, readable: true),
        Read(from: 6, archived: 6, readable: false),
        Read(from: 1, archived: 6, readable: false),
    ]) func refusesAReadOfArchivedEventsWith410(_ read: Read) {
        do {
            try EventRetention.checkReadable(from: read.from, archivedThrough: read.archived)
            #expect(read.readable)
        } catch {
            #expect(!read.readable)
            #expect(error.code == .archived)
            #expect(error.problem.status == 410)
            #expect(error.detail.contains("event \(read.from) was archived"))
        }
    }
}
