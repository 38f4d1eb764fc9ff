import Foundation
import GantryTestSupport
import GantryAgent
import GantryCore
import GantryHub
import Testing

@Suite struct BacklogTests {
    /// A plant that was cut off for three days comes back with 20,000 events: they reach the hub in order, once.
    @Test func aBacklogOfDaysDrainsInOrder() async throws {
        try await withHub { hub in
            let token = try await hub.enrol("BER")
            try await withTemporaryDirectory { dir in
                let threeDaysAgo = Date().addingTimeInterval(-3 * 86_400)
                do {
                    let store = try SQLitePlantStore(
                        path: "\(dir)/ACME-BER.sqlite", plantID: "ACME-BER", durability: .processCrash, now: { threeDaysAgo })
                    for chunk in 0..<20 {
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            for index in 0..<1000 {
                                group.addTask {
                                    let scan = ScanRecorded(scanID: UUID(), device: "dock-1", data: "OFFLINE-\(chunk * 1000 + index)")
                                    _ = try await store.recordScan(scan, occurredAt: threeDaysAgo)
                                }
                            }
                            try await group.waitForAll()
                        }
                    }
                    let position = try await store.position()
                    #expect(position.backlogEvents == 20_000)
                    #expect(try #require(position.oldestUnsyncedAt).timeIntervalSince(threeDaysAgo) < 1)
                }
                try await withAgent(plantID: "ACME-BER", hubURL: hub.url, token: token, dir: dir, batchEvents: 500) { agent in
                    try await eventually("20,000 backlogged events reach the hub", timeout: .seconds(240)) {
                        try await hub.store.syncReport(now: Date()).first?.eventsReceived == 20_000
                    }
                }
                let report = try #require(try await hub.store.syncReport(now: Date()).first)
                #expect(report.lastSequence == 20_000 && report.scans == 20_000 && report.pendingEvents == 0)
                var after: Int64 = 0
                var sequences: [Int64] = []
                while true {
                    let events = try await hub.store.events(plantID: "ACME-BER", after: after, limit: 5000)
                    guard let last = events.last else { break }
                    sequences += events.map(\.sequence)
                    after = last.sequence
                }
                #expect(sequences == Array(1...20_000))
            }
        }
    }
}
