import Foundation
import GantryTestSupport
@testable import GantryAgent
import GantryCore
import GRDB
import Testing

/// The MQTT inbox on real files: what it holds is projected exactly once, whatever is interrupted where.
@Suite struct MachineInboxTests {
    static let t = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 3600).rounded())
    static let reading = MachineMessageReading(settings: MQTTSettings(), plantID: "ACME-BER")

    static func message(_ kind: String, _ json: String, qos: Int32 = 1, machine: String = "M1") -> InboxEntry {
        let payload = Array(json.utf8)
        return InboxEntry(
            .message(topic: "gantry/ACME-BER/L1/\(machine)/\(kind)", payload: payload, payloadBytes: payload.count, qos: qos),
            receivedAt: t)
    }

    static func count(_ good: Int, at offset: Double) -> InboxEntry {
        message("count", #"{"good":\#(good),"ts":"\#(Timestamp.format(t - offset))"}"#)
    }

    static func openStore(_ dir: String) throws -> SQLitePlantStore {
        try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER", durability: .processCrash)
    }

    static func projectAll(_ store: SQLitePlantStore) async throws -> InboxProjection {
        var total = InboxProjection()
        while true {
            let done = try await store.projectMachineInbox(limit: 3, read: reading.read)
            if done.entries == 0 { return total }
            total.add(done)
        }
    }

    static func goodParts(_ store: SQLitePlantStore) async throws -> Int64 {
        try await store.machineHistory(from: t - 600, to: t).counts[MachineID(line: "L1", machine: "M1")]?.good ?? 0
    }

    @Test func entriesACrashLeftInTheInboxAreProjectedOnceOnRestart() async throws {
        try await withTemporaryDirectory { dir in
            do {
                let store = try Self.openStore(dir)
                let inbox = try await store.openMachineInbox(committed: { _ in }, failed: { _, _ in })
                for offset in 1...7 { try inbox.append(Self.count(1, at: Double(9 - offset))) }
                inbox.enqueue(Self.count(10, at: 1))  // QoS 0, group-committed
                await inbox.flushQueued()
                try inbox.append(InboxEntry(.signalLost(cause: "broker-disconnected"), receivedAt: Self.t))
                // The process dies here: nothing was projected.
            }
            let store = try Self.openStore(dir)
            _ = try await store.openMachineInbox(committed: { _ in }, failed: { _, _ in })
            #expect(try await store.machineInboxBacklog() == 9)
            let projected = try await Self.projectAll(store)
            #expect(projected.entries == 9 && projected.recorded == 8 && projected.duplicates == 0)
            #expect(try await store.machineInboxBacklog() == 0)
            #expect(try await Self.goodParts(store) == 17)
            let events = try await store.events(from: 1, maxEvents: 100, maxBytes: 1 << 20)
            // Projected three entries at a time: one event for each transaction's messages, the lost signal after them.
            #expect(events.map(\.type) == Array(repeating: "MachineSignalsReported", count: 3) + ["MachineSignalLost"])
            let reported = try events.dropLast().map {
                try MachineSignalsReported.decode(type: $0.type, schemaVersion: $0.schemaVersion, payload: $0.payload)
            }
            #expect(reported.map(\.counts.count) == [3, 3, 2] && reported.allSatisfy(\.states.isEmpty))
            #expect(reported.flatMap(\.counts).map(\.good).reduce(0, +) == 17)
            #expect(Set(events.map(\.id)).count == 4 && events.allSatisfy { Array($0.id.uuidString)[14] == "7" })
        }
    }

    /// Signals share an event appended after their rows; a repeat or a contradiction of a signal whose event
    /// is still to come is found all the same, and a lost signal's event comes after the signals before it.
    @Test func signalsShareAnEventWithoutHidingRepeatsOrContradictions() async throws {
        try await withTemporaryDirectory { dir in
            let store = try Self.openStore(dir)
            let inbox = try await store.openMachineInbox(committed: { _ in }, failed: { _, _ in })
            let entries = [
                Self.count(1, at: 9), Self.count(2, at: 8),
                Self.count(2, at: 8),  // a repeat of one waiting: changes nothing
                Self.count(5, at: 8),  // another count at the same instant: a dead letter
                Self.message("state", #"{"state":"down","reason":"JAM","ts":"\#(Timestamp.format(Self.t - 7))"}"#),
                Self.count(4, at: 10),  // older than those before it: recorded all the same
                InboxEntry(.signalLost(cause: "broker-disconnected"), receivedAt: Self.t),
                Self.count(8, at: 6),
            ]
            for entry in entries { try inbox.append(entry) }
            let projected = try await store.projectMachineInbox(limit: 100, read: Self.reading.read)
            #expect(projected.entries == 8 && projected.recorded == 5 && projected.duplicates == 1 && projected.deadLetters == 1)
            #expect(try await Self.goodParts(store) == 15)
            let events = try await store.events(from: 1, maxEvents: 100, maxBytes: 1 << 20)
            #expect(events.map(\.type) == ["MachineSignalsReported", "MachineSignalLost", "MachineSignalsReported"])
            let reported = try events.filter { $0.type == MachineSignalsReported.eventType }.map {
                try MachineSignalsReported.decode(type: $0.type, schemaVersion: $0.schemaVersion, payload: $0.payload)
            }
            #expect(reported.map { $0.counts.map(\.good) } == [[1, 2, 4], [8]])
            #expect(reported.map { $0.states.map(\.reason) } == [["JAM"], []])
            // Each row names the event that carries it.
            let rows = try await store.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT good, seq FROM machine_counts ORDER BY at").map { ($0[0] as Int64, $0[1] as Int64) }
            }
            let sequences = events.map(\.sequence)
            #expect(rows.map(\.0) == [4, 1, 2, 8])
            #expect(rows.map(\.1) == [sequences[0], sequences[0], sequences[0], sequences[2]])
            // An event's time is its earliest signal's.
            #expect(abs(events[0].occurredAt.timeIntervalSince(Self.t - 10)) < 0.001)
        }
    }

    /// The store records how far it projected; entries still in the inbox through there (the segment being
    /// written, or one a crash kept from being deleted) must not be projected again, even when the inbox is
    /// put back as it was before the projection, and later entries must not be mistaken for them.
    @Test func entriesProjectedButNotYetDeletedAreNotProjectedAgain() async throws {
        try await withTemporaryDirectory { dir in
            let inboxFolder = "\(dir)/agent.sqlite-inbox.d"
            let copyFolder = "\(dir)/inbox-copy"
            do {
                let store = try Self.openStore(dir)
                let inbox = try await store.openMachineInbox(committed: { _ in }, failed: { _, _ in })
                for offset in 1...4 { try inbox.append(Self.count(1, at: Double(offset))) }
            }
            try FileManager.default.copyItem(atPath: inboxFolder, toPath: copyFolder)
            do {
                let store = try Self.openStore(dir)
                _ = try await store.openMachineInbox(committed: { _ in }, failed: { _, _ in })
                #expect(try await Self.projectAll(store).recorded == 4)
            }
            // As if the deletion after the projection had not happened: the projected entries are back.
            try FileManager.default.removeItem(atPath: inboxFolder)
            try FileManager.default.moveItem(atPath: copyFolder, toPath: inboxFolder)
            let store = try Self.openStore(dir)
            let inbox = try await store.openMachineInbox(committed: { _ in }, failed: { _, _ in })
            #expect(try await store.machineInboxBacklog() == 0)
            try inbox.append(Self.count(1, at: 5))
            let projected = try await Self.projectAll(store)
            #expect(projected.entries == 1 && projected.recorded == 1)
            #expect(try await Self.goodParts(store) == 5)
        }
    }

    /// The projection skips looking for an earlier message when one is newer than all stored for its machine:
    /// late and repeated ones must still be found, within a transaction and across them.
    @Test func lateMessagesAreStillCheckedForRepeatsAndContradictions() async throws {
        try await withTemporaryDirectory { dir in
            let store = try Self.openStore(dir)
            let inbox = try await store.openMachineInbox(committed: { _ in }, failed: { _, _ in })
            for entry in [
                Self.count(1, at: 5), Self.count(2, at: 1),
                Self.count(1, at: 5),  // a redelivery, older than the newest
                Self.count(4, at: 5),  // contradicts it
                Self.count(8, at: 9),  // late but new
            ] {
                try inbox.append(entry)
            }
            var projected = try await store.projectMachineInbox(limit: 100, read: Self.reading.read)
            #expect(projected.entries == 5 && projected.recorded == 3 && projected.duplicates == 1 && projected.deadLetters == 1)
            for entry in [Self.count(2, at: 1), Self.count(8, at: 9), Self.count(16, at: 0.5)] { try inbox.append(entry) }
            projected = try await store.projectMachineInbox(limit: 100, read: Self.reading.read)
            #expect(projected.entries == 3 && projected.recorded == 1 && projected.duplicates == 2)
            #expect(try await Self.goodParts(store) == 27)
        }
    }

    @Test func deadLettersDuplicatesAndContradictionsComeOutOfTheInboxAsBefore() async throws {
        try await withTemporaryDirectory { dir in
            let store = try Self.openStore(dir)
            let inbox = try await store.openMachineInbox(committed: { _ in }, failed: { _, _ in })
            let oversized = Array(repeating: UInt8(ascii: "x"), count: 5000)
            for entry in [
                Self.count(2, at: 1), Self.count(2, at: 1),  // a redelivery
                Self.count(3, at: 1),  // contradicts the first
                Self.message("state", "not json"), Self.message("state", "not json"),  // junk, redelivered
                Self.message("state", #"{"state":"exploded","ts":"\#(Timestamp.format(Self.t))"}"#),
                InboxEntry(.message(topic: "gantry/ACME-BER/L1/M1/state", payload: Array(oversized.prefix(1024)),
                                    payloadBytes: oversized.count, qos: 1), receivedAt: Self.t),
            ] {
                try inbox.append(entry)
            }
            let projected = try await Self.projectAll(store)
            #expect(projected.entries == 7 && projected.recorded == 1)
            #expect(projected.duplicates == 2 && projected.deadLetters == 4)
            let letters = try await store.deadLetters(limit: 10)
            #expect(letters.map(\.reason).sorted() == [
                "another count was reported for L1/M1 at \(Timestamp.format(Self.t - 1))",
                "payload is not a JSON object",
                "payload of 5000 bytes exceeds 4096",
                "unknown state \"exploded\" (expected running, setup, idle, down or planned_stop)",
            ])
            #expect(letters.first { $0.payloadBytes == 5000 }?.payload.count == 1024)
        }
    }
}
