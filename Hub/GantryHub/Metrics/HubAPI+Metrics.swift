import Foundation
import GantryCore
import Hummingbird

/// `GET /metrics` and the sync endpoint's counting.
extension HubAPI {
    /// `GET /metrics`: the Prometheus text format; per-plant figures only of the plants within `scope`. The hub-wide
    /// figures (every request, every event applied, the database's size) tell of every company's traffic, so only a
    /// principal of all companies sees them.
    func metricsExposition(scope: CompanyScope) async throws -> Response {
        metrics.application.exposition(try await metrics.scrape(store, scope: scope, now: now(), clocks: configuration.clockSkew), counted: scope == .all)
    }

    /// `sync`, counting the events applied and timing the apply (projection included) of an acknowledged batch.
    func syncCounted(_ batch: SyncBatch, from plant: PlantRecord) async throws -> SyncAcknowledgement {
        let clock = ContinuousClock()
        let start = clock.now
        let acknowledgement = try await sync(batch, from: plant)
        metrics.batchApplied(acknowledgement.applied, took: clock.now - start)
        return acknowledgement
    }
}
