import Foundation
import GantryCore

/// A plant's row as both databases keep it for the sync report; the report is computed from it here, once.
struct PlantSyncFacts {
    var plant: String
    var company: String
    var timeZone: String
    var eventsReceived: Int64
    var lastSequence: Int64
    var agentHead: Int64
    var lastSeenAt: Date?
    var lastEventRecordedAt: Date?
    var scans: Int64
    var quarantinedEvents: Int64
    var unprojectedEvents: Int64

    /// The plant's line at `now`: pending is what the plant reported beyond what the hub applied; lag is 0 when
    /// nothing is pending, else the age of the newest event the hub has from the plant (never negative).
    func report(now: Date) -> PlantSyncReport {
        let pending = max(agentHead - lastSequence, 0)
        let lag = pending == 0 ? 0 : lastEventRecordedAt.map { max(now.timeIntervalSince($0), 0) } ?? 0
        return PlantSyncReport(
            plant: plant, company: company, timeZone: timeZone, eventsReceived: eventsReceived, lastSequence: lastSequence,
            agentHead: agentHead, pendingEvents: pending, lastSeenAt: lastSeenAt, lagSeconds: lag, scans: scans,
            quarantinedEvents: quarantinedEvents, unprojectedEvents: unprojectedEvents)
    }
}
