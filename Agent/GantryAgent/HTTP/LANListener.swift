import Foundation
import GantryCore
import GantryWeb
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOSSL
import ServiceLifecycle

/// The local API's responder behind a rule for writes: with `users` set, every POST, PUT, PATCH and DELETE needs
/// a plant user's bearer token of a role that may change things (`401 unauthenticated` without one,
/// `403 read-only-role` for an auditor's or monitor's token); reads pass as they are. With `users` nil (the
/// loopback listener by default) every request passes unchanged. The pages under `/dashboards/` pass too: their
/// forms authenticate themselves (a token in the sign-in form, the session and its CSRF token after).
struct WriteTokenResponder<Inner: HTTPResponder>: HTTPResponder {
    typealias Context = Inner.Context

    let inner: Inner
    let users: PlantUsers?

    /// Roles that read but never change anything, so their tokens write nowhere.
    static var readOnlyRoles: Set<Role> { [.auditor, .monitor] }

    func respond(to request: Request, context: Context) async throws -> Response {
        // The pages' own forms (sign-in with a token in the form, sign-out with the session and its CSRF token)
        // authenticate themselves: a browser sends no bearer token.
        let page = request.uri.path.hasPrefix(AgentDashboards.root + "/")
        if let users, !page, [.post, .put, .patch, .delete].contains(request.method) {
            do {
                let user = try users.authenticate(request, for: "a write on the plant LAN")
                if Self.readOnlyRoles.contains(user.role) {
                    throw ProblemDetails(code: "read-only-role", title: "Role may not write", status: 403,
                                         detail: "\(user.name) is \(user.role.rawValue), a role that reads only; writes need another role")
                }
            } catch let problem as ProblemDetails {
                var headers: HTTPFields = [:]
                if problem.status == 401 { headers[.wwwAuthenticate] = "Bearer" }
                return try problem.response(headers: headers)
            }
        }
        return try await inner.respond(to: request, context: context)
    }
}

extension LANListenerSettings {
    /// The LAN listener as a service over the same routes as the loopback one, writes guarded by `users`; nil
    /// when no `http.lan.host` is set. Its address is announced on standard output once it listens.
    func application<Responder: HTTPResponder>(
        responder: Responder, users: PlantUsers, plantID: String, logger: Logger
    ) throws -> (any Service)? where Responder.Context == BasicRequestContext {
        guard let host else { return nil }
        var server = HTTPServerBuilder.http1()
        if let certificateFile, let keyFile {
            let chain: [NIOSSLCertificate]
            let key: NIOSSLPrivateKey
            do {
                chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
            } catch {
                throw ConfigurationError(key: "http.lan.certificate", origin: nil, reason: "no readable PEM certificate in \(certificateFile) (\(error))")
            }
            do {
                key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
            } catch {
                throw ConfigurationError(key: "http.lan.key", origin: nil, reason: "no readable PEM private key in \(keyFile) (\(error))")
            }
            var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            tls.minimumTLSVersion = .tlsv12
            server = try .tls(.http1(), tlsConfiguration: tls)
        }
        let scheme = certificateFile == nil ? "http" : "https"
        if scheme == "http" {
            logger.warning("the LAN API listens with plain HTTP (http.lan.plain = allow): plant user tokens cross the LAN unencrypted")
        }
        return Application(
            responder: WriteTokenResponder(inner: responder, users: users),
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "gantry-agent"),
            onServerRunning: { channel in
                announce("gantry-agent \(plantID) listening on the plant LAN at \(scheme)://\(host):\(channel.localAddress?.port ?? port)")
            },
            logger: logger)
    }
}
