import Foundation

/// A PostgreSQL connection given as `postgres://user:password@host:port/database?sslmode=…`, the form
/// libpq and every PostgreSQL tool accept. Percent-escapes in the user and password are decoded.
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    /// How the connection uses TLS, with libpq's names and meanings.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without verifying its certificate (libpq's default).
        case prefer
        /// TLS or no connection, without verifying the certificate.
        case require
        /// TLS with the certificate checked against the system's trust store and the host name.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public init(host: String, port: Int = 5432, user: String, password: String? = nil, database: String, tls: TLSMode = .prefer) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// Parses `text`; the error says which part is wrong. The user defaults to `postgres`, the port to 5432 and
    /// the database to the user's name, as with libpq.
    public init(parsing text: String) throws(ConfigurationError) {
        func invalid(_ reason: String) -> ConfigurationError {
            ConfigurationError(key: nil, origin: nil, reason: reason)
        }
        guard let components = URLComponents(string: text),
              let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme.lowercased())
        else { throw invalid("not a postgres:// URL") }
        guard let host = components.host, !host.isEmpty else { throw invalid("the URL names no host") }
        let user = components.user?.removingPercentEncoding ?? "postgres"
        let database = String(components.path.drop { $0 == "/" })
        guard !database.contains("/") else { throw invalid("the path must be just the database name") }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw invalid("sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tls = mode
            default:
                throw invalid("unknown URL parameter \(item.name) (only sslmode is understood)")
            }
        }
        if let port = components.port, !(1...65535).contains(port) { throw invalid("the port must be from 1 to 65535") }
        self.init(
            host: host, port: components.port ?? 5432, user: user,
            password: components.password?.removingPercentEncoding,
            database: database.isEmpty ? user : (database.removingPercentEncoding ?? database), tls: tls)
    }

    /// The URL without the password, safe for logs and messages.
    public var description: String {
        "postgres://\(user)@\(host):\(port)/\(database)?sslmode=\(tls.rawValue)"
    }
}
