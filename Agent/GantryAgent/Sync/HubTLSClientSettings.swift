import Foundation
import GantryCore

/// How the agent checks an `https://` hub and proves itself to it (`hub.ca_file`, `hub.client_certificate`,
/// `hub.client_key`): the hub's certificate is verified against the system's CA store unless a CA file is given;
/// a client certificate and key are presented when configured (a hub with `tls.client_ca` requires one).
public struct HubTLSClientSettings: Sendable, Equatable {
    /// CA certificates (PEM) the hub's certificate must chain to, instead of the system store.
    public var caFile: String?
    /// The agent's client certificate (PEM).
    public var certificateFile: String?
    /// The private key of the client certificate (PEM, unencrypted).
    public var keyFile: String?

    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }

    /// The keys these settings are read from.
    static let keys: Set<String> = ["hub.ca_file", "hub.client_certificate", "hub.client_key"]

    init(_ settings: ConfigurationText) throws(ConfigurationError) {
        func path(_ key: String) throws(ConfigurationError) -> String? {
            guard let value = settings.values[key], !value.isEmpty else { return nil }
            guard FileManager.default.isReadableFile(atPath: value) else {
                throw ConfigurationError(key: key, origin: settings.origins[key], reason: "cannot read \(value)")
            }
            return value
        }
        caFile = try path("hub.ca_file")
        certificateFile = try path("hub.client_certificate")
        keyFile = try path("hub.client_key")
        if (certificateFile == nil) != (keyFile == nil) {
            throw ConfigurationError(
                key: certificateFile == nil ? "hub.client_certificate" : "hub.client_key",
                origin: settings.origins["hub.client_certificate"] ?? settings.origins["hub.client_key"],
                reason: "hub.client_certificate and hub.client_key go together")
        }
    }

    /// What the sync status and log say when TLS with the hub failed: named as such, with libcurl's text.
    static func failure(_ curlMessage: String) -> String {
        "TLS with the hub failed (certificate not verified or refused): \(curlMessage)"
    }
}
