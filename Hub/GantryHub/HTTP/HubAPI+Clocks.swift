import Foundation
import GantryCore
import Hummingbird
import Logging

/// The plants' clocks against the hub's (docs/reliability.md, "Wrong clocks"): each sync request carries the
/// agent's time (`X-Gantry-Agent-Time`); the hub keeps the skew per plant, logs once when it goes beyond
/// `sync.clock_skew_alarm` and once when it comes back, shows it in the sync report and `/metrics`, and answers
/// with its own time (`hubTime`) so the agent can tell too. Events are ordered by sequence and keep the plant's
/// times whatever the skew; the hub's receive time is kept beside them (`events.received_at`).
extension HubAPI {
    /// `POST /v1/sync/batches`: the batch applied as `syncCounted` does, the skew taken from the request's header
    /// against the hub's clock when it arrived, and the hub's time in the acknowledgement.
    func syncTimed(_ request: inout Request, from plant: PlantRecord) async throws -> SyncAcknowledgement {
        let receivedAt = now()
        let agentTime = ClockSkew.agentTime(header: HTTPFields.Element.Name(ClockSkew.agentTimeHeader).flatMap { request.headers[$0] })
        var acknowledgement = try await syncCounted(try await decodeBatch(&request), from: plant)
        if let agentTime {
            await noteClock(ClockSkew.atHub(agentTime: agentTime, receivedAt: receivedAt), of: plant.plantID, at: receivedAt)
        }
        acknowledgement.hubTime = now()
        return acknowledgement
    }

    /// Keeps the plant's skew and logs a change of its alarm. A failure to keep it is logged and does not fail
    /// the batch, which is applied already.
    private func noteClock(_ skew: ClockSkew, of plant: String, at: Date) async {
        let previous: ClockSkew?
        do {
            previous = try await store.recordClockSkew(plantID: plant, skew: skew, at: at)
        } catch {
            logger.warning("could not keep the plant's clock skew", metadata: ["plant": "\(plant)", "error": "\(error)"])
            return
        }
        let metadata: Logger.Metadata = [
            "plant": "\(plant)", "skew_s": .string(String(format: "%.3f", skew.seconds)),
            "threshold_s": "\(configuration.clockSkew.threshold.components.seconds)", "alarm": .string(ClockSkewPolicy.alarm),
        ]
        switch configuration.clockSkew.transition(from: previous, to: skew) {
        case .raised?:
            let message = "a plant's clock is \(skew.seconds > 0 ? "ahead of" : "behind") the hub's beyond the threshold; its events "
                + "keep their order and the plant's times, received_at holds the hub's"
            logger.error("\(message)", metadata: metadata)
        case .cleared?:
            logger.notice("a plant's clock agrees with the hub's again", metadata: metadata)
        case nil:
            break
        }
    }

    /// `plants` with each one's last skew and its `clock-skew` alarm.
    func withClocks(_ plants: [PlantSyncReport]) async throws -> [PlantSyncReport] {
        let clocks = try await store.plantClocks()
        let policy = configuration.clockSkew
        return plants.map { plant in
            guard let clock = clocks[plant.plant] else { return plant }
            var plant = plant
            plant.clockSkewSeconds = clock.skew.seconds
            plant.clockMeasuredAt = clock.measuredAt
            if policy.alarms(clock.skew) { plant.alarms.append(ClockSkewPolicy.alarm) }
            return plant
        }
    }
}
