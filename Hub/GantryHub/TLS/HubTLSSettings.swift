import Foundation
import GantryCore

/// The hub's HTTPS settings (`tls.*` keys): the certificate chain and private key it serves with (PEM files, read
/// again on SIGHUP), and optionally a client CA: then every client must present a certificate that CA signed
/// (mutual TLS, a second factor beside the plant token). Without `tls.certificate` the hub speaks plain HTTP.
public struct HubTLSSettings: Sendable, Equatable {
    /// The certificate chain in PEM, the server's own certificate first.
    public var certificateFile: String?
    /// The private key of the first certificate, in PEM (unencrypted).
    public var keyFile: String?
    /// CA certificates (PEM) that sign the clients' certificates; set, it makes a client certificate required.
    public var clientCAFile: String?

    public init() {}

    /// Whether the hub serves HTTPS.
    public var enabled: Bool { certificateFile != nil }

    /// The keys these settings are read from.
    static let keys: Set<String> = ["tls.certificate", "tls.key", "tls.client_ca"]

    init(_ settings: ConfigurationText) throws(ConfigurationError) {
        func path(_ key: String) -> String? { settings.values[key].flatMap { $0.isEmpty ? nil : $0 } }
        certificateFile = path("tls.certificate")
        keyFile = path("tls.key")
        clientCAFile = path("tls.client_ca")
        if certificateFile != nil, keyFile == nil {
            throw ConfigurationError(key: "tls.key", origin: settings.origins["tls.certificate"],
                                     reason: "tls.certificate is set, so tls.key must name its private key (PEM)")
        }
        if keyFile != nil, certificateFile == nil {
            throw ConfigurationError(key: "tls.certificate", origin: settings.origins["tls.key"],
                                     reason: "tls.key is set, so tls.certificate must name its certificate chain (PEM)")
        }
        if clientCAFile != nil, certificateFile == nil {
            throw ConfigurationError(key: "tls.client_ca", origin: settings.origins["tls.client_ca"],
                                     reason: "client certificates need TLS: set tls.certificate and tls.key too")
        }
    }
}

extension HubConfiguration {
    /// The warning to log at start when the hub speaks plain HTTP on an address beyond loopback; nil when it
    /// serves HTTPS or listens on loopback only.
    public var plainHTTPWarning: String? {
        guard !tls.enabled, !Self.isLoopback(httpHost) else { return nil }
        return "plain HTTP on \(httpHost):\(httpPort), beyond loopback: plant tokens and events cross the network unencrypted; "
            + "set tls.certificate and tls.key (docs/operations.md, \"TLS\") to serve HTTPS"
    }

    /// Whether `host` names only the local machine.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }
}
