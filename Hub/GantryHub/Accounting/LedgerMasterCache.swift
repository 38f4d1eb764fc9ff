import Foundation
import GantryCore
import Synchronization

/// The decoded masters of the latest master version, shared by every batch until the masters change.
final class LedgerMasterCache: Sendable {
    private let cached = Mutex<(version: Int64, masters: LedgerMasters)?>(nil)

    /// The masters at `version`, loaded by `load` only when the version differs from the one cached.
    func masters(version: Int64, load: () throws -> [MasterRecord]) throws -> LedgerMasters {
        if let hit = cached.withLock({ $0?.version == version ? $0?.masters : nil }) { return hit }
        let masters = LedgerMasters(try load())
        cached.withLock { $0 = (version, masters) }
        return masters
    }

    /// The same, loading asynchronously (PostgreSQL).
    func masters(version: Int64, fetch: () async throws -> [MasterRecord]) async throws -> LedgerMasters {
        if let hit = cached.withLock({ $0?.version == version ? $0?.masters : nil }) { return hit }
        let masters = LedgerMasters(try await fetch())
        cached.withLock { $0 = (version, masters) }
        return masters
    }
}
