import Foundation
import GantryTestSupport
import GantryAgent
import GantryCore
import GRDB
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The agent's store on a real small filesystem (a tmpfs with a size limit, mounted by the test as root) that fills:
/// an alarm below `store.alarm_free`, 507 below `store.reserve`, the MQTT inbox paused with the broker keeping
/// QoS 1 messages, nothing acknowledged lost (`PRAGMA integrity_check`), and everything back by itself once space
/// is freed. docs/reliability.md, "A full disk".
@Suite(.serialized, .enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
struct StoreDiskFullTests {
    static let mib: Int64 = 1 << 20

    @Test func belowTheReserveScansAre507TheInboxPausesAndAllResumesWhenSpaceReturns() async throws {
        try await withHub { hub in
            let token = try await hub.enrol("BER")
            try await withTemporaryDirectory { dir in
                let broker = try Broker(dir: dir)
                try await broker.start()
                do {
                    try await fillAndFree(hub: hub, token: token, broker: broker, disk: "\(dir)/disk")
                } catch {
                    try? await broker.stop()
                    throw error
                }
                try await broker.stop()
            }
        }
    }

    private func fillAndFree(hub: HubFixture, token: String, broker: Broker, disk: String) async throws {
        try await withSmallDisk(at: disk, size: 24 * Self.mib) { disk in
            try await withAgent(plantID: "ACME-BER", hubURL: hub.url, token: token, dir: disk, mqtt: broker.settings, configure: {
                $0.storeSpace = StoreSpacePolicy(reserve: .bytes(4 * Self.mib), alarm: .bytes(8 * Self.mib))
            }) { agent in
                try await eventually("the agent connects to the broker") { try await mqttStatus(agent)["connected"] as? Bool == true }
                var recorded: [String] = []
                for index in 0..<40 {
                    #expect(try await scan(agent, "ROOM-\(index)").status == 201)
                    recorded.append("ROOM-\(index)")
                }
                try await broker.publish("gantry/ACME-BER/L1/M1/count", (0..<5).map { Self.count($0) })
                try await eventually("the first messages are recorded") { try await mqttStatus(agent)["recorded"] as? Int == 5 }

                // Between the alarm level and the reserve: an alarm, and scans still taken.
                let filler = "\(disk)/filler"
                try fill(filler, leaving: 6 * Self.mib, on: disk)
                try await Task.sleep(for: .milliseconds(300))  // the agent reads the disk again after 250 ms
                let low = try await HTTP.request("GET", "\(agent)/v1/status").json()
                #expect(low["alarms"] as? [String] == ["store-space-low"])
                #expect((low["store"] as? [String: Any])?["level"] as? String == "low")
                #expect(try await scan(agent, "LOW-0").status == 201)
                recorded.append("LOW-0")

                // Below the reserve: 507 naming free and required bytes, the alarm, the metric, the inbox paused.
                try fill(filler, leaving: 2 * Self.mib, on: disk)
                try await Task.sleep(for: .milliseconds(300))
                let refused = try await scan(agent, "FULL-0")
                #expect(refused.status == 507)
                #expect(refused.contentType == "application/problem+json")
                let problem = try refused.json()
                #expect(problem["type"] as? String == "urn:gantry:problem:insufficient-storage")
                let detail = problem["detail"] as? String ?? ""
                #expect(detail.contains("bytes free") && detail.contains("keeps \(4 * Self.mib) in reserve"), "\(detail)")
                let full = try await HTTP.request("GET", "\(agent)/v1/status").json()
                #expect(full["alarms"] as? [String] == ["store-space-full"])
                let metrics = try await HTTP.request("GET", "\(agent)/metrics").text
                #expect(metrics.contains(#"gantry_agent_store_space_alarm{plant="ACME-BER"} 2"#), "\(metrics.suffix(600))")
                try await eventually("the inbox leaves the broker") {
                    let mqtt = try await mqttStatus(agent)
                    return mqtt["pausedForDisk"] as? Bool == true && mqtt["connected"] as? Bool == false
                }
                // Published while the disk is full: the broker keeps them for the agent's persistent session.
                try await broker.publish("gantry/ACME-BER/L1/M1/count", (5..<25).map { Self.count($0) })
                try await Task.sleep(for: .seconds(1))
                #expect(try await mqttStatus(agent)["recorded"] as? Int == 5, "nothing taken while paused")
                // Sync goes on: every recorded scan reaches the hub while the disk is full.
                try await eventually("the hub acknowledges every recorded scan") {
                    let status = try await HTTP.request("GET", "\(agent)/v1/status").json()
                    return status["acknowledgedSequence"] as? Int == status["lastSequence"] as? Int
                }
                try checkStore("\(disk)/ACME-BER.sqlite", holds: recorded)

                // Space returns: the alarm clears, the inbox comes back and takes what the broker kept, scans resume.
                try FileManager.default.removeItem(atPath: filler)
                try await eventually("the alarm clears") {
                    try await HTTP.request("GET", "\(agent)/v1/status").json()["alarms"] as? [String] == []
                }
                try await eventually("every message published meanwhile arrives", timeout: .seconds(30)) {
                    let mqtt = try await mqttStatus(agent)
                    return mqtt["recorded"] as? Int == 25 && mqtt["pausedForDisk"] as? Bool == false
                }
                #expect(try await mqttStatus(agent)["lost"] as? Int == 0)
                #expect(try await scan(agent, "AFTER-0").status == 201)
                recorded.append("AFTER-0")
                try checkStore("\(disk)/ACME-BER.sqlite", holds: recorded)
            }
        }
    }

    /// With no reserve, SQLite itself meets the full disk: its `SQLITE_FULL` is answered 507 too, never a 500,
    /// and what was answered 201 is all there.
    @Test func sqliteFindingTheDiskFullIsAnswered507() async throws {
        try await withHub { hub in
            let token = try await hub.enrol("BER")
            try await withTemporaryDirectory { dir in
                try await withSmallDisk(at: "\(dir)/disk", size: 8 * Self.mib) { disk in
                    try await withAgent(plantID: "ACME-BER", hubURL: hub.url, token: token, dir: disk, configure: {
                        $0.storeSpace = StoreSpacePolicy(reserve: .bytes(0), alarm: .bytes(0))
                    }) { agent in
                        #expect(try await scan(agent, "FIRST").status == 201)
                        let filler = "\(disk)/filler"
                        try fillCompletely(filler)
                        var created = ["FIRST"], statuses: [Int: Int] = [:]
                        for index in 0..<3000 where statuses[507] == nil {
                            // Large bodies, so that the WAL's free pages run out soon.
                            let data = "FULL-\(index)-" + String(repeating: "x", count: 2000)
                            let status = try await scan(agent, data).status
                            statuses[status, default: 0] += 1
                            if status == 201 { created.append(data) }
                        }
                        #expect(statuses[507] == 1, "SQLite reached the end of the disk: \(statuses)")
                        #expect(Set(statuses.keys).isSubset(of: [201, 507]), "never a 500: \(statuses)")
                        try FileManager.default.removeItem(atPath: filler)
                        try await eventually("scans are taken again") { try await scan(agent, "AFTER").status == 201 }
                        created.append("AFTER")
                        try checkStore("\(disk)/ACME-BER.sqlite", holds: created)
                    }
                }
            }
        }
    }

    /// Machine counts an hour ago (within `mqtt.max_message_age`), one second apart, so none is a repeat of another.
    static let base = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 3600).rounded(.down))

    static func count(_ index: Int) -> String {
        #"{"good":1,"scrap":0,"ts":"\#(Timestamp.format(base + Double(index)))"}"#
    }
}

