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
}

/// The sync service writes here; the HTTP API reads.
typealias SyncStatusBoard = StatusBoard<HubLinkStatus>
