import Foundation
import GantryCore
import Hummingbird
import Logging
import ServiceLifecycle

/// Opens the configured store.
public func openHubStore(_ configuration: HubConfiguration) throws -> any HubStore {
    try SQLiteHubStore(path: configuration.storePath, durability: configuration.durability)
}

/// Builds the hub's HTTP application over `store` without starting it.
public func buildHub(
    configuration: HubConfiguration, store: any HubStore, logger: Logger,
    onListening: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let api = HubAPI(store: store, configuration: configuration, logger: logger)
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
    let store = try openHubStore(configuration)
    let app = buildHub(configuration: configuration, store: store, logger: logger) { port in
        FileHandle.standardOutput.write(Data("gantry-hub listening on http://\(configuration.httpHost):\(port)\n".utf8))
    }
    try await app.runService()
}
