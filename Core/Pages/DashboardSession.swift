import Foundation
import GantryCore

/// A signed-in viewer of the dashboards (at the hub a principal, at an agent a plant user). The browser holds
/// the session's random id in a cookie; the server keeps only its SHA-256 (`idHash`), so a copy of the database
/// signs nobody in. The session acts as its principal or user, whose role (and companies) are read afresh on
/// every page, so a revoked principal's or removed user's sessions stop working at once.
public struct DashboardSession: Sendable, Equatable {
    /// SHA-256 hex of the cookie's id.
    public var idHash: String
    /// The principal's (or plant user's) name.
    public var principal: String
    public var createdAt: Date
    /// The last page served: idle expiry runs from here.
    public var lastSeenAt: Date
    /// The absolute end: no page is served on this session after it, however active.
    public var expiresAt: Date

    public init(idHash: String, principal: String, createdAt: Date, lastSeenAt: Date, expiresAt: Date) {
        self.idHash = idHash
        self.principal = principal
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
    }
}

/// How long sessions last, and the decision whether one still does. Pure: the clock is passed in.
public struct DashboardSessionPolicy: Sendable, Equatable {
    /// A session not used for this long has ended (30 minutes).
    public var idle: TimeInterval = 30 * 60
    /// A session ends this long after sign-in, however active (12 hours: a shift and its handover).
    public var absolute: TimeInterval = 12 * 3600

    public init(idle: TimeInterval = 30 * 60, absolute: TimeInterval = 12 * 3600) {
        self.idle = idle
        self.absolute = absolute
    }

    /// What becomes of a session seen at `now`.
    public enum Decision: Sendable, Equatable {
        /// Still valid: serve, and record `now` as its last use.
        case valid
        /// Unused for longer than `idle`.
        case idleExpired
        /// Past its absolute end.
        case expired
    }

    public func decide(_ session: DashboardSession, now: Date) -> Decision {
        if now >= session.expiresAt { return .expired }
        if now.timeIntervalSince(session.lastSeenAt) >= idle { return .idleExpired }
        return .valid
    }

    /// A new session for `principal`, signed in at `now`, with the hash of its id.
    public func start(principal: String, idHash: String, now: Date) -> DashboardSession {
        DashboardSession(idHash: idHash, principal: principal, createdAt: now, lastSeenAt: now, expiresAt: now.addingTimeInterval(absolute))
    }

    /// The CSRF token of a session: `hash` (SHA-256 hex) of its secret id with a fixed prefix, so it needs no
    /// storage, is bound to the session, differs from the stored id hash, and cannot be made without the cookie
    /// (which a cross-site page can neither read nor send: SameSite=Strict).
    public static func csrfToken(sessionID: String, hash: (String) -> String) -> String {
        hash("gantry-dashboard-csrf|" + sessionID)
    }
}
