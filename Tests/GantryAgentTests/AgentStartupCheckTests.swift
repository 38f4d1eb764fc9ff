import Foundation
import GantryTestSupport
@testable import GantryAgent
import GantryCore
import Testing

/// What the agent checks of its configuration before anything starts: MQTT's host and TLS files, the store's
/// default place, and operator files written on Windows.
@Suite struct AgentStartupCheckTests {
    let required = ["GANTRY_AGENT_PLANT_ID": "ACME-BER", "GANTRY_AGENT_HUB_URL": "http://hub:8480", "GANTRY_AGENT_HUB_TOKEN": "t"]

    func load(_ variables: [String: String]) throws -> AgentConfiguration {
        try AgentConfiguration.load(path: nil, environment: required.merging(variables) { $1 })
    }

    func refusal(_ variables: [String: String]) -> ConfigurationError? {
        do {
            _ = try load(variables)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test func theStoreDefaultsToOneAbsolutePlacePerPlant() throws {
        #expect(try load([:]).storePath == "/var/lib/gantry/ACME-BER.sqlite")
        #expect(AgentConfiguration(plantID: "ACME-HAM", hubURL: "http://hub", hubToken: "t").storePath
                == "/var/lib/gantry/ACME-HAM.sqlite")
        #expect(try load(["GANTRY_AGENT_STORE_PATH": "/srv/ber.sqlite"]).storePath == "/srv/ber.sqlite")
    }

    @Test func aConfigurationFileWithWindowsLineEndingsIsReadWhole() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/agent.conf"
            try "plant.id = ACME-BER\r\nhub.url = http://hub:8480\r\nhub.token = t\r\nstore.path = \(dir)/h3.sqlite\r\nhttp.port = 8081\r\n"
                .write(toFile: path, atomically: true, encoding: .utf8)
            let configuration = try AgentConfiguration.load(path: path, environment: [:])
            #expect(configuration.storePath == "\(dir)/h3.sqlite")
            #expect(configuration.httpPort == 8081)
            #expect(configuration.hubToken == "t")
        }
    }

    @Test func aUsersFileWithWindowsLineEndingsIsRead() throws {
        let hash = String(repeating: "ab", count: 32)
        let users = try PlantUsers.read("anna planner \(hash)\r\nbert buyer \(hash)\r\n")
        #expect(users.map(\.user.name) == ["anna", "bert"])
        #expect(users.map(\.user.role) == [.planner, .buyer])
    }

    @Test func anUnknownAgentVariableIsRefusedAndAHubOneIgnored() throws {
        #expect(refusal(["GANTRY_AGENT_MQTT_HOTS": "broker"])?.origin == "GANTRY_AGENT_MQTT_HOTS")
        #expect(try load(["GANTRY_HUB_HTTP_PORT": "1"]).httpPort == 8080)
    }

    @Test(arguments: [
        ("127.0.0.1:1883", "expected a host name or address without a port, got \"127.0.0.1:1883\" (set mqtt.host = 127.0.0.1 and mqtt.port = 1883)"),
        ("mqtt://broker", "expected a host name or address, got the URL \"mqtt://broker\" (the port goes in mqtt.port, TLS is on with mqtt.tls_ca_file)"),
        ("broker one", "expected a host name or address, got \"broker one\""),
    ])
    func aBrokerHostWithAPortOrSchemeIsRefused(host: String, reason: String) {
        #expect(refusal(["GANTRY_AGENT_MQTT_HOST": host])
                == ConfigurationError(key: "mqtt.host", origin: "GANTRY_AGENT_MQTT_HOST", reason: reason))
    }

    @Test func hostsAndIPv6AddressesAreTakenAsTheyAre() throws {
        #expect(try load(["GANTRY_AGENT_MQTT_HOST": "::1"]).mqtt.host == "::1")
        #expect(try load(["GANTRY_AGENT_MQTT_HOST": "broker.plant.local"]).mqtt.host == "broker.plant.local")
    }

    @Test func aMissingCAFileIsNamedWithItsKey() {
        let refused = refusal(["GANTRY_AGENT_MQTT_HOST": "broker", "GANTRY_AGENT_MQTT_TLS_CA_FILE": "/nonexistent/ca.pem"])
        #expect(refused == ConfigurationError(
            key: "mqtt.tls_ca_file", origin: "GANTRY_AGENT_MQTT_TLS_CA_FILE", reason: "cannot read /nonexistent/ca.pem: no such file"))
    }

    @Test func aClientCertificateWithoutACAFileIsRefusedRatherThanSentInTheClear() async throws {
        try await withTemporaryDirectory { dir in
            for name in ["ca.pem", "client.pem", "client.key"] { try "x".write(toFile: "\(dir)/\(name)", atomically: true, encoding: .utf8) }
            let refused = refusal([
                "GANTRY_AGENT_MQTT_HOST": "broker", "GANTRY_AGENT_MQTT_TLS_CERT_FILE": "\(dir)/client.pem",
                "GANTRY_AGENT_MQTT_TLS_KEY_FILE": "\(dir)/client.key",
            ])
            #expect(refused?.key == "mqtt.tls_cert_file")
            #expect(refused?.reason.contains("mqtt.tls_ca_file is not") == true)
            #expect(refusal([
                "GANTRY_AGENT_MQTT_HOST": "broker", "GANTRY_AGENT_MQTT_TLS_CA_FILE": "\(dir)/ca.pem",
                "GANTRY_AGENT_MQTT_TLS_CERT_FILE": "\(dir)/client.pem",
            ]) == ConfigurationError(
                key: "mqtt.tls_cert_file", origin: "GANTRY_AGENT_MQTT_TLS_CERT_FILE",
                reason: "is set but mqtt.tls_key_file is not: a client certificate needs both"))
            let complete = try load([
                "GANTRY_AGENT_MQTT_HOST": "broker", "GANTRY_AGENT_MQTT_TLS_CA_FILE": "\(dir)/ca.pem",
                "GANTRY_AGENT_MQTT_TLS_CERT_FILE": "\(dir)/client.pem", "GANTRY_AGENT_MQTT_TLS_KEY_FILE": "\(dir)/client.key",
            ])
            #expect(complete.mqtt.tlsKeyFile == "\(dir)/client.key")
            #expect(refusal(["GANTRY_AGENT_MQTT_HOST": "broker", "GANTRY_AGENT_MQTT_TLS_CA_FILE": dir])?.reason
                    == "cannot read \(dir): it is a folder, not a file")
        }
    }
}

