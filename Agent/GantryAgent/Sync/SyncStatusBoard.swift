import Foundation

/// What the sync service last learnt about the hub, for `/v1/status`.
public struct HubLinkStatus: Sendable, Equatable, Codable {
    /// Whether the last attempt got a protocol answer from the hub (a refusal counts: the hub is there).
    public var reachable: Bool = false
    /// When the hub last answered.
    public var lastContactAt: Date?
    /// The last failure, if the last attempt failed.
    public var lastError: String?
    /// Consecutive failed attempts.
    public var consecutiveFailures: Int = 0
    /// When the next attempt is due, while backing off.
    public var nextAttemptAt: Date?
    /// Raised while the hub refuses this plant in a way no retry fixes, and shown in `/v1/status` `alarms`:
    /// `hub-refused-token` (the hub answered 401 or 403 to the plant's token) or `hub-refused-events` (a batch
    /// refused with another 4xx, such as `sequence-conflict`, or a log that is not the one the hub knows).
    public var alarm: String?
    /// Since when the hub has not answered (the first failed attempt after it last did); nil while it answers.
    public var unreachableSince: Date?
    /// Events the hub acknowledged per second over the last minute of answers; nil while it is unreachable or
    /// before two answers.
    public var sendRate: Double?
    /// Whether the agent is catching up: sending the backlog an outage or a stop left, until it is drained.
    public var catchingUp: Bool = false
    /// What the sync requests carried since the agent started, for `/metrics` (not part of `/v1/status`).
    public var traffic = SyncTraffic()

    enum CodingKeys: String, CodingKey {
        case reachable, lastContactAt, lastError, consecutiveFailures, nextAttemptAt, alarm, unreachableSince, sendRate, catchingUp
    }

    /// The alarm for a hub that refuses the plant's token.
    public static let tokenRefused = "hub-refused-token"
    /// The alarm for a hub that refuses the plant's events.
    public static let eventsRefused = "hub-refused-events"
}

/// The sync service writes here; the HTTP API reads.
typealias SyncStatusBoard = StatusBoard<HubLinkStatus>

/// Counts of the sync requests since the agent started: bytes per event before and after compression are
/// `jsonBytes / events` and `wireBytes / events`.
public struct SyncTraffic: Sendable, Equatable {
    /// Batches that carried events and got an answer from the hub.
    public var batches = 0
    /// Events in those batches (a resent batch counts again).
    public var events = 0
    /// Their JSON bodies' bytes.
    public var jsonBytes = 0
    /// Their bodies' bytes as sent (gzip).
    public var wireBytes = 0
    /// Requests that got no answer (timeout, cut connection, 5xx) and were retried.
    public var transportFailures = 0
    /// Events the next batch may hold (`SyncStateMachine.BatchSizing`).
    public var batchLimit = 0
}
