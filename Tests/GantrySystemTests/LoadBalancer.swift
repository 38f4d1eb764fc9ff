import Foundation
import GantryTestSupport
import Testing

/// Debian's HAProxy in front of hub processes, configured from `provisioning/haproxy/gantry-hubs.cfg` (the
/// deployment example) on free loopback ports in `dir`; stopped at the end of its scope like any `ChildProcess`.
final class LoadBalancer: @unchecked Sendable {
    static let executable = "/usr/sbin/haproxy"
    static let template = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("provisioning/haproxy/gantry-hubs.cfg").path

    let port: Int
    let statsPort: Int
    let child: ChildProcess

    /// Starts HAProxy with one `server` line per (name, port).
    init(dir: String, servers: [(name: String, port: Int)]) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable), "HAProxy is missing: run provisioning/setup.sh")
        port = try freePort()
        statsPort = try freePort()
        let lines = servers.map { "    server \($0.name) 127.0.0.1:\($0.port) check" }.joined(separator: "\n")
        let config = try String(contentsOfFile: Self.template, encoding: .utf8)
            .replacingOccurrences(of: "@STATS_SOCKET@", with: "\(dir)/haproxy.sock")
            .replacingOccurrences(of: "@STATS_BIND@", with: "127.0.0.1:\(statsPort)")
            .replacingOccurrences(of: "@BIND@", with: "127.0.0.1:\(port)")
            .replacingOccurrences(of: "@SERVERS@", with: lines)
        let path = "\(dir)/haproxy.cfg"
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        child = try ChildProcess(Self.executable, ["-db", "-f", path])
        let listening = port
        try await eventually("HAProxy listens", timeout: .seconds(10), interval: .milliseconds(20)) { canConnect(port: listening) }
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Each hub's status (`UP`, `DOWN`, …) and the requests it holds right now, from the statistics page's CSV.
    func servers() async throws -> [String: (status: String, sessions: Int)] {
        let text = try await HTTP.request("GET", "http://127.0.0.1:\(statsPort)/stats;csv").text
        let lines = text.split(separator: "\n")
        let header = try #require(lines.first).dropFirst(2).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var servers: [String: (String, Int)] = [:]
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let row = Dictionary(zip(header, fields), uniquingKeysWith: { first, _ in first })
            guard row["pxname"] == "gantry_hubs", let name = row["svname"], !["FRONTEND", "BACKEND"].contains(name) else { continue }
            servers[name] = (row["status"] ?? "", Int(row["scur"] ?? "") ?? 0)
        }
        return servers
    }

    /// Waits until HAProxy's health checks (`GET /healthz`) see every hub in `names` up.
    func waitUntilUp(_ names: [String], timeout: Duration = .seconds(20)) async throws {
        try await eventually("HAProxy sees \(names) up", timeout: timeout, interval: .milliseconds(100)) {
            let seen = try await self.servers()
            return names.allSatisfy { seen[$0]?.status.hasPrefix("UP") == true }
        }
    }

    func stop() async throws {
        try await child.stop()
    }
}
