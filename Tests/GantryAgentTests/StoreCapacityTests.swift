import Foundation
import GantryCore
@testable import GantryAgent
import Hummingbird
import Synchronization
import Testing

/// The agent's reading of its store's disk: `statvfs` on the store's folder, kept for `recheck` and read again
/// after SQLite found the disk full; the settings `store.reserve` and `store.alarm_free`.
@Suite struct StoreCapacityTests {
    /// A disk whose free space the test sets, and a clock it moves, counting the readings.
    final class FakeDisk: Sendable {
        let free = Atomic<Int64>(100 << 20)
        let readings = Atomic<Int>(0)
        let elapsed = Atomic<Int64>(0)  // milliseconds
        let start = ContinuousClock.now

        func capacity() -> StoreCapacity {
            StoreCapacity(
                storePath: "/plant/store.sqlite", policy: StoreSpacePolicy(reserve: .bytes(10 << 20), alarm: .bytes(50 << 20)),
                recheck: .milliseconds(250),
                probe: { [self] folder in
                    #expect(folder == "/plant")
                    readings.add(1, ordering: .relaxed)
                    return StoreSpace(free: free.load(ordering: .relaxed), total: 1 << 30)
                },
                uptime: { [self] in start + .milliseconds(elapsed.load(ordering: .relaxed)) })
        }
    }

    @Test(arguments: [
        ("POST", "/v1/scans", true), ("PUT", "/v1/work-orders/WO-1", true), ("DELETE", "/v1/anything", true),
        ("POST", "/dashboards/planner/actions", true), ("GET", "/v1/status", false), ("HEAD", "/v1/scans", false),
        ("POST", "/dashboards/sign-in", false), ("POST", "/dashboards/sign-out", false),
    ])
    func writesAreHeldBackBelowTheReserveExceptDashboardSessions(method: String, path: String, held: Bool) throws {
        let method = try #require(HTTPRequest.Method(method))
        #expect(StoreCapacityMiddleware<BasicRequestContext>.holdsBack(method: method, path: path) == held)
    }

    @Test func aReadingIsKeptFor250MillisecondsThenReadAgain() throws {
        let disk = FakeDisk()
        let capacity = disk.capacity()
        try capacity.admit()
        disk.free.store(5 << 20, ordering: .relaxed)
        disk.elapsed.store(249, ordering: .relaxed)
        try capacity.admit()  // still the first reading
        #expect(disk.readings.load(ordering: .relaxed) == 1)
        disk.elapsed.store(250, ordering: .relaxed)
        #expect(throws: InsufficientStorage(free: 5 << 20, required: 10 << 20)) { try capacity.admit() }
        #expect(disk.readings.load(ordering: .relaxed) == 2)
        #expect(capacity.level == .full)
        #expect(capacity.status?.level == .full && capacity.status?.reserveBytes == 10 << 20 && capacity.status?.alarmBytes == 50 << 20)
    }

    @Test func sqliteFindingTheDiskFullForgetsTheReading() {
        let disk = FakeDisk()
        let capacity = disk.capacity()
        #expect(capacity.level == .ok)
        disk.free.store(3 << 20, ordering: .relaxed)
        // Within the 250 ms, but SQLite said the disk is full: read again, and refuse with the fresh figures.
        #expect(capacity.storeFull() == InsufficientStorage(free: 3 << 20, required: 10 << 20))
        #expect(disk.readings.load(ordering: .relaxed) == 2)
    }

    @Test func theRealFilesystemIsRead() throws {
        let space = try #require(StoreCapacity.filesystem(holding: NSTemporaryDirectory()))
        #expect(space.total > 0 && space.free >= 0 && space.free <= space.total)
        #expect(StoreCapacity.filesystem(holding: "/no/such/folder") == nil)
    }

    /// (file line, reserve, alarm; nil: refused)
    static let settings: [(String, StoreSpacePolicy.Amount?, StoreSpacePolicy.Amount?)] = [
        ("", .bytes(64 << 20), .bytes(512 << 20)),
        ("store.reserve = 5%\nstore.alarm_free = 2GiB", .percent(5), .bytes(2 << 30)),
        ("store.reserve = 0", .bytes(0), .bytes(512 << 20)),
        ("store.reserve = lots", nil, nil),
        ("store.alarm_free = 150%", nil, nil),
    ]

    @Test(arguments: settings) func theReserveAndAlarmAreSettings(line: String, reserve: StoreSpacePolicy.Amount?, alarm: StoreSpacePolicy.Amount?) throws {
        let text = "plant.id = ACME-BER\nhub.url = http://hub:8480\nhub.token = t\n" + line
        let loaded = Result { try AgentConfiguration(ConfigurationText(
            text: text, source: "agent.conf", environment: [:], prefix: AgentConfiguration.environmentPrefix, knownKeys: AgentConfiguration.keys)) }
        switch loaded {
        case .success(let configuration):
            #expect(configuration.storeSpace == StoreSpacePolicy(reserve: try #require(reserve), alarm: try #require(alarm)))
        case .failure(let error):
            #expect(reserve == nil, "\(error)")
            #expect("\(error)".contains("agent.conf:4"), "names where the value came from: \(error)")
        }
    }
}
