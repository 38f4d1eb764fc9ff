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

    /// The alarm for a hub that refuses the plant's token.
    public static let tokenRefused = "hub-refused-token"
    /// The alarm for a hub that refuses the plant's events.
    public static let eventsRefused = "hub-refused-events"
}

/// The sync service writes here; the HTTP API reads.
typealias SyncStatusBoard = StatusBoard<HubLinkStatus>