/// Which broker connection failures reach the log.
@Suite struct BrokerConnectionLogTests {
    let start = ContinuousClock.now

    @Test func theFirstFailureIsLoggedThenAtMostOneLineAMinuteWithACount() {
        var log = BrokerConnectionLog()
        #expect(log.failed(reason: "Connection refused", at: start) == .cannotConnect(reason: "Connection refused"))
        // Retries after 1, 4, 9, 16 and 25 s: quiet.
        for seconds in [1, 5, 14, 30, 55] {
            #expect(log.failed(reason: "Connection refused", at: start + .seconds(seconds)) == nil)
        }
        // 85 s: the seventh failure, a minute after the first line; six since it.
        #expect(log.failed(reason: "Lookup error.", at: start + .seconds(85)) == .stillCannotConnect(failures: 6, reason: "Lookup error."))
        #expect(log.failed(reason: "Lookup error.", at: start + .seconds(115)) == nil)
        #expect(log.failed(reason: "Lookup error.", at: start + .seconds(145)) == .stillCannotConnect(failures: 2, reason: "Lookup error."))
        #expect(log.connected() == .connected(afterFailures: 9))
        // Connected again: the next outage's first failure is logged at once.
        #expect(log.failed(reason: "Connection refused", at: start + .seconds(150)) == .cannotConnect(reason: "Connection refused"))
    }

    @Test func aFirstConnectionSaysNoAttemptFailed() {
        var log = BrokerConnectionLog()
        #expect(log.connected() == .connected(afterFailures: 0))
    }
}
