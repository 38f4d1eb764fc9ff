import Foundation
import GantryTestSupport
import GantryCore
import Synchronization
import Testing

/// Where `gantry-agent` and `gantry-hub` were built: beside this test bundle, unless GANTRY_BIN_DIR says.
let binDirectory: String = {
    if let dir = ProcessInfo.processInfo.environment["GANTRY_BIN_DIR"] { return dir }
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var dir = (exe as NSString).deletingLastPathComponent
    // The test bundle may be a folder (…/GantryPackageTests.xctest/…) on some toolchains.
    while !dir.isEmpty, dir != "/", !FileManager.default.fileExists(atPath: "\(dir)/gantry-hub") {
        dir = (dir as NSString).deletingLastPathComponent
    }
    return dir
}()

/// A child process whose standard output is watched line by line; killed at the end of its scope.
/// `@unchecked Sendable`: `SpawnedProcess` is used only through its thread-safe members (pid, isRunning,
/// terminationStatus); the output buffer is behind a mutex.
final class ChildProcess: @unchecked Sendable {
    let process = SpawnedProcess()
    private let output = TextBuffer()
    private let errors = TextBuffer()

    /// Lines written here reach the child's standard input.
    let input = Pipe()

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "\(binDirectory)/\(executable)")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let stdout = Pipe(), stderr = Pipe()
        process.standardInput = input
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        Self.drain(stdout.fileHandleForReading, into: output)
        Self.drain(stderr.fileHandleForReading, into: errors)
    }

    /// Reads `handle` to its end on a thread of its own, into `buffer`. The thread reads a duplicate of the descriptor
    /// and closes it at the end, so the pipe's own handle may be closed or freed meanwhile. Not a `readabilityHandler`:
    /// its dispatch source is cancelled asynchronously while the handle closes the descriptor at once, and with many
    /// children coming and going the descriptor's number was reused under the source and libdispatch's event loop
    /// crashed (`_dispatch_event_loop_drain`).
    private static func drain(_ handle: FileHandle, into buffer: TextBuffer) {
        let descriptor = fcntl(handle.fileDescriptor, F_DUPFD_CLOEXEC, 0)
        guard descriptor >= 0 else { return }
        let reader = Thread(block: {
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count > 0 {
                    buffer.append(Data(chunk[..<count]))
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            close(descriptor)
        })
        reader.start()
    }

    /// Writes `text` to the child's standard input.
    func send(_ text: String) {
        input.fileHandleForWriting.write(Data(text.utf8))
    }

    /// Closes the child's standard input (end of file).
    func closeInput() {
        try? input.fileHandleForWriting.close()
    }

    var standardOutput: String { output.text }
    var standardError: String { errors.text }

    /// Waits for a line of standard output containing `text` and returns it.
    func line(containing text: String, timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = standardOutput.split(separator: "\n").first(where: { $0.contains(text) }) { return String(line) }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("no line with \"\(text)\" from \(process.executableURL!.lastPathComponent); stderr: \(standardError)")
        throw CancellationError()
    }

    /// The port from a `listening on http://host:port` line.
    func listeningPort() async throws -> Int {
        let line = try await line(containing: "listening on http://")
        return Int(line.split(separator: ":").last!)!
    }

    /// Sends `signal` and waits for the process to end; returns its exit status.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM, timeout: Duration = .seconds(30)) async throws -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        return try await exit(timeout: timeout)
    }

    /// Waits for the process to end by itself.
    func exit(timeout: Duration = .seconds(60)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                kill(process.processIdentifier, SIGKILL)
                Issue.record("\(process.executableURL!.lastPathComponent) did not end in time")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

/// Runs a command to completion and returns its status and output.
func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, stdout: String, stderr: String) {
    let child = try ChildProcess(executable, arguments, environment: environment)
    let status = try await child.exit()
    try await Task.sleep(for: .milliseconds(50))  // let the pipes drain
    return (status, child.standardOutput, child.standardError)
}

/// A hub process with its own database and configuration in `dir`.
final class HubProcess: @unchecked Sendable {
    let dir: String
    let configPath: String
    private(set) var port = 0
    private(set) var child: ChildProcess?
    let adminToken: String

