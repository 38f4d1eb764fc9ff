import Foundation
import GantryCore

/// A person or a system that uses the hub's API with a bearer token: its role and the companies it may see.
/// Plants are not principals; they authenticate with their own enrolment token.
public struct PrincipalRecord: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case user, service
    }

    public var name: String
    public var kind: Kind
    public var role: Role
    public var companies: CompanyScope
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?

    public init(
        name: String, kind: Kind, role: Role, companies: CompanyScope, createdAt: Date, expiresAt: Date? = nil,
        revokedAt: Date? = nil
    ) {
        self.name = name
        self.kind = kind
        self.role = role
        self.companies = companies
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    /// How the principal appears in the audit trail.
    public var actor: String { "\(kind.rawValue):\(name)" }

    /// Canonical JSON for the audit trail (never the token).
    public var auditText: String {
        var members: [String: JSONValue] = [
            "name": .string(name), "kind": .string(kind.rawValue), "role": .string(role.rawValue),
            "companies": .string(companies.description),
        ]
        if let expiresAt { members["expiresAt"] = .string(Timestamp.format(expiresAt)) }
        if let revokedAt { members["revokedAt"] = .string(Timestamp.format(revokedAt)) }
        return JSONValue.object(members).canonicalText
    }

    enum CodingKeys: String, CodingKey {
        case name, kind, role, companies, createdAt, expiresAt, revokedAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        kind = try container.decode(Kind.self, forKey: .kind)
        role = try container.decode(Role.self, forKey: .role)
        companies = try CompanyScope(text: container.decode(String.self, forKey: .companies))
        createdAt = try container.decode(Date.self, forKey: .createdAt)
        expiresAt = try container.decodeIfPresent(Date.self, forKey: .expiresAt)
        revokedAt = try container.decodeIfPresent(Date.self, forKey: .revokedAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(kind, forKey: .kind)
        try container.encode(role, forKey: .role)
        try container.encode(companies.description, forKey: .companies)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encodeIfPresent(expiresAt, forKey: .expiresAt)
        try container.encodeIfPresent(revokedAt, forKey: .revokedAt)
    }
}
