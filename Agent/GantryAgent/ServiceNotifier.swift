import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// systemd's service notifications (sd_notify(3)) without libsystemd: one datagram per state, sent to the unix
/// socket named by `$NOTIFY_SOCKET` (an abstract socket when the name starts with `@`). Under a `Type=notify` unit
/// the agent says `READY=1` once its store is migrated and its local API listens, `WATCHDOG=1` every half of
/// `$WATCHDOG_USEC` while its event loops answer, and `STOPPING=1` when shutdown begins.
///
/// Run as a `Service`, last in the service group so that graceful shutdown reaches it first: it pings the watchdog
/// until then, then says `STOPPING=1`. Without `$NOTIFY_SOCKET` there is no notifier (`init?` fails) and nothing
/// is sent. (The hub has its own copy of this file: Agent and Hub share no module that does I/O.)
struct ServiceNotifier: Service {
    /// The socket's name: a path, or an abstract name (after the leading `@`).
    let socketName: String
    /// How often to say `WATCHDOG=1` (half of `$WATCHDOG_USEC`); nil when the unit has no watchdog.
    let watchdogInterval: Duration?
    /// Returns once every event loop has run a task: the watchdog is not pinged while one is stuck.
    var probe: @Sendable () async throws -> Void = {}
    let logger: Logger

    /// The notifier `environment` asks for, or nil without `NOTIFY_SOCKET`. `WATCHDOG_USEC` is ignored when
    /// `WATCHDOG_PID` names another process (the watchdog is then meant for it, as sd_watchdog_enabled(3) says).
    init?(environment: [String: String], pid: Int32 = getpid(), logger: Logger) {
        guard let socket = environment["NOTIFY_SOCKET"], socket.count > 1 else { return nil }
        socketName = socket
        self.logger = logger
        let forUs = environment["WATCHDOG_PID"].map { Int32($0) == pid } ?? true
        if forUs, let text = environment["WATCHDOG_USEC"], let usec = Int64(text), usec > 0 {
            watchdogInterval = .microseconds(usec / 2)
        } else {
            watchdogInterval = nil
        }
    }

    /// Says the service is ready: its store is open and migrated and its HTTP listener is bound.
    func ready() {
        send("READY=1")
    }

    /// Pings the watchdog while the event loops answer, until graceful shutdown; then says `STOPPING=1`.
    func run() async throws {
        if let watchdogInterval {
            do {
                try await cancelWhenGracefulShutdown {
                    while true {
                        try await probe()
                        send("WATCHDOG=1")
                        try await Task.sleep(for: watchdogInterval)
                    }
                }
            } catch is CancellationError {
                // Graceful shutdown ends the loop.
            }
        } else {
            try? await gracefulShutdown()
        }
        send("STOPPING=1")
    }

    /// Sends `state` as one datagram. A failure is logged, never thrown: the service runs on without systemd.
    func send(_ state: String) {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return failed(state) }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        // An abstract name starts with a NUL byte in place of the `@`, and its length, not a NUL, ends it.
        var name = Array(socketName.utf8)
        if name.first == UInt8(ascii: "@") { name[0] = 0 }
        guard name.count < MemoryLayout.size(ofValue: address.sun_path) else { return failed(state) }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: name) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + name.count + (name[0] == 0 ? 0 : 1))
        let message = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, message, message.count, 0, $0, length) }
        }
        if sent != message.count { failed(state) }
    }

    private func failed(_ state: String) {
        let code = errno
        logger.warning("cannot notify systemd", metadata: ["state": "\(state)", "socket": "\(socketName)", "errno": "\(code)"])
    }
}

extension ServiceNotifier {
    /// A probe that hops onto each event loop of `group` in turn; it does not return while one of them is stuck.
    static func eventLoops(of group: any EventLoopGroup) -> @Sendable () async throws -> Void {
        {
            for loop in group.makeIterator() {
                try await loop.submit {}.get()
            }
        }
    }
}
