import Foundation
import GantryCore
import GantryTestSupport
@testable import GantryAgent
import GRDB
import Synchronization
import Testing

/// The agent's event retention on real SQLite files (docs/reliability.md, "Retention"): acknowledged events old
/// enough leave the log for the monthly archive files, nothing else does, state stays whole, and the file's pages
/// are reused.
@Suite struct EventRetentionStoreTests {
    /// 2027-01-15T08:00:00Z.
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    func scan(_ data: String, id: UUID = UUID()) -> ScanRecorded {
        ScanRecorded(scanID: id, device: "dock-1", data: data)
    }

    /// The agent's clock, moved by the test.
    final class MovingClock: Sendable {
        private let now = Mutex(EventRetentionStoreTests.start)
        func withLock<T: Sendable>(_ body: (inout Date) -> T) -> T { now.withLock { body(&$0) } }
    }

    /// A store whose clock the test moves.
    func withStore(_ body: (SQLitePlantStore, String, MovingClock) async throws -> Void) async throws {
        try await withTemporaryDirectory { dir in
            let clock = MovingClock()
            let store = try SQLitePlantStore(
                path: "\(dir)/agent.sqlite", plantID: "ACME-BER", durability: .processCrash, now: { clock.withLock { $0 } })
            try await body(store, "\(dir)/agent.sqlite", clock)
        }
    }

