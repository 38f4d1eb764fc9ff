import Foundation
import GantryTestSupport
@testable import GantryAgent
import GantryCore
import GRDB
import Synchronization
import Testing

/// The MQTT inbox's log on real files: what was written is read back whole, in order, after a crash or a
/// torn write; projected segments go; an inbox of an earlier version is carried over.
@Suite struct InboxLogTests {
    static let t = Date(timeIntervalSince1970: 1_790_000_000.123456)

    static func entry(_ index: Int, qos: Int32 = 1) -> InboxEntry {
        let payload = Array(#"{"good":\#(index),"ts":"2026-09-21T10:00:00Z"}"#.utf8)
        return InboxEntry(
            .message(topic: "gantry/ACME-BER/L1/M\(index % 3)/count", payload: payload, payloadBytes: payload.count, qos: qos),
            receivedAt: t + Double(index))
    }

    static func open(_ folder: String, projectedThrough: Int64 = 0, segmentBytes: Int = InboxLog.defaultSegmentBytes,
                     powerLoss: Bool = false) throws -> InboxLog {
        try InboxLog(folder: folder, powerLoss: powerLoss, projectedThrough: projectedThrough, segmentBytes: segmentBytes,
                     committed: { _ in }, failed: { _, _ in })
    }

    /// What an entry is, comparable.
    static func describe(_ entry: InboxEntry) -> String {
        switch entry.content {
        case .message(let topic, let payload, let payloadBytes, let qos):
            "\(topic) \(String(decoding: payload, as: UTF8.self)) \(payloadBytes) \(qos) \(entry.receivedAt.timeIntervalSince1970)"
        case .signalLost(let cause): "lost \(cause) \(entry.receivedAt.timeIntervalSince1970)"
        }
    }

    static func segments(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".log") }.sorted()
    }

    @Test(arguments: [false, true])
    func entriesComeBackWholeAndInOrderAfterARestart(powerLoss: Bool) async throws {
        try await withTemporaryDirectory { dir in
            let folder = "\(dir)/inbox.d"
            var written = (1...20).map { Self.entry($0) }
            written.append(InboxEntry(.signalLost(cause: "broker-disconnected"), receivedAt: Self.t))
            // A payload over the limit is kept as its first bytes, with its real size.
            written.append(InboxEntry(.message(topic: "gantry/ACME-BER/L1/M1/state", payload: [], payloadBytes: 5_000_000, qos: 0),
                                      receivedAt: Self.t))
            do {
                let log = try Self.open(folder, powerLoss: powerLoss)
                for entry in written.prefix(10) { try log.append(entry) }
                for entry in written.dropFirst(10) { log.enqueue(entry) }
                await log.flushQueued()
            }
            let log = try Self.open(folder, powerLoss: powerLoss)
            #expect(try await log.count(after: 0) == written.count)
            #expect(try await log.count(after: 15) == written.count - 15)
            let read = try log.entriesNow(after: 0, limit: 100)
            #expect(read.map(\.id) == Array(1...Int64(written.count)))
            #expect(read.map { Self.describe($0.entry) } == written.map(Self.describe))
            // New entries follow the old ones.
            try log.append(Self.entry(99))
            #expect(try log.entriesNow(after: Int64(written.count), limit: 10).map(\.id) == [Int64(written.count) + 1])
        }
    }

    /// A power loss can leave the end of the last write half on disk: opening cuts the log after the last whole
    /// record, whatever the damage, and goes on from there.
    @Test(arguments: ["short", "checksum", "garbage"])
    func aTornEndIsCutAndTheLogGoesOn(damage: String) async throws {
        try await withTemporaryDirectory { dir in
            let folder = "\(dir)/inbox.d"
            do {
                let log = try Self.open(folder)
                for index in 1...6 { try log.append(Self.entry(index)) }
            }
            let path = "\(folder)/\(try Self.segments(folder)[0])"
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            switch damage {
            case "short": bytes.removeLast(7)  // the sixth record is cut
            case "checksum": bytes[bytes.count - 3] ^= 0x5A  // the sixth record's payload changed
            default: bytes += [0x30, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7]  // a seventh record begun
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let log = try Self.open(folder)
            let kept = damage == "garbage" ? 6 : 5
            #expect(try await log.count(after: 0) == kept)
            try log.append(Self.entry(50))
            let read = try log.entriesNow(after: 0, limit: 100)
            #expect(read.map(\.id) == Array(1...Int64(kept + 1)))
            #expect(Self.describe(read[kept].entry) == Self.describe(Self.entry(50)))
        }
    }

    @Test func projectedSegmentsAreDeletedAndTheRestIsReadFromTheFiles() async throws {
        try await withTemporaryDirectory { dir in
            let folder = "\(dir)/inbox.d"
            do {
                // ~150 bytes a record: a new segment every seven or so.
                let log = try Self.open(folder, segmentBytes: 1_000)
                for index in 1...100 { try log.append(Self.entry(index)) }
            }
            let before = try Self.segments(folder)
            #expect(before.count >= 10)
            // Reopened, nothing is in memory: every entry comes from the files, a batch at a time.
            let log = try Self.open(folder, segmentBytes: 1_000)
            var read: [InboxLog.Stored] = []
            while let next = try Optional(log.entriesNow(after: read.last?.id ?? 0, limit: 30)), !next.isEmpty { read += next }
            #expect(read.map(\.id) == Array(1...100))
            #expect(read.map { Self.describe($0.entry) } == (1...100).map { Self.describe(Self.entry($0)) })
            log.remove(through: 50)
            let after = try Self.segments(folder)
            #expect(after.count < before.count)
            #expect(try log.entriesNow(after: 50, limit: 100).map(\.id) == Array(51...100))
            #expect(try await log.count(after: 50) == 50)
            log.remove(through: 100)
            #expect(try Self.segments(folder).count == 1)  // the one written to stays
        }
        // Opened with everything projected, the log starts afresh after it.
        try await withTemporaryDirectory { dir in
            let folder = "\(dir)/inbox.d"
            do {
                let log = try Self.open(folder, segmentBytes: 1_000)
                for index in 1...30 { try log.append(Self.entry(index)) }
            }
            let log = try Self.open(folder, projectedThrough: 30, segmentBytes: 1_000)
            #expect(try Self.segments(folder) == ["00000000000000000031.log"])
            #expect(try await log.count(after: 30) == 0)
            try log.append(Self.entry(31))
            #expect(try log.entriesNow(after: 30, limit: 10).map(\.id) == [31])
        }
    }

    /// One agent per inbox: a second opening is refused while the first is open, and allowed once it is gone.
    @Test func aSecondOpeningIsRefusedUntilTheFirstCloses() async throws {
        try await withTemporaryDirectory { dir in
            let folder = "\(dir)/inbox.d"
            do {
                let first = try Self.open(folder)
                try first.append(Self.entry(1))
                #expect(throws: StoreError.self) { try Self.open(folder) }
                do { _ = try Self.open(folder) } catch let error as StoreError {
                    #expect(error.code == .locked)
                    #expect(error.message.contains("the MQTT inbox \(folder)"))
                }
            }
            let again = try Self.open(folder)
            #expect(try await again.count(after: 0) == 1)
        }
    }

    /// A full segment is followed by an empty one at once: a restart before anything went into it must still
    /// find every entry before it.
    @Test func anEmptyNewestSegmentHidesNothing() async throws {
        try await withTemporaryDirectory { dir in
            let folder = "\(dir)/inbox.d"
            do {
                let log = try Self.open(folder, segmentBytes: 1)
                for index in 1...5 { try log.append(Self.entry(index)) }
            }
            #expect(try Self.segments(folder).count == 6)
            let log = try Self.open(folder, projectedThrough: 2, segmentBytes: 1)
            #expect(try await log.count(after: 2) == 3)
            #expect(try log.entriesNow(after: 2, limit: 10).map(\.id) == [3, 4, 5])
            #expect(try Self.segments(folder).count == 4)  // the two projected ones went
        }
    }

    /// What a failed write left past an older segment's end, whole records among it, is not read, and the
    /// segments after it are kept.
    @Test func leftoversInAnOlderSegmentHideNothingAfterThem() async throws {
        try await withTemporaryDirectory { dir in
            let folder = "\(dir)/inbox.d"
            do {
                let log = try Self.open(folder, segmentBytes: 600)
                for index in 1...12 { try log.append(Self.entry(index)) }
            }
            let names = try Self.segments(folder)
            #expect(names.count >= 2)
            // Records for ids the next segment holds, as a failed group write would have left them, then garbage.
            var leftover: [UInt8] = []
            let nextFirst = Int64(names[1].dropLast(4))!
            for id in nextFirst...(nextFirst + 1) { InboxRecord.append(Self.entry(Int(id)), id: id, to: &leftover) }
            leftover += [9, 9, 9]
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(folder)/\(names[0])"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(leftover))
            try handle.close()
            let log = try Self.open(folder, segmentBytes: 600)
            let read = try log.entriesNow(after: 0, limit: 100)
            #expect(read.map(\.id) == Array(1...12))
            #expect(read.map { Self.describe($0.entry) } == (1...12).map { Self.describe(Self.entry($0)) })
        }
    }

    /// A new segment that could not be used (created, then not opened) is left empty while entries go on into
    /// the one before: its name must not hide them, in the middle or at the end.
    @Test func anUnusedSegmentFileHidesNothing() async throws {
        try await withTemporaryDirectory { dir in
            let folder = "\(dir)/inbox.d"
            do {
                let log = try Self.open(folder)
                for index in 1...10 { try log.append(Self.entry(index)) }
            }
            FileManager.default.createFile(atPath: "\(folder)/00000000000000000005.log", contents: Data())
            do {
                let log = try Self.open(folder, projectedThrough: 6)
                #expect(try await log.count(after: 6) == 4)
                #expect(try log.entriesNow(after: 6, limit: 100).map(\.id) == [7, 8, 9, 10])
                try log.append(Self.entry(11))
            }
            FileManager.default.createFile(atPath: "\(folder)/00000000000000000008.log", contents: Data())
            let log = try Self.open(folder, projectedThrough: 6)
            #expect(try log.entriesNow(after: 6, limit: 100).map(\.id) == [7, 8, 9, 10, 11])
        }
    }

    /// A payload larger than the reader's chunk comes back whole from the file.
    @Test func aLargeRecordIsReadBack() async throws {
        try await withTemporaryDirectory { dir in
            let folder = "\(dir)/inbox.d"
            var payload = [UInt8](repeating: 0x41, count: 17 << 20)
            for index in stride(from: 0, to: payload.count, by: 4_099) { payload[index] = UInt8(truncatingIfNeeded: index) }
            let large = InboxEntry(.message(topic: "gantry/ACME-BER/L1/M1/count", payload: payload, payloadBytes: payload.count, qos: 1),
                                   receivedAt: Self.t)
            do {
                let log = try Self.open(folder)
                try log.append(Self.entry(1))
                try log.append(large)
                try log.append(Self.entry(3))
            }
            let log = try Self.open(folder)
            let read = try log.entriesNow(after: 0, limit: 10)
            #expect(read.map(\.id) == [1, 2, 3])
            guard case .message(_, let back, let bytes, _) = read[1].entry.content else { Issue.record("not a message"); return }
            #expect(back == payload && bytes == payload.count)
        }
    }

    @Test func oneAgentAtATime() async throws {
        try await withTemporaryDirectory { dir in
            let log = try Self.open("\(dir)/inbox.d")
            #expect(throws: StoreError.self) { try Self.open("\(dir)/inbox.d") }
            _ = log
        }
    }

    /// An upgraded agent finds the SQLite inbox of its earlier version: what it holds beyond the projection's
    /// progress is projected once, and the old file goes.
    @Test func anInboxOfAnEarlierVersionIsCarriedOver() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER", durability: .processCrash)
            let old = try DatabaseQueue(path: "\(dir)/agent.sqlite-inbox")
            try await old.write { db in
                try db.execute(sql: """
                    CREATE TABLE mqtt_inbox (id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, qos INTEGER,
                        topic TEXT NOT NULL, payload BLOB NOT NULL, payload_bytes INTEGER NOT NULL, lost_cause TEXT)
                    """)
                let base = Date().timeIntervalSince1970 - 600
                for index in 1...3 {
                    let payload = #"{"good":\#(index),"ts":"\#(Timestamp.format(Date(timeIntervalSince1970: base + Double(index))))"}"#
                    try db.execute(
                        sql: "INSERT INTO mqtt_inbox VALUES (?, ?, 1, 'gantry/ACME-BER/L1/M1/count', ?, ?, NULL)",
                        arguments: [index + 6, Int64((base + 10) * 1_000_000), Data(payload.utf8), payload.utf8.count])
                }
                try db.execute(sql: "INSERT INTO mqtt_inbox VALUES (10, ?, NULL, '', x'', 0, 'broker-disconnected')",
                               arguments: [Int64((base + 20) * 1_000_000)])
            }
            try await old.close()
            let inbox = try await store.openMachineInbox(committed: { _ in }, failed: { _, _ in })
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/agent.sqlite-inbox"))
            #expect(try await store.machineInboxBacklog() == 4)
            let projected = try await MachineInboxTests.projectAll(store)
            #expect(projected.entries == 4 && projected.recorded == 3)
            let history = try await store.machineHistory(from: Date() - 3600, to: Date())
            #expect(history.counts.values.map(\.good).reduce(0, +) == 6)
            // New entries come after the carried ones.
            try inbox.append(MachineInboxTests.count(4, at: 1))
            #expect(try await MachineInboxTests.projectAll(store).recorded == 1)
        }
    }
}

