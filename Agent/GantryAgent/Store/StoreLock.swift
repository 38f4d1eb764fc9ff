import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive advisory lock beside the store file (and in the MQTT inbox), so a second agent started on the
/// same store by mistake stops at once instead of interleaving sequences with the first.
/// It is let go with `LOCK_UN` before the descriptor closes: a child process spawned meanwhile by another thread
/// holds a copy of the descriptor until it executes, and closing ours alone would leave the lock held by that copy.
final class StoreLock: Sendable {
    private let descriptor: Int32

    init(path: String, guarding what: String = "the store") throws(StoreError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StoreError(.unusable, "cannot open lock file \(path): \(String(cString: strerror(errno)))")
        }
        // flock locks are released by the kernel when the process dies, SIGKILL included.
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw StoreError(.locked, "another process is using \(what) (lock \(path) is held)")
        }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
