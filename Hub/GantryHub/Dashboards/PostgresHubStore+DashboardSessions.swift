import Foundation
import GantryCore
import GantryPages
import PostgresNIO

extension PostgresHubStore {
    public func addDashboardSession(_ session: DashboardSession) async throws {
        try await run { [logger] client in
            _ = try await client.query("""
                INSERT INTO dashboard_sessions (id_hash, principal, created_at, last_seen_at, expires_at)
                VALUES (\(session.idHash), \(session.principal), \(session.createdAt), \(session.lastSeenAt), \(session.expiresAt))
                """, logger: logger)
        }
    }

    public func dashboardSession(idHash: String) async throws -> DashboardSession? {
        try await run { [logger] client in
            let rows = try await client.query(
                "SELECT principal, created_at, last_seen_at, expires_at FROM dashboard_sessions WHERE id_hash = \(idHash)", logger: logger)
            for try await (principal, created, seen, expires) in rows.decode((String, Date, Date, Date).self) {
                return DashboardSession(idHash: idHash, principal: principal, createdAt: created, lastSeenAt: seen, expiresAt: expires)
            }
            return nil
        }
    }

    public func touchDashboardSession(idHash: String, at: Date) async throws {
        try await run { [logger] client in
            _ = try await client.query("UPDATE dashboard_sessions SET last_seen_at = \(at) WHERE id_hash = \(idHash)", logger: logger)
        }
    }

    @discardableResult public func deleteDashboardSession(idHash: String) async throws -> Bool {
        try await run { [logger] client in
            try await Self.count(client.query("DELETE FROM dashboard_sessions WHERE id_hash = \(idHash) RETURNING 1", logger: logger)) > 0
        }
    }

    @discardableResult public func deleteExpiredDashboardSessions(now: Date, idleSince: Date) async throws -> Int {
        try await run { [logger] client in
            try await Self.count(client.query(
                "DELETE FROM dashboard_sessions WHERE expires_at <= \(now) OR last_seen_at <= \(idleSince) RETURNING 1", logger: logger))
        }
    }
}
