import Foundation
@testable import GantryAgent
import GantryTestSupport
import Synchronization
import Testing

/// How libmosquitto's client first reaches the broker: at once when the broker is up, however many clients start
/// together, and as soon as it comes up when it was down at start.
@Suite struct MQTTConnectionTests {
    /// Counts a client's connections.
    final class Connections: Sendable {
        let count = Atomic<Int>(0)
        let failures = Atomic<Int>(0)

        func client(port: Int, id: String) throws -> MosquittoClient {
            try MosquittoClient(
                options: .init(host: "127.0.0.1", port: port, clientID: id, cleanSession: true, subscriptions: []),
                onMessage: { _ in },
                onConnection: { event in
                    switch event {
                    case .connected: self.count.add(1, ordering: .relaxed)
                    default: self.failures.add(1, ordering: .relaxed)
                    }
                })
        }
    }

    /// Started together, every client is connected within seconds, far less than the 30 s keepalive that a client
    /// whose CONNECT never went out would wait before trying again.
    @Test func clientsStartedTogetherAllConnectAtOnce() async throws {
        try await withTemporaryDirectory { dir in
            let broker = try Broker(dir: dir)
            try await broker.start()
            let connections = Connections()
            let clients = try (0..<24).map { try connections.client(port: broker.port, id: "together-\($0)") }
            DispatchQueue.concurrentPerform(iterations: clients.count) { index in try? clients[index].start() }
            try await eventually("every client connects", timeout: .seconds(10), interval: .milliseconds(20)) {
                connections.count.load(ordering: .relaxed) == clients.count
            }
            for client in clients { client.stop() }
            try await broker.stop()
        }
    }

    /// A broker that is down when the client starts: the first attempt fails and is said; the client keeps trying
    /// and connects once the broker listens.
    @Test func aClientStartedBeforeItsBrokerConnectsWhenTheBrokerComesUp() async throws {
        try await withTemporaryDirectory { dir in
            let broker = try Broker(dir: dir)
            let connections = Connections()
            let client = try connections.client(port: broker.port, id: "early")
            try client.start()
            try await eventually("the failed first attempt is said", timeout: .seconds(10), interval: .milliseconds(20)) {
                connections.failures.load(ordering: .relaxed) >= 1
            }
            try await Task.sleep(for: .seconds(1))
            try await broker.start()
            try await eventually("the client connects once the broker is up", timeout: .seconds(40)) {
                connections.count.load(ordering: .relaxed) == 1
            }
            client.stop()
            try await broker.stop()
        }
    }
}