private func scan(_ agent: String, _ data: String) async throws -> HTTPAnswer {
    try await HTTP.request("POST", "\(agent)/v1/scans", json: #"{"data":"\#(data)","device":"line-1","id":"\#(UUID().uuidString)"}"#)
}

/// Mounts a tmpfs of `size` bytes at `path` for `body`, and unmounts it afterwards, also when `body` fails.
private func withSmallDisk<T: Sendable>(at path: String, size: Int64, _ body: (String) async throws -> T) async throws -> T {
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    let mounted = try await run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", path])
    try #require(mounted.status == 0, "mount: \(mounted.stderr)")
    let result: Result<T, any Error>
    do { result = .success(try await body(path)) } catch { result = .failure(error) }
    let unmounted = try await run("/bin/umount", ["-l", path])
    #expect(unmounted.status == 0, "umount: \(unmounted.stderr)")
    return try result.get()
}

/// Grows `filler` until the filesystem of `folder` has `leaving` bytes free (give or take a page).
private func fill(_ filler: String, leaving: Int64, on folder: String) throws {
    var figures = statvfs()
    try #require(statvfs(folder, &figures) == 0)
    let free = Int64(figures.f_bavail) * Int64(figures.f_frsize)
    try #require(free > leaving, "the disk has \(free) bytes free, less than \(leaving)")
    if !FileManager.default.fileExists(atPath: filler) { _ = FileManager.default.createFile(atPath: filler, contents: nil) }
    let handle = try #require(FileHandle(forWritingAtPath: filler))
    defer { try? handle.close() }
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(repeating: 0x5A, count: Int(free - leaving)))
}

/// Writes `filler` until the filesystem refuses another byte.
private func fillCompletely(_ filler: String) throws {
    let descriptor = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    try #require(descriptor >= 0)
    defer { close(descriptor) }
    let chunk = [UInt8](repeating: 0x5A, count: 64 << 10)
    var size = chunk.count
    while size > 0 {
        if chunk.withUnsafeBytes({ write(descriptor, $0.baseAddress, size) }) < 0 { size /= 2 }
    }
}

/// The store is sound (`PRAGMA integrity_check` is ok) and holds exactly the scans in `data`.
private func checkStore(_ path: String, holds data: [String]) throws {
    var configuration = Configuration()
    configuration.readonly = true
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    let (integrity, scans) = try queue.read { db in
        (try String.fetchAll(db, sql: "PRAGMA integrity_check"), try Set(String.fetchAll(db, sql: "SELECT data FROM scans")))
    }
    #expect(integrity == ["ok"])
    #expect(scans == Set(data))
}
