import Foundation

/// Launches child processes one at a time. Foundation's `Process.run()` on Linux crashed here (a bad pointer in a
/// memory copy inside it) while another test thread launched a process at the same moment; the tests run in one
/// process on many threads, so every test launches through this lock.
public enum ProcessLaunch {
    private static let lock = NSLock()

    public static func run(_ process: Process) throws {
        lock.lock()
        defer { lock.unlock() }
        try process.run()
    }
}
