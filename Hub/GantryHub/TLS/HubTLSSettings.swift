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

    /// Replaces the files given (the `serve` command's `--tls-…` flags) and checks the result as the keys are.
    public mutating func override(certificate: String?, key: String?, clientCA: String?) throws(ConfigurationError) {
        certificateFile = certificate ?? certificateFile
        keyFile = key ?? keyFile
        clientCAFile = clientCA ?? clientCAFile
        try check(origin: "the command line")
    }

    init(_ settings: ConfigurationText) throws(ConfigurationError) {
        func path(_ key: String) -> String? { settings.values[key].flatMap { $0.isEmpty ? nil : $0 } }
        certificateFile = path("tls.certificate")
        keyFile = path("tls.key")
        clientCAFile = path("tls.client_ca")
        try check(origin: settings.origins["tls.certificate"] ?? settings.origins["tls.key"] ?? settings.origins["tls.client_ca"])
    }

    /// Refuses keys that need one another given alone.
    private func check(origin: String?) throws(ConfigurationError) {
        if certificateFile != nil, keyFile == nil {
            throw ConfigurationError(key: "tls.key", origin: origin,
                                     reason: "tls.certificate is set, so tls.key must name its private key (PEM)")
        }
        if keyFile != nil, certificateFile == nil {
            throw ConfigurationError(key: "tls.certificate", origin: origin,
                                     reason: "tls.key is set, so tls.certificate must name its certificate chain (PEM)")
        }
        if clientCAFile != nil, certificateFile == nil {
            throw ConfigurationError(key: "tls.client_ca", origin: origin,
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
