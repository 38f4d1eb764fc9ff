import Foundation
import GantryTestSupport
@testable import GantryAgent
import GantryCore
import GRDB
import Synchronization
import Testing

@Suite struct PlantStoreTests {
    func scan(_ data: String, id: UUID = UUID(), device: String = "dock-1") -> ScanRecorded {
        ScanRecorded(scanID: id, device: device, data: data)
    }

    @Test func scansAppendGapFreeEventsUnderConcurrency() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER")
            let receipts = try await withThrowingTaskGroup(of: ScanReceipt.self) { group in
                for index in 0..<200 {
                    group.addTask { try await store.recordScan(scan("S\(index)"), occurredAt: Date()) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(receipts.map(\.sequence)) == Set(1...200))
            let events = try await store.events(from: 1, maxEvents: 1000, maxBytes: 1 << 30)
            #expect(events.map(\.sequence) == Array(1...200))
            #expect(Set(events.map(\.id)).count == 200)
            #expect(events.allSatisfy { $0.type == "ScanRecorded" && $0.schemaVersion == 1 })
            // Each scan's event carries that scan.
            for receipt in receipts {
                let event = events[Int(receipt.sequence) - 1]
                let recorded = try ScanRecorded.decode(type: event.type, schemaVersion: 1, payload: event.payload)
                #expect(recorded.scanID == receipt.scanID)
                #expect(event.id == receipt.eventID)
            }
        }
    }

    @Test func eventIDsAreTimeOrderedSoNewOnesSortLast() async throws {
        try await withTemporaryDirectory { dir in
            // Half-way through each millisecond, so that reading the time back cannot round it into another.
            let clock = Mutex(Date(timeIntervalSince1970: 1_800_000_000.0005))
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER") {
                clock.withLock { now in
                    now += 0.001
                    return now
                }
            }
            for index in 0..<50 { _ = try await store.recordScan(scan("S\(index)"), occurredAt: Date()) }
            let events = try await store.events(from: 1, maxEvents: 100, maxBytes: 1 << 20)
            #expect(events.count == 50)
            #expect(events.map(\.id.uuidString) == events.map(\.id.uuidString).sorted())
            for event in events {
                // Version 7 (RFC 9562): the recording time in Unix milliseconds, then the version, then random bits.
                let milliseconds = withUnsafeBytes(of: event.id.uuid) { bytes in bytes.prefix(6).reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
                #expect(milliseconds == UInt64((event.recordedAt.timeIntervalSince1970 * 1000).rounded(.down)))
                #expect(event.id.uuid.6 >> 4 == 7 && event.id.uuid.8 >> 6 == 0b10)
            }
            #expect(Set(events.map(\.id)).count == 50)
        }
    }

