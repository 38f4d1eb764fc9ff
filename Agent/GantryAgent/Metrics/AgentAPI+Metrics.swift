import Foundation
import GantryCore
import Hummingbird

extension AgentAPI {
    /// `GET /metrics`: the Prometheus text format, read from the store and the status boards now.
    func metricsExposition() async throws -> Response {
        var figures = AgentMetrics(
            plantID: store.plantID, position: try await store.position(), hub: board.current, mqtt: machines.current,
            deadLettersKept: try await store.deadLetterCount(), storeSize: LocalFiles.sqliteBytes(configuration.storePath), now: now())
        figures.space = capacity?.status
        figures.clock = clock?.status
        return metrics.exposition(figures.text)
    }
}
