import Foundation
import GantryCore
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// Opens the configured store: PostgreSQL when `store.url` is set, else the SQLite file.
public func openHubStore(_ configuration: HubConfiguration, logger: Logger = Logger(label: "gantry-hub")) async throws -> any HubStore {
    if let url = configuration.storeURL {
        return try await PostgresHubStore.open(
            url, poolSize: configuration.storePoolSize, timeout: configuration.storeTimeout, logger: logger)
    }
    try ConfigurationError.checkStoreFolder(
        of: configuration.storePath, program: "hub", instead: "store.path (or store.url for PostgreSQL)", isFolder: isExistingFolder)
    return try SQLiteHubStore(path: configuration.storePath, durability: configuration.durability)
}

/// Builds the hub's HTTP application over `store` without starting it. `now` is the hub's clock for reports
/// (tests set it).
public func buildHub(
    configuration: HubConfiguration, store: any HubStore, now: @escaping @Sendable () -> Date = { Date() }, logger: Logger,
    onListening: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let api = HubAPI(store: store, configuration: configuration, logger: logger, now: now)
    return Application(
        router: api.router(),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: "gantry-hub"),
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.httpPort) },
        logger: logger)
}

/// Runs the hub until SIGTERM or SIGINT, announcing the listening address on standard output.
public func runHub(configuration: HubConfiguration) async throws {
    var logger = Logger(label: "gantry-hub")
    logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
    let store = try await openHubStore(configuration, logger: logger)
    let app = buildHub(configuration: configuration, store: store, logger: logger) { port in
        FileHandle.standardOutput.write(Data("gantry-hub listening on http://\(configuration.httpHost):\(port)\n".utf8))
    }
    // On SIGTERM or SIGINT open requests are answered before the hub stops; each waits at most store.timeout for
    // the store, so graceful shutdown waits that long and a little more, then cancels what is left.
    var group = ServiceGroupConfiguration(
        services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    group.maximumGracefulShutdownDuration = configuration.storeTimeout + .seconds(5)
    do {
        try await ServiceGroup(configuration: group).run()
    } catch {
        await store.close()
        throw ListenError(error, host: configuration.httpHost, port: configuration.httpPort) ?? error
    }
    await store.close()
}

extension ListenError {
    /// The HTTP server's failure to bind, in `error`, as a `ListenError`; nil for any other error.
    init?(_ error: any Error, host: String, port: Int) {
        guard let failure = error as? IOError, failure.description.hasPrefix("bind(") else { return nil }
        self.init(host: host, port: port, code: failure.errnoCode)
    }
}