    @Test func theSameScanIdIsOneScan() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER")
            let id = UUID()
            let first = try await store.recordScan(scan("0109506000134352", id: id), occurredAt: Date())
            let again = try await store.recordScan(scan("0109506000134352", id: id), occurredAt: Date())
            #expect(!first.duplicate && again.duplicate)
            #expect(again.sequence == first.sequence && again.eventID == first.eventID)
            #expect(try await store.position().head == 1)
            await #expect(throws: StoreError.self) {
                try await store.recordScan(scan("something else", id: id), occurredAt: Date())
            }
            #expect(try await store.position().head == 1, "a refused intent appends nothing")
        }
    }

    @Test func aRefusedIntentLeavesItsGroupIntact() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER")
            let id = UUID()
            _ = try await store.recordScan(scan("A", id: id), occurredAt: Date())
            // Many writers at once end up in shared group commits; the conflicting ones must fail alone.
            let results = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<100 {
                    group.addTask {
                        let body = index % 10 == 0 ? scan("conflict", id: id) : scan("B\(index)")
                        return (try? await store.recordScan(body, occurredAt: Date())) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 90)
            let position = try await store.position()
            #expect(position.head == 91)
            let events = try await store.events(from: 1, maxEvents: 1000, maxBytes: 1 << 30)
            #expect(events.map(\.sequence) == Array(1...91))
        }
    }

    @Test func batchesStopAtTheByteBudgetButNeverComeBackEmpty() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER")
            for index in 0..<10 {
                _ = try await store.recordScan(scan(String(repeating: "X", count: 1000) + "\(index)"), occurredAt: Date())
            }
            #expect(try await store.events(from: 1, maxEvents: 100, maxBytes: 3500).count == 3)
            #expect(try await store.events(from: 4, maxEvents: 2, maxBytes: 1 << 20).map(\.sequence) == [4, 5])
            #expect(try await store.events(from: 1, maxEvents: 100, maxBytes: 10).count == 1)
            #expect(try await store.events(from: 11, maxEvents: 100, maxBytes: 1 << 20).isEmpty)
        }
    }

    @Test func positionTracksBacklogEventsBytesAndAge() async throws {
        try await withTemporaryDirectory { dir in
            let clock = TestNow(Date(timeIntervalSince1970: 1_000_000))
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER", now: { clock.now })
            #expect(try await store.position() == LogPosition(head: 0, acknowledged: 0, backlogBytes: 0, oldestUnsyncedAt: nil))
            for index in 0..<5 {
                clock.now = Date(timeIntervalSince1970: 1_000_000 + Double(index))
                _ = try await store.recordScan(scan("S\(index)"), occurredAt: clock.now)
            }
            let events = try await store.events(from: 1, maxEvents: 10, maxBytes: 1 << 20)
            let bytes = try events.map { try WireFormat.encoder().encode($0.payload).count }
            var position = try await store.position()
            #expect(position.head == 5 && position.backlogEvents == 5)
            #expect(position.backlogBytes == Int64(bytes.reduce(0, +)))
            #expect(position.oldestUnsyncedAt == Date(timeIntervalSince1970: 1_000_000))
            try await store.recordAcknowledgement(through: 3)
            position = try await store.position()
            #expect(position.backlogEvents == 2)
            #expect(position.backlogBytes == Int64(bytes[3] + bytes[4]))
            #expect(position.oldestUnsyncedAt == Date(timeIntervalSince1970: 1_000_003))
            try await store.recordAcknowledgement(through: 5)
            #expect(try await store.position().oldestUnsyncedAt == nil)
        }
    }

    @Test func everythingSurvivesReopening() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/agent.sqlite"
            do {
                let store = try SQLitePlantStore(path: path, plantID: "ACME-BER")
                _ = try await store.recordScan(scan("A"), occurredAt: Date())
                _ = try await store.recordScan(scan("B"), occurredAt: Date())
                try await store.recordAcknowledgement(through: 1)
            }
            let reopened = try SQLitePlantStore(path: path, plantID: "ACME-BER")
            let position = try await reopened.position()
            #expect(position.head == 2 && position.acknowledged == 1)
            #expect(try await reopened.recordScan(scan("C"), occurredAt: Date()).sequence == 3)
        }
    }

    @Test func aStoreBelongsToOnePlant() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/agent.sqlite"
            _ = try SQLitePlantStore(path: path, plantID: "ACME-BER")
            #expect { try SQLitePlantStore(path: path, plantID: "ACME-HAM") } throws: { error in
                (error as? StoreError)?.code == .plantMismatch
            }
        }
    }

    @Test func aSecondProcessCannotOpenAStoreInUse() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/agent.sqlite"
            let first = try SQLitePlantStore(path: path, plantID: "ACME-BER")
            // flock is per open file description, so a second open in this process conflicts like another process would.
            #expect { try SQLitePlantStore(path: path, plantID: "ACME-BER") } throws: { error in
                (error as? StoreError)?.code == .locked
            }
            _ = first
        }
    }

    @Test func aStoreFromANewerAgentIsRefused() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/agent.sqlite"
            do { _ = try SQLitePlantStore(path: path, plantID: "ACME-BER") }
            let queue = try DatabaseQueue(path: path)
            try await queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('99-from-the-future')") }
            #expect { try SQLitePlantStore(path: path, plantID: "ACME-BER") } throws: { error in
                (error as? StoreError)?.code == .newerSchema
            }
        }
    }

    @Test func theEventLogIsAppendOnly() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/agent.sqlite"
            do {
                let store = try SQLitePlantStore(path: path, plantID: "ACME-BER")
                _ = try await store.recordScan(scan("A"), occurredAt: Date())
            }
            let queue = try DatabaseQueue(path: path)
            await #expect(throws: DatabaseError.self) { try await queue.write { try $0.execute(sql: "DELETE FROM events") } }
            await #expect(throws: DatabaseError.self) {
                try await queue.write { try $0.execute(sql: "UPDATE events SET payload = '{}'") }
            }
            await #expect(throws: DatabaseError.self) {
                try await queue.write { try $0.execute(sql: """
                    INSERT INTO events (seq, event_id, type, schema_version, occurred_at, recorded_at, payload, log_bytes)
                    VALUES (5, 'x', 'T', 1, '', '', '{}', 0)
                    """) }
            }
        }
    }

    @Test func aMissingFolderIsAClearError() {
        #expect { try SQLitePlantStore(path: "/nonexistent-gantry/agent.sqlite", plantID: "ACME-BER") } throws: { error in
            (error as? StoreError)?.code == .unusable && "\(error)".contains("/nonexistent-gantry")
        }
    }

    @Test func waitingForEventsWakesOnAppendAndTimesOut() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER")
            #expect(await store.waitForEvents(after: 0, timeout: .milliseconds(20)) == 0)
            async let woken = store.waitForEvents(after: 0, timeout: .seconds(30))
            try await Task.sleep(for: .milliseconds(20))
            _ = try await store.recordScan(scan("A"), occurredAt: Date())
            #expect(await woken == 1)
        }
    }
}

