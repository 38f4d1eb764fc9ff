import Foundation
import GantryCore
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// Builds the whole agent, store, local API and sync service, without starting it.
/// `onListening` receives the bound port (useful with port 0); `now` is the agent's clock (tests set it).
public func buildAgent(
    configuration: AgentConfiguration, now: @escaping @Sendable () -> Date = { Date() }, logger: Logger,
    onListening: @escaping @Sendable (Int) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    try ConfigurationError.checkStoreFolder(
        of: configuration.storePath, program: "agent", instead: "store.path to where this plant's store is", isFolder: LocalFiles.isFolder)
    let store = try SQLitePlantStore(
        path: configuration.storePath, plantID: configuration.plantID, durability: configuration.durability, now: now)
    logger.info("store opened", metadata: [
        "path": "\(URL(fileURLWithPath: configuration.storePath).standardizedFileURL.path)",
        "plant": "\(configuration.plantID)",
    ])
    let capacity = StoreCapacity(storePath: configuration.storePath, policy: configuration.storeSpace)
    let board = SyncStatusBoard(HubLinkStatus())
    let clock = ClockSkewWatch(policy: configuration.clockSkew, logger: logger)
    var client = try HubSyncClient(
        hubURL: configuration.hubURL, token: configuration.hubToken, timeouts: configuration.syncTimeouts,
        compress: configuration.compressSync, tls: configuration.hubTLS)
    client.now = now
    client.clock = clock
    let sync = SyncService(
        store: store,
        client: client,
        configuration: SyncStateMachine.Configuration(
            batchEvents: configuration.batchEvents, heartbeat: configuration.heartbeat,
            backoff: Backoff(initial: configuration.backoffInitial, maximum: configuration.backoffMaximum),
            minimumBatchEvents: configuration.minimumBatchEvents),
        batchBytes: configuration.batchBytes, board: board, now: now, logger: logger)
    let machines = MQTTStatusBoard()
    let masters = MasterPullBoard(MasterPullStatus())
    let pull = try HubPullService(
        store: store, hubURL: configuration.hubURL, token: configuration.hubToken, plantID: configuration.plantID,
        interval: configuration.mastersPollInterval, timeout: configuration.requestTimeout,
        backoff: Backoff(initial: configuration.backoffInitial, maximum: configuration.backoffMaximum), board: masters,
        demandDefaults: configuration.demandDefaults, now: now, logger: logger, tls: configuration.hubTLS)
    var services: [any Service] = [
        sync, pull, AlertWebhookService(store: store, settings: configuration.alerts, now: now, logger: logger),
        StoreCapacityWatch(capacity: capacity, interval: .seconds(1), logger: logger),
    ]
    if configuration.mqtt.enabled {
        machines.update {
            $0.enabled = true
            $0.broker = "\(configuration.mqtt.host):\(configuration.mqtt.port)"
        }
        services.append(MachineSignalIngest(
            store: store, settings: configuration.mqtt, sparkplug: configuration.sparkplug, plantID: configuration.plantID,
            board: machines, logger: logger, now: now, capacity: capacity))
    }
    let reasons = try configuration.downtimeReasons()
    services.append(MaintenanceWatch(
        store: store,
        policy: MaintenancePolicy(downThreshold: configuration.maintenanceDownThreshold.seconds, reasons: reasons),
        interval: configuration.maintenanceCheckInterval, now: now, logger: logger))
    if let interval = configuration.reorderCheckInterval {
        services.append(ReorderWatch(store: store, interval: interval, logger: logger))
    }
    if let eventsAfter = configuration.retention.eventsAfter {
        services.append(RetentionWatch(store: store, eventsAfter: eventsAfter, settings: configuration.retention, now: now, logger: logger))
    }
    var api = AgentAPI(
        store: store, board: board, machines: machines, masters: masters, reasons: reasons, configuration: configuration, logger: logger,
        now: now)
    api.capacity = capacity
    api.clock = clock
    // One responder serves both listeners; the LAN one guards writes with plant user tokens. The pages are
    // added to the router first, so both listeners serve them.
    let router = api.router()
    let users = PlantUsers(path: configuration.usersFile)
    AgentDashboards.add(to: router, store: store, users: users, reasons: reasons, now: now, logger: logger)
    let responder = router.buildResponder()
    if let lan = try configuration.lan.application(responder: responder, users: users, plantID: configuration.plantID, logger: logger) {
        services.append(lan)
    }
    return Application(
        responder: WriteTokenResponder(inner: responder, users: configuration.lan.loopbackWritesNeedToken ? users : nil),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.httpHost, port: configuration.httpPort), serverName: "gantry-agent"),
        services: services,
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.httpPort) },
        logger: logger)
}

/// Runs the agent until SIGTERM or SIGINT, announcing the listening address on standard output.
public func runAgent(configuration: AgentConfiguration) async throws {
    let logger = configuration.log.bootstrap(label: "gantry-agent", level: configuration.logLevel)
    // Under systemd (Type=notify), READY=1 once the store is migrated (in buildAgent) and the listener is bound.
    let notifier = ServiceNotifier(environment: ProcessInfo.processInfo.environment, logger: logger)
    let app = try buildAgent(configuration: configuration, logger: logger) { port in
        announce("gantry-agent \(configuration.plantID) listening on http://\(configuration.httpHost):\(port)")
        notifier?.ready()
    }
    var services: [any Service] = [app]
    if var notifier {
        notifier.probe = ServiceNotifier.eventLoops(of: app.eventLoopGroup)
        services.append(notifier)  // last, so that shutdown reaches it first: STOPPING=1 at once
    }
    do {
        try await ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
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

/// Writes one line to standard output at once, so supervisors and tests can wait for it.
func announce(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
