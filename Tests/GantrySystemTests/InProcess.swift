import Foundation
import GantryTestSupport
import GantryAgent
import GantryHub
import Logging
import ServiceLifecycle

/// A hub built in-process over a real SQLite file, listening on a free loopback port.
struct HubFixture {
    var url: String
    var administration: HubAdministration
    var store: any HubStore
    var adminToken: String

    /// Enrols a plant and returns its token.
    func enrol(_ code: String) async throws -> String {
        let configuration = try await administration.enrolPlant(company: "ACME", code: code, timeZone: "Europe/Berlin")
        return configuration.split(separator: "\n").first { $0.hasPrefix("hub.token = ") }!.dropFirst(12).description
    }
}

let quietLogger = Logger(label: "gantry-test") { _ in SwiftLogNoOpLogHandler() }

/// Runs `service` until `body` finishes, then shuts it down gracefully and waits for it. `ended` is called when the
/// service stops by itself (it could not start, or failed), so that a body waiting for it to listen stops waiting.
func withService<T: Sendable>(
    _ service: some Service, ended: @escaping @Sendable () -> Void = {}, _ body: () async throws -> T
) async throws -> T {
    let group = ServiceGroup(services: [service], gracefulShutdownSignals: [], logger: quietLogger)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask {
            defer { ended() }
            try await group.run()
        }
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return try result.get()
    }
}

/// The port a service announced on `ports`; thrown when it stopped before it listened (its own error follows).
func listeningPort(_ ports: AsyncStream<Int>, _ name: String) async throws -> Int {
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else { throw ServiceStopped(name: name) }
    return port
}

struct ServiceStopped: Error, CustomStringConvertible {
    var name: String
    var description: String { "\(name) stopped before it listened" }
}

/// `now` is the hub's clock for reports.
func withHub<T: Sendable>(now: @escaping @Sendable () -> Date = { Date() }, _ body: (HubFixture) async throws -> T) async throws -> T {
    try await withTemporaryDirectory { dir in
        var configuration = HubConfiguration()
        configuration.storePath = "\(dir)/hub.sqlite"
        configuration.httpPort = 0
        // Port 0 has no URL to print at enrolment (POST /v1/plants); the fixture's own administration gets the
        // real one once the hub listens (`serveHub`).
        configuration.publicURL = "http://127.0.0.1:8480"
        configuration.maxBatchBytes = 256 << 10
        return try await serveHub(configuration, now: now, body)
    }
}

/// The hub of `configuration` (its store opened and running) served in-process on a free loopback port while `body`
/// runs with its fixture: what `withHub` (SQLite) and `withPostgresHub` (PostgreSQL) share.
func serveHub<T: Sendable>(
    _ configuration: HubConfiguration, now: @escaping @Sendable () -> Date = { Date() }, _ body: (HubFixture) async throws -> T
) async throws -> T {
    var configuration = configuration
    let store = try await openHubStore(configuration, logger: quietLogger)
    return try await withRunning(store) {
        let (ports, announce) = AsyncStream.makeStream(of: Int.self)
        let app = buildHub(configuration: configuration, store: store, now: now, logger: quietLogger) { announce.yield($0) }
        return try await withService(app, ended: { announce.finish() }) {
            let port = try await listeningPort(ports, "the hub")
            configuration.publicURL = "http://127.0.0.1:\(port)"
            let administration = HubAdministration(store: store, configuration: configuration)
            let fixture = HubFixture(
                url: "http://127.0.0.1:\(port)", administration: administration, store: store,
                adminToken: try await administration.addPrincipal(name: "tests"))
            return try await body(fixture)
        }
    }
}

/// An agent built in-process over a real SQLite file in `dir`, syncing to `hubURL`.
func withAgent<T: Sendable>(
    plantID: String, hubURL: String, token: String, dir: String, batchEvents: Int = 20, mqtt: MQTTSettings? = nil,
    reasons: String? = nil, now: @escaping @Sendable () -> Date = { Date() }, configure: (inout AgentConfiguration) -> Void = { _ in },
    _ body: (String) async throws -> T
) async throws -> T {
    var configuration = AgentConfiguration(plantID: plantID, hubURL: hubURL, hubToken: token)
    configuration.storePath = "\(dir)/\(plantID).sqlite"
    configuration.httpPort = 0
    configuration.durability = .processCrash
    configuration.backoffInitial = .milliseconds(50)
    configuration.backoffMaximum = .milliseconds(400)
    configuration.heartbeat = .milliseconds(300)
    configuration.batchEvents = batchEvents
    if let mqtt { configuration.mqtt = mqtt }
    if let reasons {
        configuration.reasonsFile = "\(dir)/reasons.csv"
        try reasons.write(toFile: "\(dir)/reasons.csv", atomically: true, encoding: .utf8)
    }
    configure(&configuration)
    let (ports, announce) = AsyncStream.makeStream(of: Int.self)
    let app = try buildAgent(configuration: configuration, now: now, logger: quietLogger) { announce.yield($0) }
    return try await withService(app, ended: { announce.finish() }) {
        try await body("http://127.0.0.1:\(try await listeningPort(ports, "the agent"))")
    }
}
