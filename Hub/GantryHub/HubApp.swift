import Foundation
import GantryCore
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// Opens the configured store: PostgreSQL when `store.url` is set, else the SQLite file. A PostgreSQL store is
/// migrated here, before anything serves, and its connection pool works only while it runs (`withRunning`, or
/// the hub's service group).
public func openHubStore(_ configuration: HubConfiguration, logger: Logger = Logger(label: "gantry-hub")) async throws -> any HubStore {
    if let url = configuration.storeURL {
        return try await PostgresHubStore.open(
            url, poolSize: configuration.storePoolSize, timeout: configuration.storeTimeout, logger: logger)
    }
    try ConfigurationError.checkStoreFolder(
        of: configuration.storePath, program: "hub", instead: "store.path (or store.url for PostgreSQL)", isFolder: LocalFiles.isFolder)
    return try SQLiteHubStore(path: configuration.storePath, durability: configuration.durability)
}

/// Opens the configured store and keeps it running while `body` uses it: for the commands that use the database
/// without serving. What stops the store from opening (an unreachable server, refused credentials, a missing
/// database, a newer schema) is thrown before `body` runs.
public func withHubStore<T>(
    _ configuration: HubConfiguration, logger: Logger = Logger(label: "gantry-hub"), _ body: (any HubStore) async throws -> T
) async throws -> T {
    let store = try await openHubStore(configuration, logger: logger)
    return try await withRunning(store) { try await body(store) }
}

/// Runs `store`'s background work (PostgreSQL's connection pool; SQLite has none) while `body` runs, and ends it
/// when `body` returns or throws.
public func withRunning<T>(_ store: any HubStore, _ body: () async throws -> T) async throws -> T {
    guard let service = store as? any Service else { return try await body() }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await service.run() }
        defer { group.cancelAll() }
        return try await body()
    }
}

/// The services that run with the hub's HTTP server, in start order: the store's (PostgreSQL's connection pool)
/// before the server, so that on graceful shutdown the server stops first and the store after it.
func hubServices(store: any HubStore, app: some Service) -> [ServiceGroupConfiguration.ServiceConfiguration] {
    let storeService = (store as? any Service).map { [ServiceGroupConfiguration.ServiceConfiguration(service: $0)] } ?? []
    return storeService + [.init(service: app)]
}

/// Builds the hub's HTTP application over `store` without starting it. `now` is the hub's clock for reports
/// (tests set it). With `tls` it serves HTTPS with that (reloadable) context, else plain HTTP.
public func buildHub(
    configuration: HubConfiguration, store: any HubStore, now: @escaping @Sendable () -> Date = { Date() }, logger: Logger,
    tls: ReloadableTLSContext? = nil, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let api = HubAPI(store: store, configuration: configuration, logger: logger, now: now)
    let router = api.router()
    // Over TLS the session cookie is `Secure`: a browser never sends it over plain HTTP.
    HubDashboards.add(to: router, api: api, secureCookies: tls != nil)
    return Application(
        router: router, server: hubServer(tls: tls),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: "gantry-hub"),
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.httpPort) },
        logger: logger)
}

/// Runs the hub until SIGTERM or SIGINT, announcing the listening address on standard output. The store is
/// opened (and migrated) before the server starts accepting requests; the hub's clock is the wall clock.
public func runHub(configuration: HubConfiguration) async throws {
    let logger = configuration.log.bootstrap(label: "gantry-hub", level: configuration.logLevel)
    let tls = try configuration.tls.enabled ? ReloadableTLSContext(settings: configuration.tls) : nil
    if let warning = configuration.plainHTTPWarning { logger.warning("\(warning)") }
    let store = try await openHubStore(configuration, logger: logger)
    // Under systemd (Type=notify), READY=1 once the store is migrated (above) and the listener is bound.
    let notifier = ServiceNotifier(environment: ProcessInfo.processInfo.environment, logger: logger)
    let app = buildHub(configuration: configuration, store: store, now: { Date() }, logger: logger, tls: tls) { port in
        let scheme = tls == nil ? "http" : "https"
        FileHandle.standardOutput.write(Data("gantry-hub listening on \(scheme)://\(configuration.httpHost):\(port)\n".utf8))
        notifier?.ready()
    }
    var services = hubServices(store: store, app: app)
    if let tls {  // SIGHUP trapped from here on, before the hub listens
        services.append(.init(service: CertificateReloader(tls: tls, signals: await UnixSignalsSequence(trapping: .sighup), logger: logger)))
    }
    if var notifier {
        notifier.probe = ServiceNotifier.eventLoops(of: app.eventLoopGroup)
        services.append(.init(service: notifier))  // last, so that shutdown reaches it first: STOPPING=1 at once
    }
    // On SIGTERM or SIGINT open requests are answered before the hub stops; each waits at most store.timeout for
    // the store, so graceful shutdown waits that long and a little more, then cancels what is left.
    var group = ServiceGroupConfiguration(
        services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    group.maximumGracefulShutdownDuration = configuration.storeTimeout + .seconds(5)
    do {
        try await ServiceGroup(configuration: group).run()
    } catch {
        throw ListenError(error, host: configuration.httpHost, port: configuration.httpPort) ?? error
    }
}

extension ListenError {
    /// The HTTP server's failure to bind, in `error`, as a `ListenError`; nil for any other error.
    init?(_ error: any Error, host: String, port: Int) {
        guard let failure = error as? IOError, failure.description.hasPrefix("bind(") else { return nil }
        self.init(host: host, port: port, code: failure.errnoCode)
    }
}
