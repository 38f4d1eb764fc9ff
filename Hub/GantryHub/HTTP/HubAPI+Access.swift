import Foundation
import GantryCore
import Hummingbird

/// Principals and plant enrolment over HTTP, for administrators (within their companies).
extension HubAPI {
    /// `GET /v1/principals`: the principals within the actor's companies.
    func principalList(actor: Actor) async throws -> PrincipalListBody {
        PrincipalListBody(principals: try await administration.principals(visibleTo: actor))
    }

    /// `POST /v1/principals`: a new principal and its token, shown only in this answer.
    func principalAdd(_ body: PrincipalRequest, actor: Actor) async throws -> TokenBody {
        let companies: CompanyScope
        // Every company is asked for explicitly (`*`), never given by leaving the field out.
        do { companies = try CompanyScope(text: body.companies) } catch {
            throw invalidBody("companies", error.reason)
        }
        guard let role = Role(rawValue: body.role) else {
            throw invalidBody("role", "one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard role != .plantAgent else {
            throw invalidBody("role", "plants get their tokens by enrolment (POST /v1/plants)")
        }
        try requireFuture(body.expiresAt)
        let token = try await field("name") {
            try await administration.addPrincipal(
                name: body.name, kind: body.kind ?? .user, role: role, companies: companies, expiresAt: body.expiresAt, by: actor)
        }
        return TokenBody(name: body.name, token: token)
    }

    /// `POST /v1/principals/{name}/revoke`.
    func principalRevoke(name: String, actor: Actor) async throws {
        try await administration.revokePrincipal(name: name, by: actor)
    }

    /// `POST /v1/principals/{name}/rotate`: a new token (the old one stops working) and optionally a new expiry.
    func principalRotate(name: String, _ body: RotateRequest, actor: Actor) async throws -> TokenBody {
        try requireFuture(body.expiresAt)
        let token = try await administration.rotatePrincipalToken(name: name, expiresAt: body.expiresAt, by: actor)
        return TokenBody(name: name, token: token)
    }

    /// `POST /v1/plants`: enrols a plant within the actor's companies; answers the agent's configuration.
    func plantEnrol(_ body: EnrolRequest, actor: Actor) async throws -> String {
        // Each code checked on its own, so the answer names the field at fault.
        _ = try await field("company") { try PlantIdentity(company: body.company, code: "0") }
        _ = try await field("code") { try PlantIdentity(company: "0", code: body.code) }
        guard TimeZone(identifier: body.timeZone) != nil else {
            throw invalidBody("timeZone", "unknown time zone \"\(body.timeZone)\" (use an IANA name such as Europe/Berlin)")
        }
        guard actor.companies.covers(body.company.uppercased()) else {
            throw AccessDenied("company \(body.company) is outside this principal's companies")
        }
        return try await administration.enrolPlant(company: body.company, code: body.code, timeZone: body.timeZone, by: actor)
    }

    /// Runs `body`, naming `name` as the field at fault when it refuses a malformed identifier.
    private func field<T>(_ name: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as IdentifierError {
            throw invalidBody(name, error.reason)
        }
    }

    /// A token's expiry lies in the future (on the hub's clock), on creation and on rotation alike.
    private func requireFuture(_ expiresAt: Date?) throws {
        if let expiresAt, expiresAt <= now() {
            throw invalidBody("expiresAt", "the expiry \(Timestamp.format(expiresAt)) has passed; it must lie in the future")
        }
    }
}

struct PrincipalRequest: Codable, Sendable {
    var name: String
    var kind: PrincipalRecord.Kind?
    var role: String
    /// `*` for every company, or company codes separated by commas: required.
    var companies: String
    var expiresAt: Date?
}

struct RotateRequest: Codable, Sendable {
    var expiresAt: Date?
}

struct EnrolRequest: Codable, Sendable {
    var company: String
    var code: String
    var timeZone: String
}

struct TokenBody: Codable, Sendable {
    var name: String
    /// Shown only in this answer; the hub keeps its hash.
    var token: String
}

struct PrincipalListBody: Codable, Sendable {
    var principals: [PrincipalRecord]
}
