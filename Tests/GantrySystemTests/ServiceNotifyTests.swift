import Foundation
import GantryTestSupport
import Testing

/// A unix datagram socket standing in for systemd's notification socket: bound to a path, or to an abstract name
/// when `name` starts with `@` (as `$NOTIFY_SOCKET` writes it).
final class NotifySocket {
    let name: String
    private let descriptor: Int32

    init(_ name: String) throws {
        self.name = name
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (bytes[0] == 0 ? 0 : 1))
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 }
        }
        try #require(bound, "cannot bind \(name): errno \(errno)")
    }

    /// The next datagram, or nil when none comes within `timeout`.
    func next(timeout: Duration = .seconds(30)) async throws -> String? {
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 { return String(decoding: buffer[..<count], as: UTF8.self) }
            guard ContinuousClock.now < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    deinit { close(descriptor) }
}

/// Under systemd's `Type=notify`, both binaries say READY=1 once they serve, WATCHDOG=1 every half of
/// WATCHDOG_USEC, and STOPPING=1 as soon as SIGTERM arrives; the real executables, a socket made here.
@Suite struct ServiceNotifyTests {
    /// WATCHDOG_USEC for the tests: pings every 150 ms.
    static let watchdogMicroseconds = 300_000

    /// Reads the notifications of `child` on `socket` from start to stop, checking each step.
    func expectNotifications(of child: ChildProcess, on socket: NotifySocket) async throws {
        // Before READY=1 only watchdog pings may come (the watchdog runs from the start).
        var before: [String] = []
        var message = try await socket.next()
        while let text = message, text != "READY=1" {
            before.append(text)
            message = try await socket.next()
        }
        try #require(message == "READY=1", "before: \(before); stderr: \(child.standardError)")
        #expect(before.allSatisfy { $0 == "WATCHDOG=1" }, "\(before)")
        // Ready means serving: /healthz answers at the first try, with no retry.
        let port = try await child.listeningPort()
        let health = try await HTTP.request("GET", "http://127.0.0.1:\(port)/healthz")
        #expect(health.status == 200)

        // Pings come every half of WATCHDOG_USEC: three within three watchdog periods, allowing for a slow machine.
        let started = ContinuousClock.now
        for _ in 0..<3 {
            #expect(try await socket.next(timeout: .seconds(5)) == "WATCHDOG=1")
        }
        #expect(ContinuousClock.now - started < .microseconds(Self.watchdogMicroseconds * 3) + .seconds(2))

        // SIGTERM: STOPPING=1 at once (after a ping already on its way), then a clean exit. Pings sent while the
        // test was busy wait in the socket: read them first.
        while try await socket.next(timeout: .zero) != nil {}
        kill(child.process.processIdentifier, SIGTERM)
        var after: [String] = []
        message = try await socket.next(timeout: .seconds(10))
        while let text = message, text != "STOPPING=1" {
            after.append(text)
            message = try await socket.next(timeout: .seconds(10))
        }
        #expect(message == "STOPPING=1", "after SIGTERM: \(after)")
        #expect(after.allSatisfy { $0 == "WATCHDOG=1" } && after.count <= 2, "\(after)")
        #expect(try await child.exit() == 0, "stderr: \(child.standardError)")
    }

    @Test func theHubSaysReadyPingsTheWatchdogAndSaysStopping() async throws {
        try await withTemporaryDirectory { dir in
            let socket = try NotifySocket("\(dir)/notify.sock")
            let child = try ChildProcess("gantry-hub", ["serve"], environment: [
                "GANTRY_HUB_STORE_PATH": "\(dir)/hub.sqlite", "GANTRY_HUB_HTTP_PORT": "0",
                "GANTRY_HUB_HTTP_PUBLIC_URL": "http://127.0.0.1:8480",
                "NOTIFY_SOCKET": socket.name, "WATCHDOG_USEC": "\(Self.watchdogMicroseconds)",
            ])
            try await expectNotifications(of: child, on: socket)
        }
    }

    @Test func theAgentSaysReadyPingsTheWatchdogAndSaysStoppingOnAnAbstractSocket() async throws {
        try await withTemporaryDirectory { dir in
            let socket = try NotifySocket("@gantry-test-\(UUID().uuidString)")
            let agent = try AgentProcess(dir: dir, plantID: "ACME-BER", hubURL: "http://127.0.0.1:1", token: "t")
            let child = try ChildProcess("gantry-agent", ["run", "--config", agent.configPath], environment: [
                "NOTIFY_SOCKET": socket.name, "WATCHDOG_USEC": "\(Self.watchdogMicroseconds)",
            ])
            try await expectNotifications(of: child, on: socket)
        }
    }

    /// A watchdog meant for another process (WATCHDOG_PID) is not pinged; READY=1 and STOPPING=1 still come.
    @Test func aWatchdogForAnotherProcessIsNotPinged() async throws {
        try await withTemporaryDirectory { dir in
            let socket = try NotifySocket("\(dir)/notify.sock")
            let child = try ChildProcess("gantry-hub", ["serve"], environment: [
                "GANTRY_HUB_STORE_PATH": "\(dir)/hub.sqlite", "GANTRY_HUB_HTTP_PORT": "0",
                "GANTRY_HUB_HTTP_PUBLIC_URL": "http://127.0.0.1:8480",
                "NOTIFY_SOCKET": socket.name, "WATCHDOG_USEC": "\(Self.watchdogMicroseconds)", "WATCHDOG_PID": "1",
            ])
            #expect(try await socket.next() == "READY=1")
            #expect(try await socket.next(timeout: .seconds(1)) == nil)
            kill(child.process.processIdentifier, SIGTERM)
            #expect(try await socket.next(timeout: .seconds(10)) == "STOPPING=1")
            #expect(try await child.exit() == 0, "stderr: \(child.standardError)")
        }
    }
}
