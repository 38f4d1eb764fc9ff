#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The operating-system account this process runs as, taken from the kernel (the effective user id) and the
/// password database, never from `USER`, `SUDO_USER` or any other variable a caller can set.
public enum OperatingSystemUser {
    /// The effective user's login name, or `uid N` when the password database has no entry for the id.
    public static var current: String {
        let uid = geteuid()
        var entry = passwd()
        var found: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let status = getpwuid_r(uid, &entry, &buffer, buffer.count, &found)
        guard status == 0, found != nil, let name = entry.pw_name, name.pointee != 0 else { return "uid \(uid)" }
        return String(cString: name)
    }
}
