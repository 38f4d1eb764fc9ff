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
        port = try settings.integer("mqtt.port", default: port, in: 1...65535)
        clientID = settings.values["mqtt.client_id"]
        username = settings.values["mqtt.username"]
        password = settings.values["mqtt.password"]
        tlsCAFile = settings.values["mqtt.tls_ca_file"]
        tlsCertFile = settings.values["mqtt.tls_cert_file"]
        tlsKeyFile = settings.values["mqtt.tls_key_file"]
        prefix = settings.string("mqtt.prefix", default: prefix)
        guard !prefix.isEmpty, !prefix.contains("+"), !prefix.contains("#"), !prefix.hasPrefix("/"), !prefix.hasSuffix("/") else {
            throw ConfigurationError(key: "mqtt.prefix", origin: settings.origins["mqtt.prefix"],
                                     reason: "a topic prefix without wildcards or leading/trailing '/'")
        }
        qos = try settings.integer("mqtt.qos", default: qos, in: 0...1)
        limits.maxPayloadBytes = try settings.bytes("mqtt.max_payload_bytes", default: limits.maxPayloadBytes)
        limits.maxAge = try settings.duration("mqtt.max_message_age", default: .seconds(Int64(limits.maxAge))).seconds
    }
}