/// A settable clock for `recordedAt`.
/// `@unchecked Sendable`: tests set it only between awaited store calls, never concurrently with them.
final class TestNow: @unchecked Sendable {
    var now: Date
    init(_ now: Date) { self.now = now }
}

@Suite struct SignalGapTests {
    /// The agent notices a loss on its own clock; a state already heard with a later machine timestamp
    /// proves the signal was alive until then, so the unknown time starts there and never eats a stop.
    @Test func aGapNeverStartsBeforeAStateAlreadyHeard() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER")
            let t = Date(timeIntervalSince1970: 1_800_000_000)
            let down = MachineSignal.state(MachineStateChanged(line: "L1", machine: "M1", state: .down, reason: nil, at: t + 100))
            _ = try store.recordMachineSignalNow(down, topic: "t", payload: [], receivedAt: t)
            try store.recordSignalLostNow(cause: "broker-disconnected", at: t + 50)
            let history = try await store.machineHistory(from: t, to: t + 200)
            let summary = try #require(history.timelines[MachineID(line: "L1", machine: "M1")]).summary(from: t, to: t + 200)
            #expect(abs((summary.seconds[.unknown] ?? 0) - 200) < 0.001, "before the first state and from the loss on, nothing is known")
            #expect((summary.seconds[.down] ?? 1) < 0.001)
            let events = try await store.events(from: 1, maxEvents: 10, maxBytes: 1 << 20)
            #expect(events.last?.type == "MachineSignalLost")
            #expect(abs((events.last?.occurredAt ?? t).timeIntervalSince(t + 100)) < 0.001)
        }
    }
}