    @Test func onlyAcknowledgedOldEventsLeaveAndTheStateStaysWhole() async throws {
        try await withStore { store, path, clock in
            let ids = (1...10).map { _ in UUID() }
            for index in 0..<10 {
                _ = try await store.recordScan(scan("S\(index + 1)", id: ids[index]), occurredAt: Self.start)
            }
            let before = try await store.storedEvents(from: 1, maxEvents: 100, maxBytes: 1 << 20)
            clock.withLock { $0 = Self.start.addingTimeInterval(40 * 86_400) }
            // Recorded now, 40 days on: too young to leave.
            for index in 10..<12 { _ = try await store.recordScan(scan("S\(index + 1)"), occurredAt: Self.start) }
            try await store.recordAcknowledgement(through: 8)
            let cutoff = Self.start.addingTimeInterval(10 * 86_400)

            // 1…7 leave: 8 is the newest acknowledged one, 9 and 10 are not acknowledged, 11 and 12 are young.
            let pass = try await store.archiveEvents(recordedBefore: cutoff, batchEvents: 3)
            #expect(pass == ArchivePass(events: 7, through: 7))
            #expect(try await store.archivedThrough() == 7)
            #expect(try await store.archiveEvents(recordedBefore: cutoff, batchEvents: 3) == ArchivePass())

            // The log reads from 8 on; a read from before is refused with the archived range named.
            #expect(try await store.storedEvents(from: 8, maxEvents: 100, maxBytes: 1 << 20).map(\.sequence) == Array(8...12))
            await #expect(throws: EventRetentionError.self) { _ = try await store.storedEvents(from: 3, maxEvents: 10, maxBytes: 1 << 20) }
            let position = try await store.position()
            #expect(position.head == 12 && position.acknowledged == 8 && position.backlogEvents == 4)
            let backlog = before[8..<10].reduce(0) { $0 + $1.payload.utf8.count }
            #expect(position.backlogBytes >= Int64(backlog))

            // The archive holds exactly events 1…7, as stored, in January 2027's file.
            let files = EventArchiveFiles(storePath: path)
            #expect(files.months() == ["2027-01"])
            let archived = try files.lines(month: "2027-01").flatMap { line in try SyncBatchReader.read(line).events }
            #expect(archived.map(\.sequence) == Array(1...7))
            #expect(archived == (try before.prefix(7).map { try $0.envelope() }))

            // State stays whole: every scan is still there; a repeat of an archived scan is refused clearly, a repeat of
            // one still in the log answers its first receipt.
            let scans = try await store.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM scans") }
            #expect(scans == 12)
            await #expect(throws: StoreError(.idempotencyConflict, "scan \(ids[0]) was recorded long ago at sequence 1, and its event has been archived")) {
                _ = try await store.recordScan(scan("S1", id: ids[0]), occurredAt: Self.start)
            }
            let repeated = try await store.recordScan(scan("S9", id: ids[8]), occurredAt: Self.start)
            #expect(repeated.duplicate && repeated.sequence == 9)

            // The log refuses to lose an event not acknowledged, or the newest acknowledged one, whoever asks.
            for sequence in [8, 9] {
                await #expect(throws: DatabaseError.self) {
                    try await store.pool.write { try $0.execute(sql: "DELETE FROM events WHERE seq = ?", arguments: [sequence]) }
                }
            }
        }
    }

    @Test func theHubAskingForArchivedEventsAfterARestoreGetsAClearAnswer() async throws {
        try await withStore { store, _, clock in
            for index in 0..<6 { _ = try await store.recordScan(scan("S\(index)"), occurredAt: Self.start) }
            try await store.recordAcknowledgement(through: 6)
            clock.withLock { $0 = Self.start.addingTimeInterval(31 * 86_400) }
            #expect(try await store.archiveEvents(recordedBefore: Self.start.addingTimeInterval(86_400), batchEvents: 100).through == 5)
            // The hub restored an older database and asks for a resend from 3.
            try await store.recordAcknowledgement(through: 2)
            do {
                _ = try await store.storedEvents(from: 3, maxEvents: 10, maxBytes: 1 << 20)
                Issue.record("archived events were read")
            } catch let error as EventRetentionError {
                #expect(error.code == .archived)
                #expect(error.detail.hasPrefix("event 3 was archived (events 1 to 5 left this store's log"))
            }
            // Nothing more leaves while the acknowledgement is behind the archive.
            #expect(try await store.archiveEvents(recordedBefore: clock.withLock { $0 }, batchEvents: 100) == ArchivePass())
        }
    }

    /// A day of scans, acknowledged and archived, three times over: from the second day on, the file grows only by
    /// the scans' state rows, because the events' freed pages are reused (no VACUUM runs).
    @Test func theFileReusesTheArchivedEventsPages() async throws {
        try await withStore { store, _, clock in
            func usedBytes() async throws -> Int {
                try await store.pool.read { db in
                    let pages = try Int.fetchOne(db, sql: "PRAGMA page_count")! - Int.fetchOne(db, sql: "PRAGMA freelist_count")!
                    return try pages * Int.fetchOne(db, sql: "PRAGMA page_size")!
                }
            }
            func fileBytes() async throws -> Int {
                try await store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count")! * Int.fetchOne(db, sql: "PRAGMA page_size")! }
            }
            var sizes: [Int] = [try await fileBytes()]
            var used: [Int] = [try await usedBytes()]
            for day in 0..<4 {
                clock.withLock { $0 = Self.start.addingTimeInterval(Double(day) * 86_400) }
                for index in 0..<1500 {
                    _ = try await store.recordScan(scan("(01)09506000134352(10)LOT\(day)-\(index)(21)\(index)"), occurredAt: Self.start)
                }
                let head = try await store.position().head
                try await store.recordAcknowledgement(through: head)
                _ = try await store.archiveEvents(recordedBefore: clock.withLock { $0 }.addingTimeInterval(1), batchEvents: 1000)
                try await store.pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
                sizes.append(try await fileBytes())
                used.append(try await usedBytes())
            }
            let firstDay = sizes[1] - sizes[0]
            let laterDays = sizes[4] - sizes[2]
            print("retention: file grew \(firstDay) bytes on day 1, \(laterDays / 2) bytes a day after; used \(used)")
            // Without reuse each day would add what the first did; with it, only the kept state rows (under half).
            #expect(laterDays / 2 < firstDay / 2)
        }
    }

    /// The figures docs/reliability.md gives: bytes a scan and a machine message add to the store, split into what
    /// retention archives (the event) and what stays (the state row), and the archive's bytes per event.
    @Test func measuresBytesPerScanAndPerMachineMessage() async throws {
        try await withStore { store, path, clock in
            func usedBytes() async throws -> Int {
                try await store.pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
                return try await store.pool.read { db in
                    let pages = try Int.fetchOne(db, sql: "PRAGMA page_count")! - Int.fetchOne(db, sql: "PRAGMA freelist_count")!
                    return try pages * Int.fetchOne(db, sql: "PRAGMA page_size")!
                }
            }
            let count = 3000
            let empty = try await usedBytes()
            for index in 0..<count {
                _ = try await store.recordScan(
                    scan("(01)09506000134352(10)LOT\(index % 50)(17)270131(21)SN\(100_000 + index)"), occurredAt: Self.start)
            }
            let afterScans = try await usedBytes()
            for index in 0..<count {
                let at = Self.start.addingTimeInterval(Double(index))
                let machine = "M\(index % 40)"
                let signal: MachineSignal = index % 4 == 0
                    ? .state(MachineStateChanged(line: "L1", machine: machine, state: index % 8 == 0 ? .running : .down, reason: index % 8 == 0 ? nil : "JAM", at: at))
                    : .count(MachineCountReported(line: "L1", machine: machine, good: 12, scrap: 1, at: at))
                _ = try store.recordMachineSignalNow(signal, topic: "gantry/ACME-BER/L1/\(machine)/x", payload: [], receivedAt: at)
            }
            let afterMachines = try await usedBytes()
            let head = try await store.position().head
            try await store.recordAcknowledgement(through: head)
            clock.withLock { $0 = Self.start.addingTimeInterval(86_400 * 40) }
            let pass = try await store.archiveEvents(recordedBefore: Self.start.addingTimeInterval(86_400), batchEvents: 1000)
            #expect(pass.events == Int(head) - 1)
            let afterArchive = try await usedBytes()
            let archiveBytes = EventArchiveFiles(storePath: path).months().reduce(0) { total, month in
                total + ((try? FileManager.default.attributesOfItem(atPath: EventArchiveFiles(storePath: path).path(month: month))[.size] as? NSNumber)?.intValue ?? 0)
            }
            let perScan = Double(afterScans - empty) / Double(count)
            let perMessage = Double(afterMachines - afterScans) / Double(count)
            let kept = Double(afterArchive - empty) / Double(2 * count)
            let archivedPerEvent = Double(archiveBytes) / Double(pass.events)
            print(String(format: "retention figures: %.0f bytes a scan, %.0f bytes a machine message (one event each); "
                + "%.0f bytes an event+state kept after archiving (state rows); archive %.0f bytes an event (gzip)",
                perScan, perMessage, kept, archivedPerEvent))
            // What the figures must show: events are most of a scan's bytes, archiving frees them, the archive is smaller.
            #expect(perScan > 200 && perScan < 2000)
            #expect(kept < perScan * 0.75)
            #expect(archivedPerEvent < perScan / 2)
        }
    }

    @Test func retentionIsOffUnlessConfigured() throws {
        let required = ["GANTRY_AGENT_PLANT_ID": "ACME-BER", "GANTRY_AGENT_HUB_URL": "http://hub:8480", "GANTRY_AGENT_HUB_TOKEN": "t"]
        func load(_ extra: [String: String]) throws -> RetentionSettings {
            try AgentConfiguration.load(path: nil, environment: required.merging(extra) { $1 }).retention
        }
        #expect(try load([:]).eventsAfter == nil)
        #expect(try load(["GANTRY_AGENT_RETENTION_EVENTS_AFTER": "off"]).eventsAfter == nil)
        let thirtyDays = try load([
            "GANTRY_AGENT_RETENTION_EVENTS_AFTER": "30d", "GANTRY_AGENT_RETENTION_CHECK_INTERVAL": "15m",
            "GANTRY_AGENT_RETENTION_BATCH_EVENTS": "200",
        ])
        #expect(thirtyDays.eventsAfter == .seconds(30 * 86_400))
        #expect(thirtyDays.checkInterval == .seconds(900) && thirtyDays.batchEvents == 200)
        #expect(throws: ConfigurationError.self) { try load(["GANTRY_AGENT_RETENTION_EVENTS_AFTER": "soon"]) }
    }
}
