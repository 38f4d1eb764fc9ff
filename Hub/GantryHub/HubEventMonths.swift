import Foundation
import GantryCore

/// `gantry-hub events`: the raw events' months on PostgreSQL, detached to archive files and restored
/// (docs/postgresql.md, "Events by month"). Projections are never touched; only `events` changes.
public struct HubEventMonths: Sendable {
    let store: PostgresHubStore
    let now: @Sendable () -> Date

    /// The months of `store`, which must be PostgreSQL: on SQLite the events stay one table.
    public init(store: any HubStore, now: @escaping @Sendable () -> Date) throws {
        guard let postgres = store as? PostgresHubStore else {
            throw CommandLineError(
                "the hub's store is SQLite: its events stay in one table (partitioning by month is PostgreSQL's, store.url); "
                    + "back the file up with `gantry-hub backup` instead")
        }
        self.store = postgres
        self.now = now
    }

    /// The lines `gantry-hub events list` prints: each month with a partition, then each detached one.
    public func list() async throws -> String {
        let (partitioned, detached) = try await store.eventMonths()
        let lines = partitioned.map { "\($0) partition \($0.partition)" }
            + detached.map { "\($0.month) detached: \($0.events) events in \($0.file) (sha256 \($0.sha256))" }
        return lines.joined(separator: "\n")
    }

    /// Writes `month` to `file` and detaches its partition (`PostgresHubStore.detachEvents`).
    public func detach(_ month: String, to file: String) async throws -> EventArchiveSummary {
        guard let month = EventMonth(month) else { throw CommandLineError("--month expects yyyy-MM, e.g. 2026-11, got \"\(month)\"") }
        return try await store.detachEvents(of: month, to: file, now: now())
    }

    /// Loads `file` back and attaches it as its month's partition (`PostgresHubStore.restoreEvents`).
    public func restore(from file: String) async throws -> EventArchiveSummary {
        try await store.restoreEvents(from: file)
    }
}
