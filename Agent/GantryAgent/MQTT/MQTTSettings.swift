import Foundation
import GantryCore

/// The broker connection and message contract settings (`mqtt.*` keys).
public struct MQTTSettings: Sendable {
    /// Broker host; MQTT ingest is off while this is empty.
    public var host: String = ""
    public var port: Int = 1883
    /// Stable per plant, so the broker keeps the persistent session across restarts.
    public var clientID: String?
    public var username: String?
    public var password: String?
    /// CA file for TLS; setting it turns TLS on.
    public var tlsCAFile: String?
    public var tlsCertFile: String?
    public var tlsKeyFile: String?
    /// First topic level(s) of the contract: `{prefix}/{plant}/{line}/{machine}/state|count`.
    public var prefix: String = "gantry"
    /// Subscription QoS: 1 (default, durable per message, redelivered after restarts) or 0.
    public var qos: Int = 1
    public var limits = MachineSignal.Limits()

    public init() {}

    public var enabled: Bool { !host.isEmpty }

    func clientOptions(plantID: String) -> MosquittoClient.Options {
        MosquittoClient.Options(
            host: host, port: port, clientID: clientID ?? "gantry-agent-\(plantID)", cleanSession: qos == 0,
            username: username, password: password, tlsCAFile: tlsCAFile, tlsCertFile: tlsCertFile,
            tlsKeyFile: tlsKeyFile,
            subscriptions: [(MachineSignal.subscription(prefix: prefix, plant: plantID), Int32(qos))])
    }

    static let keys: Set<String> = [
        "mqtt.host", "mqtt.port", "mqtt.client_id", "mqtt.username", "mqtt.password", "mqtt.tls_ca_file",
        "mqtt.tls_cert_file", "mqtt.tls_key_file", "mqtt.prefix", "mqtt.qos", "mqtt.max_payload_bytes",
        "mqtt.max_message_age",
    ]

    init(_ settings: ConfigurationText) throws(ConfigurationError) {
        host = settings.string("mqtt.host", default: host)
        if let problem = Self.hostProblem(host) {
            throw ConfigurationError(key: "mqtt.host", origin: settings.origins["mqtt.host"], reason: problem)
        }
        port = try settings.integer("mqtt.port", default: port, in: 1...65535)
        clientID = settings.values["mqtt.client_id"]
        username = settings.values["mqtt.username"]
        password = settings.values["mqtt.password"]
        tlsCAFile = settings.values["mqtt.tls_ca_file"]
        tlsCertFile = settings.values["mqtt.tls_cert_file"]
        tlsKeyFile = settings.values["mqtt.tls_key_file"]
        try checkTLS(settings)
        prefix = settings.string("mqtt.prefix", default: prefix)
        guard !prefix.isEmpty, !prefix.contains("+"), !prefix.contains("#"), !prefix.hasPrefix("/"), !prefix.hasSuffix("/") else {
            throw ConfigurationError(key: "mqtt.prefix", origin: settings.origins["mqtt.prefix"],
                                     reason: "a topic prefix without wildcards or leading/trailing '/'")
        }
        qos = try settings.integer("mqtt.qos", default: qos, in: 0...1)
        limits.maxPayloadBytes = try settings.bytes("mqtt.max_payload_bytes", default: limits.maxPayloadBytes)
        limits.maxAge = try settings.duration("mqtt.max_message_age", default: .seconds(Int64(limits.maxAge))).seconds
    }

    /// Why `host` cannot be a broker host, if it cannot: libmosquitto takes a bare name or address and would
    /// only fail at the first connection attempt ("Lookup error.") after everything else has started.
    static func hostProblem(_ host: String) -> String? {
        if host.isEmpty { return nil }
        if host.contains("://") {
            return "expected a host name or address, got the URL \"\(host)\" (the port goes in mqtt.port, TLS is on with mqtt.tls_ca_file)"
        }
        if host.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "[" || $0 == "]" }) {
            return "expected a host name or address, got \"\(host)\""
        }
        // One colon: `host:port`. Two or more: an IPv6 address, which libmosquitto takes as it is.
        if host.count(where: { $0 == ":" }) == 1 {
            let parts = host.split(separator: ":", omittingEmptySubsequences: false)
            return "expected a host name or address without a port, got \"\(host)\" (set mqtt.host = \(parts[0]) "
                + "and mqtt.port = \(parts[1]))"
        }
        return nil
    }

    /// TLS is on exactly when `mqtt.tls_ca_file` is set; a client certificate needs its key and TLS. Every file
    /// named must be readable now, not at the first connection after HTTP and sync have started.
    private func checkTLS(_ settings: ConfigurationText) throws(ConfigurationError) {
        func refuse(_ key: String, _ reason: String) -> ConfigurationError {
            ConfigurationError(key: key, origin: settings.origins[key], reason: reason)
        }
        if tlsCAFile == nil, let key = ["mqtt.tls_cert_file", "mqtt.tls_key_file"].first(where: { settings.values[$0] != nil }) {
            throw refuse(key, "is set but mqtt.tls_ca_file is not: TLS is used only with a CA file, and the agent "
                         + "would connect without TLS; set mqtt.tls_ca_file to the broker's CA certificate")
        }
        if (tlsCertFile == nil) != (tlsKeyFile == nil) {
            let (given, missing) = tlsCertFile == nil ? ("mqtt.tls_key_file", "mqtt.tls_cert_file") : ("mqtt.tls_cert_file", "mqtt.tls_key_file")
            throw refuse(given, "is set but \(missing) is not: a client certificate needs both")
        }
        for (key, path) in [("mqtt.tls_ca_file", tlsCAFile), ("mqtt.tls_cert_file", tlsCertFile), ("mqtt.tls_key_file", tlsKeyFile)] {
            guard let path else { continue }
            if let problem = Self.unreadable(path) { throw refuse(key, "cannot read \(path): \(problem)") }
        }
    }

    /// Why the file at `path` cannot be read by this process, if it cannot.
    private static func unreadable(_ path: String) -> String? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return "no such file" }
        if isFolder.boolValue { return "it is a folder, not a file" }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        close(descriptor)
        return nil
    }
}
