import Foundation
import GantryCore

/// The masters the hub hands to the plant, by version (docs/masters.md).
public protocol MasterCache: Sendable {

    /// Applies one answer of the hub's master pull in a single transaction: every record, every removal and
    /// the new version, or nothing. An answer that does not start at the version held is refused.
    func applyMasters(_ changes: MasterChanges, at: Date) async throws
    /// The master version held and when it was last pulled.
    func masterState() async throws -> (version: Int64, pulledAt: Date?)
    /// The masters held, of one kind or all, optionally one key.
    func masters(kind: MasterKind?, key: String?) async throws -> [MasterRecord]
}

extension MasterCache {
    /// The plant's downtime reasons now: its own file's (`base`) with the hub's governed ones laid over them.
    func downtimeReasons(base: DowntimeReasons) async throws -> DowntimeReasons {
        base.overlaid(with: try await masters(kind: .downtimeReason, key: nil))
    }
}