    /// A hub on the SQLite file in `dir`, or on PostgreSQL at `database`; `adminToken` is made with the CLI
    /// unless given (a second hub over the same database shares the first one's).
    init(dir: String, name: String = "hub", database: DatabaseURL? = nil, adminToken: String? = nil) async throws {
        self.dir = dir
        configPath = "\(dir)/\(name).conf"
        let store = database.map { "store.url = postgres://\($0.user):\($0.password ?? "")@\($0.host):\($0.port)/\($0.database)?sslmode=disable\nstore.timeout = 3s" }
            ?? "store.path = \(dir)/\(name).sqlite"
        // Port 0 has no URL to print at enrolment; the tests hand agents the hub's URL themselves once it listens.
        try "\(store)\nhttp.port = 0\nhttp.public_url = http://127.0.0.1:8480\n".write(toFile: configPath, atomically: true, encoding: .utf8)
        if let adminToken {
            self.adminToken = adminToken
        } else {
            let token = try await run("gantry-hub", ["tokens", "add", "--config", configPath, "--name", "tests", "--companies", "*"])
            try #require(token.status == 0, "\(token.stderr)")
            self.adminToken = token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Enrols a plant through the CLI and returns its token.
    func enrol(_ code: String) async throws -> String {
        let result = try await run("gantry-hub", [
            "plants", "add", "--config", configPath, "--company", "ACME", "--code", code, "--time-zone", "Europe/Berlin",
        ])
        try #require(result.status == 0, "\(result.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("hub.token = ") })
        return String(line.dropFirst("hub.token = ".count))
    }

    /// Starts serving; after the first start the same port is used again.
    func start() async throws {
        let child = try ChildProcess("gantry-hub", ["serve", "--config", configPath], environment: [
            "GANTRY_HUB_HTTP_PORT": "\(port)", "GANTRY_HUB_LOG_LEVEL": "warning",
        ])
        port = try await child.listeningPort()
        self.child = child
    }

    func report(plant: String) async throws -> [String: Any]? {
        let answer = try await HTTP.request("GET", "\(url)/v1/reports/sync", token: adminToken)
        let plants = try answer.json()["plants"] as? [[String: Any]] ?? []
        return plants.first { $0["plant"] as? String == plant }
    }

    /// Every scan the hub has from `plant`, in log order, as (sequence, scan id, data).
    func scans(plant: String) async throws -> [(sequence: Int, scanID: String, data: String)] {
        var scans: [(Int, String, String)] = []
        var after = 0
        while true {
            let answer = try await HTTP.request("GET", "\(url)/v1/events?plant=\(plant)&after=\(after)&limit=1000", token: adminToken)
            let events = try answer.json()["events"] as? [[String: Any]] ?? []
            if events.isEmpty { return scans }
            for event in events {
                let payload = event["payload"] as! [String: Any]
                scans.append((event["sequence"] as! Int, payload["scanId"] as! String, payload["data"] as! String))
            }
            after = scans.last!.0
        }
    }
}

/// An agent process with its own store and configuration in `dir`.
final class AgentProcess: @unchecked Sendable {
    let configPath: String
    private(set) var child: ChildProcess?
    private(set) var url = ""

    init(dir: String, plantID: String, hubURL: String, token: String, durability: String = "power-loss", extra: String = "") throws {
        configPath = "\(dir)/\(plantID).conf"
        try """
            plant.id = \(plantID)
            hub.url = \(hubURL)
            hub.token = \(token)
            store.path = \(dir)/\(plantID).sqlite
            store.durability = \(durability)
            http.port = 0
            sync.batch_events = 25
            sync.backoff_initial = 50ms
            sync.backoff_max = 500ms
            sync.heartbeat = 300ms
            log.level = warning
            \(extra)
            """.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func start() async throws {
        let child = try ChildProcess("gantry-agent", ["run", "--config", configPath])
        url = "http://127.0.0.1:\(try await child.listeningPort())"
        self.child = child
    }

    func status() async throws -> [String: Any] {
        try await HTTP.request("GET", "\(url)/v1/status").json()
    }
}

/// Text collected from a pipe's reader thread.
final class TextBuffer: Sendable {
    private let state = Mutex("")

    func append(_ data: Data) { state.withLock { $0 += String(decoding: data, as: UTF8.self) } }
    var text: String { state.withLock { $0 } }
}
