import Foundation
import GantryCore
import Hummingbird

/// The audit trail of masters, principals and plants over HTTP (docs/access.md).
extension HubAPI {
    /// `GET /v1/audit?after=…&limit=…`: entries within the actor's companies, oldest first.
    func auditTrail(_ query: Parameters, actor: Actor) async throws -> AuditBody {
        let after = try integer(query, "after", range: 0...Int64.max) ?? 0
        let limit = try integer(query, "limit", range: 1...1000) ?? 100
        let entries = try await store.auditEntries(after: after, limit: Int(limit), scope: actor.companies)
        return AuditBody(entries: entries, next: entries.last?.sequence ?? after)
    }

    /// `GET /v1/audit/verify`: walks the whole hash chain and names the first broken link, if any.
    func auditVerify() async throws -> AuditVerifyBody {
        let result = try await administration.verifyAudit()
        return AuditVerifyBody(
            intact: result.broken == nil, checked: result.checked, brokenAt: result.broken?.sequence,
            reason: result.broken?.reason, head: result.head)
    }
}

struct AuditBody: Codable, Sendable {
    var entries: [AuditEntry]
    var next: Int64
}

struct AuditVerifyBody: Codable, Sendable {
    var intact: Bool
    var checked: Int64
    var brokenAt: Int64?
    var reason: String?
    /// The hash of the last intact entry: keep it elsewhere to detect a trail cut short later.
    var head: String?
}
