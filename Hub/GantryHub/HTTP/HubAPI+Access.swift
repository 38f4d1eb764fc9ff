import Foundation
import GantryCore
import Hummingbird

/// Principals and plant enrolment over HTTP, for administrators (within their companies).
extension HubAPI {
    var administration: HubAdministration { HubAdministration(store: store, configuration: configuration) }

    func access(_ endpoint: HubEndpoint, _ request: Request, context: BasicRequestContext, actor: Actor) async throws -> Response {
        switch endpoint {
        case .principalList:
            return try jsonResponse(PrincipalListBody(principals: try await administration.principals(visibleTo: actor)))
        case .principalAdd:
            var request = request
            let body = try await decode(PrincipalRequest.self, &request)
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
            return try jsonResponse(TokenBody(name: body.name, token: token), status: .created)
        case .principalRevoke:
            try await administration.revokePrincipal(name: try parameter("name", context), by: actor)
            return Response(status: .noContent)
        case .principalRotate:
            var request = request
            let body = try await decode(RotateRequest.self, &request, emptyAllowed: true) ?? RotateRequest()
            let name = try parameter("name", context)
            try requireFuture(body.expiresAt)
            let token = try await administration.rotatePrincipalToken(name: name, expiresAt: body.expiresAt, by: actor)
            return try jsonResponse(TokenBody(name: name, token: token))
        case .plantEnrol:
            var request = request
            let body = try await decode(EnrolRequest.self, &request)
            // Each code checked on its own, so the answer names the field at fault.
            _ = try await field("company") { try PlantIdentity(company: body.company, code: "0") }
            _ = try await field("code") { try PlantIdentity(company: "0", code: body.code) }
            guard TimeZone(identifier: body.timeZone) != nil else {
                throw invalidBody("timeZone", "unknown time zone \"\(body.timeZone)\" (use an IANA name such as Europe/Berlin)")
            }
            guard actor.companies.covers(body.company.uppercased()) else {
                throw AccessDenied("company \(body.company) is outside this principal's companies")
            }
            let configuration = try await administration.enrolPlant(
                company: body.company, code: body.code, timeZone: body.timeZone, by: actor)
            return Response(
                status: .created, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: configuration + "\n")))
        default:
            throw HTTPError(.notFound)
        }
    }

    /// Runs `body`, naming `name` as the field at fault when it refuses a malformed identifier.
    private func field<T>(_ name: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as IdentifierError {
            throw invalidBody(name, error.reason)
        }
    }

    /// A token's expiry lies in the future, on creation and on rotation alike.
    private func requireFuture(_ expiresAt: Date?) throws {
        if let expiresAt, expiresAt <= Date() {
            throw invalidBody("expiresAt", "the expiry \(Timestamp.format(expiresAt)) has passed; it must lie in the future")
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ request: inout Request, emptyAllowed: Bool = false) async throws -> T? {
        let buffer = try await body(&request, limit: 1 << 20)
        if buffer.readableBytes == 0 && emptyAllowed { return nil }
        do {
            return try StrictJSON.decode(T.self, from: Data(buffer.readableBytesView))
        } catch {
            throw ProblemDetails(refused: error)
        }
    }

    private func decode<T: Decodable>(_ type: T.Type, _ request: inout Request) async throws -> T {
        try await decode(type, &request, emptyAllowed: false)!
    }
}

struct PrincipalRequest: Decodable {
    var name: String
    var kind: PrincipalRecord.Kind?
    var role: String
    /// `*` for every company, or company codes separated by commas: required.
    var companies: String
    var expiresAt: Date?
}

struct RotateRequest: Decodable {
    var expiresAt: Date?
}

struct EnrolRequest: Decodable {
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
