import Foundation
import GantryTestSupport
import GantryAgent
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A real mosquitto broker on a free loopback port, with its configuration in a temp folder.
final class Broker: @unchecked Sendable {
    let port: Int
    private let dir: String
    private(set) var child: ChildProcess?

    init(dir: String) throws {
        self.dir = dir
        port = try freePort()
        // The broker keeps queued QoS 1 messages for offline persistent sessions; the default cap of 1000
        // would drop messages published while an agent restarts.
        try """
            listener \(port) 127.0.0.1
            allow_anonymous true
            persistence false
            max_queued_messages 1000000
            max_inflight_messages 100
            """.write(toFile: "\(dir)/mosquitto.conf", atomically: true, encoding: .utf8)
    }

    func start() async throws {
        let child = try ChildProcess("/usr/sbin/mosquitto", ["-c", "\(dir)/mosquitto.conf"])
        self.child = child
        try await eventually("mosquitto listens on \(port)", timeout: .seconds(10), interval: .milliseconds(20)) {
            canConnect(port: port)
        }
    }

    func stop() async throws {
        try await child?.stop(SIGKILL)
        child = nil
    }

    /// Publishes each payload to `topic` with a real third-party client (`mosquitto_pub`).
    func publish(_ topic: String, _ payloads: [String], qos: Int = 1) async throws {
        let publisher = try ChildProcess("/usr/bin/mosquitto_pub", ["-p", "\(port)", "-q", "\(qos)", "-t", topic, "-l"])
        publisher.send(payloads.map { $0 + "\n" }.joined())
        publisher.closeInput()
        let status = try await publisher.exit(timeout: .seconds(60))
        #expect(status == 0, "mosquitto_pub: \(publisher.standardError)")
    }

    /// The agent's MQTT settings for this broker.
    var settings: MQTTSettings {
        var settings = MQTTSettings()
        settings.host = "127.0.0.1"
        settings.port = port
        return settings
    }
}

/// A hub and an agent in-process, the agent enrolled as ACME-BER and connected to a real broker of its own.
func withMachineAgent<T: Sendable>(
    reasons: String? = nil, configure: (inout AgentConfiguration) -> Void = { _ in },
    _ body: (HubFixture, Broker, String) async throws -> T
) async throws -> T {
    try await withHub { hub in
        let token = try await hub.enrol("BER")
        return try await withTemporaryDirectory { dir in
            let broker = try Broker(dir: dir)
            try await broker.start()
            let result = try await withAgent(
                plantID: "ACME-BER", hubURL: hub.url, token: token, dir: dir, mqtt: broker.settings, reasons: reasons,
                configure: configure
            ) { agent in
                nonisolated(unsafe) var last: [String: Any] = [:]
                do {
                    try await eventually("the agent connects to the broker") {
                        last = try await mqttStatus(agent)
                        return last["connected"] as? Bool == true
                    }
                } catch {
                    Issue.record("the agent's MQTT status: \(last); broker accepts: \(canConnect(port: broker.port)); broker running: \(broker.child?.process.isRunning as Any); broker stderr: \(broker.child?.standardError ?? "")")
                    throw error
                }
                return try await body(hub, broker, agent)
            }
            try await broker.stop()
            return result
        }
    }
}
