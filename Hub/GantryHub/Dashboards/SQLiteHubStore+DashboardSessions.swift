import Foundation
import GantryCore
import GantryPages
import GRDB

extension SQLiteHubStore {
    public func addDashboardSession(_ session: DashboardSession) async throws {
        try await pool.write { db in
            try db.execute(sql: """
                INSERT INTO dashboard_sessions (id_hash, principal, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [
                    session.idHash, session.principal, Timestamp.format(session.createdAt), Timestamp.format(session.lastSeenAt),
                    Timestamp.format(session.expiresAt),
                ])
        }
    }

    public func dashboardSession(idHash: String) async throws -> DashboardSession? {
        try await pool.read { db in
            try SessionRow.fetchOne(db, sql: "SELECT * FROM dashboard_sessions WHERE id_hash = ?", arguments: [idHash])?.session
        }
    }

    public func touchDashboardSession(idHash: String, at: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE dashboard_sessions SET last_seen_at = ? WHERE id_hash = ?", arguments: [Timestamp.format(at), idHash])
        }
    }

    @discardableResult public func deleteDashboardSession(idHash: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM dashboard_sessions WHERE id_hash = ?", arguments: [idHash])
            return db.changesCount > 0
        }
    }

    @discardableResult public func deleteExpiredDashboardSessions(now: Date, idleSince: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM dashboard_sessions WHERE expires_at <= ? OR last_seen_at <= ?",
                arguments: [Timestamp.format(now), Timestamp.format(idleSince)])
            return db.changesCount
        }
    }
}

/// A row of `dashboard_sessions`.
private struct SessionRow: Decodable, FetchableRecord {
    var idHash, principal, createdAt, lastSeenAt, expiresAt: String
    enum CodingKeys: String, CodingKey {
        case idHash = "id_hash", principal, createdAt = "created_at", lastSeenAt = "last_seen_at", expiresAt = "expires_at"
    }

    var session: DashboardSession? {
        guard let created = Timestamp.parse(createdAt), let seen = Timestamp.parse(lastSeenAt), let expires = Timestamp.parse(expiresAt) else {
            return nil
        }
        return DashboardSession(idHash: idHash, principal: principal, createdAt: created, lastSeenAt: seen, expiresAt: expires)
    }
}
