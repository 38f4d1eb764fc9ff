import Foundation
import Glibc
import GantryCore
import Synchronization

/// The free space of the plant store's filesystem, read with `statvfs` on the store's folder and kept for a
/// moment, so that every write can ask without a system call of its own: a reading older than `recheck`
/// (250 ms by default) is read again, and so is the next one after SQLite found the disk full. At the plant's
/// write rates 250 ms of writes are far below any sensible reserve, which is what makes the cache safe.
final class StoreCapacity: Sendable {
    /// The folder whose filesystem is watched (the store's).
    let folder: String
    let policy: StoreSpacePolicy
    private let recheck: Duration
    private let probe: @Sendable (String) -> StoreSpace?
    /// A monotonic clock for the cache's age (never the plant's wall clock, which may jump).
    private let uptime: @Sendable () -> ContinuousClock.Instant
    private let reading = Mutex<(space: StoreSpace?, at: ContinuousClock.Instant?)>((nil, nil))

    init(
        storePath: String, policy: StoreSpacePolicy, recheck: Duration = .milliseconds(250),
        probe: @escaping @Sendable (String) -> StoreSpace? = { StoreCapacity.filesystem(holding: $0) },
        uptime: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        let folder = (storePath as NSString).deletingLastPathComponent
        self.folder = folder.isEmpty ? "." : folder
        self.policy = policy
        self.recheck = recheck
        self.probe = probe
        self.uptime = uptime
    }

    /// The filesystem's figures, from the cache while it is fresh; nil when `statvfs` fails (then nothing is refused
    /// for space: SQLite's own `SQLITE_FULL` still is).
    func space() -> StoreSpace? {
        let now = uptime()
        if let cached = reading.withLock({ reading -> StoreSpace?? in
            guard let at = reading.at, now - at < recheck else { return nil }
            return .some(reading.space)
        }) {
            return cached
        }
        let space = probe(folder)
        reading.withLock { $0 = (space, now) }
        return space
    }

    /// Where free space stands now.
    var level: StoreSpacePolicy.Level {
        space().map(policy.level) ?? .ok
    }

    /// Admits a write that takes new facts, or throws `InsufficientStorage` (507).
    func admit() throws(InsufficientStorage) {
        guard let space = space() else { return }
        try policy.admit(space)
    }

    /// SQLite reported the disk full: forgets the reading and answers with the refusal the fresh one gives.
    func storeFull() -> InsufficientStorage {
        reading.withLock { $0 = (nil, nil) }
        let space = space()
        let reserve = space.map { policy.thresholds($0).reserve } ?? 0
        return InsufficientStorage(free: space?.free ?? 0, required: reserve)
    }

    /// The filesystem holding `path`, read with `statvfs(3)`: the space an unprivileged writer may use, and the size.
    static func filesystem(holding path: String) -> StoreSpace? {
        var figures = statvfs()
        guard statvfs(path, &figures) == 0 else { return nil }
        let unit = Int64(figures.f_frsize)
        return StoreSpace(free: Int64(figures.f_bavail) * unit, total: Int64(figures.f_blocks) * unit)
    }
}
