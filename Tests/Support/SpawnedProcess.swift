import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, for every test that starts one.
///
/// Foundation's `Process.run()` on Linux crashes (a bad memory copy inside it) when the process already holds a
/// descriptor numbered 1,024 or more: it watches each child through a descriptor set of that size. The suites run in
/// one process on many threads and together keep well over 1,024 descriptors open (SQLite pools, sockets, pipes), so
/// the tests start children here instead: posix_spawn with every descriptor but the three standard ones closed in the
/// child, and a thread per child that waits for it.
///
/// The members are the subset of `Process` the tests use, with the same meaning; a standard stream left nil is
/// inherited, `FileHandle.nullDevice` is /dev/null, a `Pipe` or `FileHandle` is that descriptor.
public final class SpawnedProcess: @unchecked Sendable {
    public var executableURL: URL?
    public var arguments: [String] = []
    /// The child's whole environment; nil inherits this process's.
    public var environment: [String: String]?
    public var standardInput: Any?
    public var standardOutput: Any?
    public var standardError: Any?

    private struct State {
        var pid: pid_t = 0
        /// The wait status once the child has ended.
        var status: Int32?
    }

    private let state = Mutex(State())
    private let ended = NSCondition()

    public init() {}

    /// Starts the child; throws with the error number when it cannot be started.
    public func run() throws {
        guard let executableURL else { throw SpawnError(message: "no executable", code: EINVAL) }
        let path = executableURL.path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var parentEnds: [FileHandle] = []
        for (target, stream, reads) in [(STDIN_FILENO, standardInput, true), (STDOUT_FILENO, standardOutput, false), (STDERR_FILENO, standardError, false)] {
            switch stream {
            case let pipe as Pipe:
                let end = reads ? pipe.fileHandleForReading : pipe.fileHandleForWriting
                posix_spawn_file_actions_adddup2(&actions, end.fileDescriptor, target)
                parentEnds.append(end)
            case let handle as FileHandle where handle === FileHandle.nullDevice:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", reads ? O_RDONLY : O_WRONLY, 0)
            case let handle as FileHandle:
                posix_spawn_file_actions_adddup2(&actions, handle.fileDescriptor, target)
            default:
                break
            }
        }
        guard Self.addCloseFrom(&actions, 3) == 0 else { throw SpawnError(message: "cannot close descriptors for \(path)", code: errno) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, as Process starts children: a terminal's interrupt reaches the tests, not them.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))

        let environment = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var spawned = pid_t()
        let code = Self.withCStrings([path] + arguments) { argv in
            Self.withCStrings(environment) { envp in
                posix_spawn(&spawned, path, &actions, &attributes, argv, envp)
            }
        }
        guard code == 0 else { throw SpawnError(message: "cannot start \(path)", code: code) }
        // The child's ends of its pipes are the child's alone now: closed here, its output ends when it does.
        for end in parentEnds { try? end.close() }
        let pid = spawned
        state.withLock { $0.pid = pid }
        let waiter = Thread(block: { [self] in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            ended.lock()
            state.withLock { $0.status = status }
            ended.broadcast()
            ended.unlock()
        })
        waiter.start()
    }

    public var processIdentifier: Int32 { state.withLock { $0.pid } }

    public var isRunning: Bool { state.withLock { $0.pid != 0 && $0.status == nil } }

    /// The exit code, or the number of the signal that ended the child (as `Process` gives it).
    public var terminationStatus: Int32 {
        let status = state.withLock { $0.status } ?? 0
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : signal
    }

    /// Whether a signal ended the child.
    public var endedBySignal: Bool {
        let status = state.withLock { $0.status } ?? 0
        return status & 0x7f != 0
    }

    /// Blocks the calling thread until the child has ended.
    public func waitUntilExit() {
        ended.lock()
        while isRunning { ended.wait() }
        ended.unlock()
    }

    /// Sends SIGTERM.
    public func terminate() {
        let pid = processIdentifier
        if pid > 0, isRunning { kill(pid, SIGTERM) }
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 on), which Swift's Glibc module leaves out: the
    /// child closes every descriptor from the given one on, whatever other threads opened meanwhile.
    private static let addCloseFrom: @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32 = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            fatalError("glibc 2.34 or later is needed: posix_spawn_file_actions_addclosefrom_np is missing")
        }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32).self)
    }()

    /// Calls `body` with `strings` as a NULL-terminated array of C strings.
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return body(pointers)
    }
}

/// A child that could not be started.
public struct SpawnError: Error, CustomStringConvertible {
    public var message: String
    public var code: Int32
    public var description: String { "\(message): \(String(cString: strerror(code)))" }
}
