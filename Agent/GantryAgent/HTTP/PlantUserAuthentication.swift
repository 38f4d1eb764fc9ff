import Foundation
import GantryCore
import Hummingbird

extension PlantUsers {
    /// The plant user whose bearer token the request carries; `401`/`403` problems say what is missing.
    func authenticate(_ request: Request, for purpose: String) throws -> PlantUser {
        guard path != nil else {
            throw ProblemDetails(code: "no-users", title: "No plant users", status: 403,
                                 detail: "\(purpose) needs a plant user, and this agent has no users.file (see `gantry-agent users add`)")
        }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw ProblemDetails(code: "unauthenticated", title: "Unauthenticated", status: 401,
                                 detail: "\(purpose) needs a plant user's token: Authorization: Bearer TOKEN")
        }
        let user: PlantUser?
        do {
            user = try self.user(token: String(header.dropFirst("Bearer ".count)))
        } catch {
            throw ProblemDetails(code: "users-unreadable", title: "Plant users unreadable", status: 503, detail: "users.file: \(error)")
        }
        guard let user else {
            throw ProblemDetails(code: "unauthenticated", title: "Unauthenticated", status: 401, detail: "the token is not a plant user's")
        }
        return user
    }

    /// An override asked for in a request: made by the authenticated user, in their role, for the reason given.
    func override(_ asked: OverrideRequest?, _ request: Request) throws -> Override? {
        guard let asked else { return nil }
        // Who asks comes first: an unauthenticated request learns nothing about its body.
        let user = try authenticate(request, for: "an override")
        let reason = asked.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...500).contains(reason.count) else {
            throw ProblemDetails(code: "invalid-request", title: "Invalid request", status: 422,
                                 detail: "an override says why, in at most 500 characters", field: "override.reason")
        }
        return Override(by: user.name, role: user.role.rawValue, reason: reason)
    }
}

/// An override as a request asks for it: who makes it is the authenticated user, not what the body says.
struct OverrideRequest: Decodable, Sendable {
    var reason: String
}
