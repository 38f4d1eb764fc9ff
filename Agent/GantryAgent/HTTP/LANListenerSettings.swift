import Foundation
import GantryCore

/// The agent's second listener, on the plant LAN (`http.lan.*`), and whether the loopback listener asks for
/// tokens too (`http.loopback_writes`). On the LAN every write needs a plant user's token; the listener serves
/// HTTPS with its own certificate and key, and plain HTTP only when `http.lan.plain = allow` says so.
public struct LANListenerSettings: Sendable, Equatable {
    /// The LAN address to listen on; no LAN listener while unset.
    public var host: String?
    /// The LAN listener's port; 0 picks a free one (printed at start).
    public var port: Int = 8443
    /// Certificate chain (PEM) of the LAN listener.
    public var certificateFile: String?
    /// Private key (PEM) of the LAN listener's certificate.
    public var keyFile: String?
    /// Whether a LAN listener without certificate may start (plain HTTP); refused unless set.
    public var allowPlain = false
    /// Whether writes on the loopback listener need a plant user's token too (off: the terminal's own API).
    public var loopbackWritesNeedToken = false

    public init() {}

    /// The keys these settings are read from.
    static let keys: Set<String> = [
        "http.lan.host", "http.lan.port", "http.lan.certificate", "http.lan.key", "http.lan.plain", "http.loopback_writes",
    ]

    init(_ settings: ConfigurationText) throws(ConfigurationError) {
        host = settings.values["http.lan.host"].flatMap { $0.isEmpty ? nil : $0 }
        port = try settings.integer("http.lan.port", default: port, in: 0...65535)
        certificateFile = settings.values["http.lan.certificate"].flatMap { $0.isEmpty ? nil : $0 }
        keyFile = settings.values["http.lan.key"].flatMap { $0.isEmpty ? nil : $0 }
        allowPlain = try settings.choice("http.lan.plain", default: "refuse", among: ["refuse", "allow"]) == "allow"
        loopbackWritesNeedToken = try settings.choice("http.loopback_writes", default: "open", among: ["open", "token"]) == "token"
        if (certificateFile == nil) != (keyFile == nil) {
            throw ConfigurationError(key: certificateFile == nil ? "http.lan.certificate" : "http.lan.key", origin: nil,
                                     reason: "http.lan.certificate and http.lan.key go together")
        }
        if host != nil, certificateFile == nil, !allowPlain {
            throw ConfigurationError(
                key: "http.lan.host", origin: settings.origins["http.lan.host"],
                reason: "the LAN listener needs TLS: set http.lan.certificate and http.lan.key (PEM files), "
                    + "or http.lan.plain = allow to accept plain HTTP on the plant LAN")
        }
    }
}
