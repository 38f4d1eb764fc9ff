import Foundation
import GantryCore
import Synchronization

/// A throwaway PostgreSQL cluster for tests: `initdb` into a temp dir, `postgres` on a free loopback port,
/// never as root (under root it runs as the `postgres` user, which owns the dir). TCP logins need the
/// password; the cluster is stopped and removed by `stop()` or when the test process exits.
public final class PostgresServer: Sendable {
    public let dir: String
    public let port: Int
    public let password = "gantry-test"

    /// One cluster shared by the tests of a process, started on first use; each test takes a database of its own.
    public static var shared: PostgresServer {
        get throws {
            try sharedServer.withLock { server in
                if let server { return server }
                let started = try PostgresServer(durable: false)
                server = started
                stopAtExit.withLock { $0 = started }
                atexit { PostgresServer.stopAtExit.withLock { $0 }?.destroy() }
                return started
            }
        }
    }

    private static let sharedServer = Mutex<PostgresServer?>(nil)
    /// Apart from `sharedServer`, whose lock a test may hold while the process exits.
    private static let stopAtExit = Mutex<PostgresServer?>(nil)
    private static let databaseCounter = Atomic<Int>(0)

    /// Whether commits reach the disk before they are acknowledged (PostgreSQL's defaults), or neither fsync
    /// nor WAL flush is waited for (quicker, for tests that never stop the server abruptly).
    public let durable: Bool

    /// Starts a cluster of its own (for a test that stops and restarts its server).
    public init(durable: Bool = true) throws {
        self.durable = durable
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-pg-\(UUID().uuidString)").path
        dir = base
        port = try freePort()
        try FileManager.default.createDirectory(atPath: "\(base)/data", withIntermediateDirectories: true)
        try "\(password)\n".write(toFile: "\(base)/pwfile", atomically: true, encoding: .utf8)
        if getuid() == 0 { try Self.shell("chown -R postgres: \(base)") }
        try runAsOwner(
            "\(Self.binary("initdb")) -D \(base)/data -U postgres --auth-local=trust --auth-host=scram-sha-256 "
                + "--pwfile=\(base)/pwfile -E UTF8 --no-sync >\(base)/initdb.log 2>&1")
        try start()
    }

    /// Starts (or restarts) the server on its port.
    public func start() throws {
        let settings = durable ? "" : " -c fsync=off -c synchronous_commit=off"
        try runAsOwner(
            "\(Self.binary("pg_ctl")) -D \(dir)/data -l \(dir)/server.log -w -t 60 start -o "
                + "\"-p \(port) -k \(dir) -c listen_addresses=127.0.0.1 -c max_connections=300\(settings)\" >/dev/null")
    }

    /// Stops the server at once (`immediate`: like a crash, or a database host going away).
    public func stop(mode: String = "fast") throws {
        try runAsOwner("\(Self.binary("pg_ctl")) -D \(dir)/data -m \(mode) -w stop >/dev/null 2>&1")
    }

    /// Stops the server and removes its files.
    public func destroy() {
        try? stop(mode: "immediate")
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// A URL for `database` with the test password.
    public func url(database: String, password: String? = nil) -> DatabaseURL {
        DatabaseURL(host: "127.0.0.1", port: port, user: "postgres", password: password ?? self.password, database: database, tls: .disable)
    }

    /// Creates an empty database for one test and returns its URL.
    public func createDatabase() throws -> DatabaseURL {
        let name = "t\(getpid())_\(Self.databaseCounter.add(1, ordering: .relaxed).newValue)"
        _ = try psql("postgres", "CREATE DATABASE \(name)")
        return url(database: name)
    }

    /// Runs `sql` with psql over TCP; throws with psql's message when it fails, else returns its output.
    @discardableResult
    public func psql(_ database: String, _ sql: String) throws -> String {
        let process = SpawnedProcess()
        process.executableURL = URL(fileURLWithPath: Self.binary("psql"))
        process.arguments = ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql]
        process.environment = ["PGPASSWORD": password, "PATH": "/usr/bin:/bin"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw PostgresServerError(message: problem) }
        return text
    }

    /// The application name of the sessions `hold` opens.
    static let holderName = "gantry-test-holder"

    /// Runs `sql` in a transaction of a psql session that then stays open, so the locks `sql` took are held until
    /// `releaseHeld()` ends the session (or the server stops). Returns once `sql` has run.
    public func hold(_ database: String, _ sql: String) async throws {
        let process = SpawnedProcess()
        process.executableURL = URL(fileURLWithPath: Self.binary("psql"))
        process.arguments = [
            "-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-d", database, "-qAt",
            "-c", "BEGIN; \(sql); SELECT pg_sleep(3600)",
        ]
        process.environment = ["PGPASSWORD": password, "PGAPPNAME": Self.holderName, "PATH": "/usr/bin:/bin"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(10)
        while try psql(database, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(Self.holderName)' AND wait_event = 'PgSleep'")
            .trimmingCharacters(in: .whitespacesAndNewlines) != "1" {
            guard ContinuousClock.now < deadline, process.isRunning else {
                throw PostgresServerError(message: "the holding session did not start: \(sql)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Ends the sessions `hold` opened, releasing their locks.
    public func releaseHeld() throws {
        try psql("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '\(Self.holderName)'")
    }

    /// How many sessions on `database` wait for a lock right now.
    public func waitingForLocks(_ database: String) throws -> Int {
        let count = try psql(database, "SELECT count(*) FROM pg_stat_activity WHERE datname = '\(database)' AND wait_event_type = 'Lock'")
        return Int(count.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    private func runAsOwner(_ command: String) throws {
        try Self.shell(getuid() == 0 ? "runuser -u postgres -- sh -c '\(command.replacingOccurrences(of: "'", with: "'\\''"))'" : command)
    }

    /// Runs `command` with /bin/sh and waits for it with waitpid. Not Foundation's Process: it notices a
    /// child's exit only when every inherited descriptor closes, and `pg_ctl start` leaves a server holding them.
    /// The shell gets standard input, output and error only: a server it starts must not keep the pipes of
    /// whatever else the test process runs at that moment (another test's psql or hub), or their readers would
    /// wait for an end of file that never comes.
    private static func shell(_ command: String) throws {
        var pid: pid_t = 0
        let arguments = ["/bin/sh", "-c", command]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // glibc 2.34 and later; Swift's Glibc module does not declare it, so it is looked up by name.
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        }
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, &argv, environ)
        guard spawned == 0 else { throw PostgresServerError(message: "cannot start /bin/sh: \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitCode = (status >> 8) & 0xff
        guard status & 0x7f == 0, exitCode == 0 else {
            throw PostgresServerError(message: "failed (status \(status)): \(command)")
        }
    }

    /// A PostgreSQL program from PATH or Debian's versioned directory.
    static func binary(_ name: String) -> String {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            if FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") { return "\(directory)/\(name)" }
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let path = "/usr/lib/postgresql/\(version)/bin/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return name
    }
}

public struct PostgresServerError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