/// The projection holds back while messages pour in, and not for longer than it may.
@Suite struct InboxProjectionThreadTests {
    final class Calls: Sendable {
        let times = Mutex<[ContinuousClock.Instant]>([])
    }

    /// Rings as a flood of entries would (far above `busyRate` even if this thread is held up for a while),
    /// for `duration`.
    static func flood(_ thread: InboxProjectionThread, for duration: Duration) {
        let clock = ContinuousClock()
        let end = clock.now + duration
        while clock.now < end {
            thread.ring(entries: 10_000)
            usleep(1_000)
        }
    }

    @Test func aBurstIsTakenBeforeItIsProjected() async throws {
        let calls = Calls()
        let thread = InboxProjectionThread { stopping in
            // As the projection does: asks before its first batch.
            if !stopping() { calls.times.withLock { $0.append(.now) } }
        }
        thread.start()
        Self.flood(thread, for: .milliseconds(400))
        let floodEnded = ContinuousClock.now
        #expect(calls.times.withLock { $0.isEmpty })
        try await Task.sleep(for: .milliseconds(300))
        let first = try #require(calls.times.withLock { $0.first })
        #expect(first >= floodEnded)
        await thread.stop()
    }

    @Test func aFloodThatGoesOnIsProjectedAfterAtMostTheDeferral() async throws {
        let calls = Calls()
        let thread = InboxProjectionThread { stopping in
            // As the projection does: asks before its first batch.
            if !stopping() { calls.times.withLock { $0.append(.now) } }
        }
        thread.start()
        let start = ContinuousClock.now
        Self.flood(thread, for: InboxProjectionThread.maximumDeferral * 2.5)
        let times = calls.times.withLock { $0 }
        #expect(!times.isEmpty)
        #expect(times.first.map { $0 - start >= InboxProjectionThread.maximumDeferral } == true)
        await thread.stop()
    }
}
