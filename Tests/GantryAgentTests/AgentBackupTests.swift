import Foundation
import GantryTestSupport
@testable import GantryAgent
import GantryCore
import GRDB
import Testing

/// `gantry-agent backup` and the store side of `gantry-agent recover`, on real SQLite files.
@Suite struct AgentBackupTests {
    func scan(_ data: String) -> ScanRecorded {
        ScanRecorded(scanID: UUID(), device: "dock-1", data: data)
    }

    @Test func aBackupWhileTheStoreIsOpenHoldsItsLogAndInbox() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER")
            for index in 1...5 { _ = try await store.recordScan(scan("S\(index)"), occurredAt: Date()) }
            try await store.recordAcknowledgement(through: 3)
            // The inbox's segments are copied as they are (the agent reads and cuts them at its start).
            try FileManager.default.createDirectory(atPath: "\(dir)/agent.sqlite-inbox.d", withIntermediateDirectories: false)
            let segment = Data((0..<100).map { UInt8($0) })
            try segment.write(to: URL(fileURLWithPath: "\(dir)/agent.sqlite-inbox.d/1.log"))

            let summary = try AgentBackup.run(storePath: "\(dir)/agent.sqlite", to: "\(dir)/backup.sqlite", force: false)
            #expect(summary.plant == "ACME-BER" && summary.head == 5 && summary.acknowledged == 3)
            #expect(summary.migrations > 5 && summary.schema.hasPrefix("\(summary.migrations)-"), "the newest migration: \(summary.schema)")
            let size = (try FileManager.default.attributesOfItem(atPath: "\(dir)/backup.sqlite")[.size] as? NSNumber)?.int64Value
            #expect(summary.bytes > 0 && summary.bytes == size)
            #expect(summary.inboxPath == "\(dir)/backup.sqlite-inbox.d" && summary.inboxSegments == 1 && summary.inboxBytes == 100)
            #expect(FileManager.default.contents(atPath: "\(dir)/backup.sqlite-inbox.d/1.log") == segment)
            #expect(summary.text.contains("events through sequence 5 (hub acknowledged through 3)"))

            // The copy is a whole store of the same plant, in one file.
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/backup.sqlite-wal"))
            let copy = try SQLitePlantStore(path: "\(dir)/backup.sqlite", plantID: "ACME-BER")
            #expect(try await copy.events(from: 1, maxEvents: 10, maxBytes: 1 << 20).map(\.id)
                == (try await store.events(from: 1, maxEvents: 10, maxBytes: 1 << 20).map(\.id)))
            #expect(try await copy.position().acknowledged == 3)
        }
    }

    @Test func anExistingBackupIsReplacedOnlyWithForce() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER")
            _ = try await store.recordScan(scan("S1"), occurredAt: Date())
            try Data("old".utf8).write(to: URL(fileURLWithPath: "\(dir)/backup.sqlite"))
            #expect { _ = try AgentBackup.run(storePath: "\(dir)/agent.sqlite", to: "\(dir)/backup.sqlite", force: false) } throws: {
                "\($0)".contains("exists; pass --force")
            }
            #expect(FileManager.default.contents(atPath: "\(dir)/backup.sqlite") == Data("old".utf8), "left as it was")
            let summary = try AgentBackup.run(storePath: "\(dir)/agent.sqlite", to: "\(dir)/backup.sqlite", force: true)
            #expect(summary.head == 1 && summary.inboxPath == nil)
            #expect { _ = try AgentBackup.run(storePath: "\(dir)/none.sqlite", to: "\(dir)/b2.sqlite", force: false) } throws: {
                "\($0)".contains("there is no database at \(dir)/none.sqlite")
            }
            #expect { _ = try AgentBackup.run(storePath: "\(dir)/agent.sqlite", to: "\(dir)/missing/b.sqlite", force: false) } throws: {
                "\($0)".contains("does not exist")
            }
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains("partial") }
            #expect(leftovers.isEmpty, "no temporary file is left behind")
        }
    }

    @Test func recoveredEventsAreAppendedAsTheHubHoldsThemAndAcknowledged() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER")
            for index in 1...2 { _ = try await store.recordScan(scan("S\(index)"), occurredAt: Date()) }
            let end = try await store.logEnd()
            #expect(end.head == 2)
            #expect(end.id == (try await store.events(from: 2, maxEvents: 1, maxBytes: 1 << 20)).first?.id)
            let hubEvents = (3...4).map { sequence in
                EventEnvelope(
                    sequence: sequence, id: UUID(), type: ScanRecorded.eventType, schemaVersion: 1,
                    occurredAt: Date(timeIntervalSince1970: 1_800_000_000), recordedAt: Date(timeIntervalSince1970: 1_800_000_001),
                    payload: .object(["scanId": .string(UUID().uuidString), "device": .string("d"), "data": .string("H\(sequence)")]))
            }
            try await store.appendRecovered(hubEvents)
            let log = try await store.events(from: 3, maxEvents: 10, maxBytes: 1 << 20)
            #expect(log == hubEvents, "the hub's ids, times and payloads, at the hub's sequences")
            let position = try await store.position()
            #expect(position.head == 4 && position.acknowledged == 4)
            // The next fact follows the recovered ones.
            #expect(try await store.recordScan(scan("S5"), occurredAt: Date()).sequence == 5)
            // A gap is refused by the log itself.
            await #expect(throws: (any Error).self) { try await store.appendRecovered([hubEvents[0]]) }
        }
    }
}