@Suite struct MachineRowMigrationTests {
    /// A store an earlier agent wrote (an event per machine message, rows with a foreign key to it) keeps its
    /// rows when the rows lose the key, and records signals on top of them the new way.
    @Test func machineRowsFromAnEarlierAgentSurviveTheUpgrade() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/agent.sqlite"
            let t = Date(timeIntervalSince1970: 1_800_000_000)
            do {
                let queue = try DatabaseQueue(path: path)
                try SQLitePlantStore.migrator.migrate(queue, upTo: "10-instructions-and-approvals")
                try await queue.write { db in
                    var tail = try EventLogTail(db)
                    let running = MachineStateChanged(line: "L1", machine: "M1", state: .running, reason: nil, at: t)
                    let event = try tail.append(running, occurredAt: t, recordedAt: t)
                    try db.execute(
                        sql: "INSERT INTO machine_states (line, machine, at, state, reason, seq) VALUES ('L1', 'M1', ?, 'running', NULL, ?)",
                        arguments: [Timestamp.format(t), event.sequence])
                    let counted = MachineCountReported(line: "L1", machine: "M1", good: 7, scrap: 1, at: t + 10)
                    let second = try tail.append(counted, occurredAt: t + 10, recordedAt: t)
                    try db.execute(
                        sql: "INSERT INTO machine_counts (line, machine, at, good, scrap, seq) VALUES ('L1', 'M1', ?, 7, 1, ?)",
                        arguments: [Timestamp.format(t + 10), second.sequence])
                }
                try queue.close()
            }
            let store = try SQLitePlantStore(path: path, plantID: "ACME-BER")
            let down = MachineSignal.state(MachineStateChanged(line: "L1", machine: "M1", state: .down, reason: "JAM", at: t + 60))
            #expect(try store.recordMachineSignalNow(down, topic: "t", payload: [], receivedAt: t + 60) == .recorded(sequence: 3))
            let again = MachineSignal.count(MachineCountReported(line: "L1", machine: "M1", good: 7, scrap: 1, at: t + 10))
            #expect(try store.recordMachineSignalNow(again, topic: "t", payload: [], receivedAt: t + 60) == .duplicate)
            let history = try await store.machineHistory(from: t, to: t + 100)
            let summary = try #require(history.timelines[MachineID(line: "L1", machine: "M1")]).summary(from: t, to: t + 100)
            #expect(summary.seconds[.running] == 60 && summary.seconds[.down] == 40)
            #expect(history.counts[MachineID(line: "L1", machine: "M1")]?.good == 7)
            let seqs = try await store.pool.read { db in try Int64.fetchAll(db, sql: "SELECT seq FROM machine_states ORDER BY at") }
            #expect(seqs == [1, 3])
            let types = try await store.events(from: 1, maxEvents: 10, maxBytes: 1 << 20).map(\.type)
            #expect(types == ["MachineStateChanged", "MachineCountReported", "MachineSignalsReported"])
        }
    }
}

@Suite struct MachineHistoryTests {
    /// The window reads only the last state and lost signal before it, plus what lies inside it.
    @Test func theStateAtTheWindowsStartComesFromBeforeIt() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER")
            let t = Date(timeIntervalSince1970: 1_800_000_000)
            func state(_ machine: String, _ state: MachineState, _ offset: Double) throws {
                let signal = MachineSignal.state(MachineStateChanged(line: "L1", machine: machine, state: state, reason: nil, at: t + offset))
                _ = try store.recordMachineSignalNow(signal, topic: "t", payload: [], receivedAt: t)
            }
            try state("A", .setup, -500)
            try state("B", .running, -300)
            try store.recordSignalLostNow(cause: "broker-disconnected", at: t - 200)
            try state("A", .running, -100)  // A is heard again; B is not
            try state("A", .down, 50)
            try state("B", .down, 50)
            let history = try await store.machineHistory(from: t, to: t + 100)
            let a = try #require(history.timelines[MachineID(line: "L1", machine: "A")]).summary(from: t, to: t + 100)
            let b = try #require(history.timelines[MachineID(line: "L1", machine: "B")]).summary(from: t, to: t + 100)
            #expect(a.seconds[.running] == 50 && a.seconds[.down] == 50 && a.seconds[.setup] == 0)
            #expect(b.seconds[.unknown] == 50 && b.seconds[.down] == 50 && b.seconds[.running] == 0)
        }
    }
}
