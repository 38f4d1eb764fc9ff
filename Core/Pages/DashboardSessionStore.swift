import Foundation

/// Dashboard sessions, by the hash of their id: the hub's (migration 14, both databases) and each agent's
/// (its store's migration 16), table `dashboard_sessions`.
public protocol DashboardSessionStore: Sendable {
    /// Stores a new session.
    func addDashboardSession(_ session: DashboardSession) async throws
    /// The session with this id hash, expired or not (the caller decides, with `DashboardSessionPolicy`).
    func dashboardSession(idHash: String) async throws -> DashboardSession?
    /// Records a session's last use.
    func touchDashboardSession(idHash: String, at: Date) async throws
    /// Deletes one session (sign-out, or found expired); false when there was none.
    @discardableResult func deleteDashboardSession(idHash: String) async throws -> Bool
    /// Deletes the sessions whose absolute end is at or before `now`, or unused since `idleSince`; answers how many.
    @discardableResult func deleteExpiredDashboardSessions(now: Date, idleSince: Date) async throws -> Int
}
