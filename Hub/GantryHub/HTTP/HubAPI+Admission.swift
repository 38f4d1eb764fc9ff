import Foundation
import GantryCore
import Hummingbird

/// Who may call a route: the bearer token names a plant or a principal, and the route's `HubEndpoint.Access`
/// says which of them, with which permission, gets in.
extension HubAPI {
    /// Authenticates the caller and checks the route's access rule before anything of the request is read.
    /// Expiry is judged on the hub's clock.
    func admit(_ request: Request, context: BasicRequestContext, to endpoint: HubEndpoint) async throws -> Caller {
        if endpoint.access == .open { return .anonymous }
        let caller = try await authenticate(SecretToken.hash(try bearerToken(request)))
        switch (endpoint.access, caller) {
        case (.plant, .plant):
            return caller
        case (.plant, _):
            throw ProblemDetails.forbidden("only a plant's own token may use \(endpoint.path)")
        case (_, .plant):
            throw ProblemDetails.forbidden("a plant token may only send its events and read its masters")
        case (.principal(let permission), .principal(let principal)):
            guard principal.role.allows(permission) else {
                throw ProblemDetails.forbidden("the role \(principal.role.rawValue) lacks the permission \(permission.rawValue)")
            }
            return caller
        case (.masterWriter, .principal(let principal)):
            let needed: [Permission]
            if context.parameters.get("kind") != nil {
                needed = [try masterKind(try parameter("kind", context), csv: endpoint == .masterImport).writePermission]
            } else {
                needed = [.writeCatalogue, .writeOrganisation, .writeFinance, .writePolicies]
            }
            guard needed.contains(where: principal.role.allows) else {
                throw ProblemDetails.forbidden(
                    "the role \(principal.role.rawValue) lacks the permission \(needed.map(\.rawValue).joined(separator: " or "))")
            }
            return caller
        default:
            throw ProblemDetails.forbidden("not allowed")
        }
    }

    /// The plant or the principal a token's hash belongs to; a revoked or expired principal's token is refused.
    private func authenticate(_ hash: String) async throws -> Caller {
        if let plant = try await store.plant(tokenHash: hash) { return .plant(plant) }
        guard let principal = try await store.principal(tokenHash: hash) else {
            throw ProblemDetails.unauthorized("unknown, replaced or revoked token")
        }
        if let revoked = principal.revokedAt {
            throw ProblemDetails.unauthorized("the token of \(principal.name) was revoked at \(Timestamp.format(revoked))")
        }
        if let expires = principal.expiresAt, expires <= now() {
            throw ProblemDetails.unauthorized("the token of \(principal.name) expired at \(Timestamp.format(expires))")
        }
        return .principal(principal)
    }

    private func bearerToken(_ request: Request) throws -> String {
        guard let header = request.headers[.authorization] else {
            throw ProblemDetails.unauthorized("an Authorization: Bearer token is required")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw ProblemDetails.unauthorized("the Authorization header must be `Bearer <token>`")
        }
        return String(parts[1])
    }
}

extension Caller {
    /// The plant of a plant route (`admit` let only a plant's token in).
    func plant() throws -> PlantRecord {
        guard case .plant(let plant) = self else { throw Self.wrongKind }
        return plant
    }

    /// The principal of a principal route (`admit` let only a principal's token in).
    func principal() throws -> PrincipalRecord {
        guard case .principal(let principal) = self else { throw Self.wrongKind }
        return principal
    }

    /// The principal of a principal route, as the actor the audit trail names.
    func actor() throws -> Actor {
        Actor(try principal())
    }

    private static var wrongKind: ProblemDetails { .forbidden("this route is not for this kind of caller") }
}
