import Foundation
import GantryCore
import Logging
import ServiceLifecycle
import Synchronization

/// Takes every machine message from the plant's broker into the store's inbox, durably, before
/// libmosquitto's callback returns, and projects the inbox into events behind it. libmosquitto 2.0.11 has no
/// manual acknowledgement: it queues the PUBACK of a QoS 1 PUBLISH before it calls the message callback, and
/// its network thread (`mosquitto_loop_start`) writes it once the callback has returned, whatever the callback
/// did. Committing the message in the callback means the broker forgets only messages already durable; a crash
/// inside the callback takes the queued PUBACK with it, and the broker redelivers (docs/mqtt.md). The callback does only that (one prepared INSERT and a WAL
/// commit); reading the message, duplicate checks, events and dead letters happen in the projection, many
/// messages per transaction. QoS 0 messages, which the broker never redelivers anyway, are group-committed
/// into the inbox without waiting.
final class MachineSignalIngest: Service {
    /// Inbox entries projected per transaction at most.
    static let projectionBatch = 2_000

    private let store: any MachineSignalStore & SparkplugSessionStore
    private let settings: MQTTSettings
    private let plantID: String
    private let board: MQTTStatusBoard
    private let logger: Logger
    private let clock: any Clock<Duration>
    /// The agent's clock: arrival times, liveness notes, lost signals.
    private let now: @Sendable () -> Date
    private let reader: MachineMessageReading
    /// The Sparkplug B host application, when `sparkplug.groups` is set.
    private let sparkplug: SparkplugHost?
    /// Which connection failures reach the log (on libmosquitto's thread, and the starting one).
    private let connectionLog = Mutex(BrokerConnectionLog())
    /// The store's disk: below its reserve the ingest leaves the broker (`MosquittoClient.pause`) until space returns.
    private let capacity: StoreCapacity?

    init(store: any MachineSignalStore & SparkplugSessionStore, settings: MQTTSettings, sparkplug: SparkplugSettings = SparkplugSettings(),
         plantID: String, board: MQTTStatusBoard, logger: Logger, clock: any Clock<Duration> = ContinuousClock(),
         now: @escaping @Sendable () -> Date, capacity: StoreCapacity? = nil) {
        self.capacity = capacity
        self.store = store
        self.settings = settings
        self.plantID = plantID
        self.board = board
        self.logger = logger
        self.clock = clock
        self.now = now
        reader = MachineMessageReading(settings: settings, plantID: plantID)
        self.sparkplug = sparkplug.enabled ? SparkplugHost(settings: sparkplug, plantID: plantID, limits: settings.limits, now: now) : nil
    }

    /// Reads an inbox message: Sparkplug B by its namespace (when on), else the JSON contract.
    private func read(topic: String, payload: [UInt8], payloadBytes: Int, receivedAt: Date) -> Result<[MachineSignal], MachineSignalError> {
        if let sparkplug, SparkplugTopic.isSparkplug(topic) {
            return sparkplug.read(topic: topic, payload: payload, payloadBytes: payloadBytes, receivedAt: receivedAt, limits: settings.limits)
        }
        return reader.read(topic: topic, payload: payload, payloadBytes: payloadBytes, receivedAt: receivedAt).map { [$0] }
    }

    private func project(limit: Int) throws -> InboxProjection {
        let sessions = sparkplug.map { host in
            SparkplugSessionHooks(changes: { host.changes() }, checkpoint: { host.checkpoint() })
        }
        let done = try store.projectMachineInboxNow(limit: limit, reading: { [self] topic, payload, bytes, receivedAt in
            read(topic: topic, payload: payload, payloadBytes: bytes, receivedAt: receivedAt)
        }, sessions: sessions)
        if let sparkplug { board.update { $0.sparkplug = sparkplug.status } }
        return done
    }

    func run() async throws {
        let projection = InboxProjectionThread { [self] stopping in projectInboxNow(stopping: stopping) }
        let inbox = try await store.openMachineInbox(
            committed: { [board, now] entries in
                let messages = entries.count { if case .message = $0.content { true } else { false } }
                let storedAt = now()
                board.update {
                    $0.stored += messages
                    $0.inboxBacklog += entries.count
                    if messages > 0 { $0.lastStoredAt = storedAt }
                }
                projection.ring(entries: entries.count)
            },
            failed: { [board, logger] count, error in
                board.update { $0.lost += count }
                logger.error("machine messages could not be stored and are lost", metadata: ["count": "\(count)", "error": "\(error)"])
            })
        if let sparkplug {
            sparkplug.restore(try await store.sparkplugNodes())
            board.update { $0.sparkplug = sparkplug.status }
        }
        let backlog = try await store.machineInboxBacklog()
        board.update { $0.inboxBacklog += backlog }
        // What a crash left in the inbox was heard before it: project it before anything else.
        await projectInbox(retrying: true)
        // A crash leaves the last liveness note behind: machines went unheard from then.
        if let lastAlive = try await store.recordAlive(at: now()) {
            try await store.recordSignalLost(cause: "agent-stopped", at: lastAlive)
        }
        var options = settings.clientOptions(plantID: plantID)
        sparkplug?.configure(&options, qos: Int32(settings.qos))
        let client = try MosquittoClient(
            options: options,
            onMessage: { [self] message in take(message, into: inbox) },
            onConnection: { [self] event in connectionChanged(event, inbox: inbox) })
        sparkplug?.attach(client)
        let startsPaused = capacity?.level == .full
        if startsPaused {
            pauseNoted(true)
        } else {
            try client.start()
            logger.info("machine signals: connecting", metadata: ["broker": "\(settings.host):\(settings.port)"])
        }
        projection.start()
        // Until shutdown (graceful, or cancellation when another service failed), follow the store's disk every
        // second and note liveness every 5 s.
        do {
            try await cancelWhenGracefulShutdown {
                var seconds = 0, paused = startsPaused
                while true {
                    try await self.clock.sleep(for: .seconds(1))
                    seconds += 1
                    if let capacity = self.capacity, (capacity.level == .full) != paused {
                        paused = self.follow(full: !paused, client: client)
                    }
                    if seconds % 5 == 0 { _ = try? await self.store.recordAlive(at: self.now()) }
                }
            }
        } catch {}
        client.stop()
        sparkplug?.attach(nil)
        await inbox.flushQueued()
        await projection.stop()
        // Whatever arrived last; if the store fails now, the inbox keeps it for the next start.
        await projectInbox(retrying: false)
        try await store.recordSignalLost(cause: "agent-stopped", at: now())
        try await store.recordAlive(at: nil)
    }

    /// Leaves the broker while the store's disk is full and comes back when it has room; whether the ingest is
    /// paused afterwards (a failed restart stays paused and is tried again a second later).
    private func follow(full: Bool, client: MosquittoClient) -> Bool {
        if full {
            client.pause()
            pauseNoted(true)
            return true
        }
        do { try client.resume() } catch {
            logger.error("machine signals: cannot connect again after the disk had room", metadata: ["error": "\(error)"])
            return true
        }
        pauseNoted(false)
        return false
    }

    private func pauseNoted(_ paused: Bool) {
        board.update { $0.pausedForDisk = paused }
        let broker: Logger.MetadataValue = "\(settings.host):\(settings.port)"
        if paused {
            let message = settings.qos > 0
                ? "machine signals: paused, the store's disk is below its reserve; the broker keeps QoS 1 messages for this session until space returns"
                : "machine signals: paused, the store's disk is below its reserve; QoS 0 messages published meanwhile are lost (mqtt.qos 1 keeps them)"
            logger.error("\(message)", metadata: ["broker": broker])
        } else {
            logger.notice("machine signals: the store's disk has room again; taking messages", metadata: ["broker": broker])
        }
    }

    /// On libmosquitto's thread: the next message waits until this one is durable (QoS 1) or queued (QoS 0).
    private func take(_ message: MQTTMessage, into inbox: any MachineInbox) {
        board.update { $0.received += 1 }
        // An oversized message can only become a dead letter, which keeps its first bytes: keep no more.
        let payload = message.payload.count > settings.limits.maxPayloadBytes
            ? Array(message.payload.prefix(SQLitePlantStore.deadLetterPayloadLimit)) : message.payload
        let entry = InboxEntry(
            .message(topic: message.topic, payload: payload, payloadBytes: message.payload.count, qos: message.qos),
            receivedAt: now())
        guard message.qos > 0 else {
            inbox.enqueue(entry)
            return
        }
        do { try inbox.append(entry) } catch {
            board.update { $0.lost += 1 }
            logger.error("a machine message could not be stored and is lost", metadata: ["topic": "\(message.topic)", "error": "\(error)"])
        }
    }

    /// On the projection thread: projects the inbox until it is empty; on a store failure it waits and tries
    /// again, unless the ingest is stopping (the final projection then decides).
    private func projectInboxNow(stopping: () -> Bool) {
        while !stopping() {
            do {
                let done = try project(limit: Self.projectionBatch)
                count(done)
                // Until nothing is left: a batch from memory may stop short of entries that are only in the file.
                if done.entries == 0 { return }
            } catch {
                logger.error("machine messages could not be projected; they wait in the inbox", metadata: ["error": "\(error)"])
                sleep(1)
            }
        }
    }

    private func count(_ done: InboxProjection) {
        let projectedAt = now()
        board.update {
            if done.entries > 0 { $0.lastProjectedAt = projectedAt }
            $0.inboxBacklog -= done.entries
            $0.recorded += done.recorded
            $0.duplicates += done.duplicates
            $0.deadLetters += done.deadLetters
        }
    }

    /// Projects the inbox until it is empty. On a store failure it waits and tries again (`retrying`), or
    /// leaves the rest in the inbox for the next start.
    private func projectInbox(retrying: Bool) async {
        while true {
            do {
                let done = try await withCheckedThrowingContinuation { continuation in
                    // Blocking SQLite work: not on the cooperative thread pool.
                    DispatchQueue.global().async { continuation.resume(with: Result { try self.project(limit: Self.projectionBatch) }) }
                }
                count(done)
                // Until nothing is left: a batch from memory may stop short of entries that are only in the file.
                if done.entries == 0 { return }
            } catch {
                logger.error("machine messages could not be projected; they wait in the inbox", metadata: ["error": "\(error)"])
                guard retrying, (try? await clock.sleep(for: .seconds(1))) != nil else { return }
            }
        }
    }

    private func connectionChanged(_ event: MQTTConnectionEvent, inbox: any MachineInbox) {
        let broker: Logger.MetadataValue = "\(settings.host):\(settings.port)"
        switch event {
        case .connected:
            switch connectionLog.withLock({ $0.connected() }) {
            case .connected(let failures) where failures > 0:
                logger.info("machine signals: connected again", metadata: ["broker": broker, "failedAttempts": "\(failures)"])
            default:
                logger.info("machine signals: connected", metadata: ["broker": broker])
            }
            board.update {
                $0.connected = true
                $0.lastConnectedAt = now()
                $0.lastError = nil
            }
            sparkplug?.connected()
        case .refused(let reason):
            board.update { $0.lastError = "refused: \(reason)" }
            logFailure("the broker refused the connection: \(reason)")
        case .disconnected(let expected, let reason):
            let wasConnected = board.current.connected
            board.update {
                $0.connected = false
                if !expected { $0.lastError = reason }
            }
            guard !expected else { return }
            // Only a lost connection makes states unknown; failed attempts to connect again add nothing new.
            guard wasConnected else { return logFailure(reason) }
            logger.warning("machine signals: connection lost", metadata: ["broker": broker, "reason": "\(reason)"])
            // Through the inbox, so that the projection places it after every message heard before it.
            do { try inbox.append(InboxEntry(.signalLost(cause: "broker-disconnected"), receivedAt: now())) } catch {
                logger.error("could not record the lost broker connection", metadata: ["error": "\(error)"])
            }
        }
    }

    /// A failed attempt to connect, logged as `BrokerConnectionLog` decides.
    private func logFailure(_ reason: String) {
        let broker: Logger.MetadataValue = "\(settings.host):\(settings.port)"
        switch connectionLog.withLock({ $0.failed(reason: reason, at: .now) }) {
        case .cannotConnect(let reason):
            logger.error("machine signals: cannot connect to the broker; retrying", metadata: ["broker": broker, "reason": "\(reason)"])
        case .stillCannotConnect(let failures, let reason):
            logger.error("machine signals: still cannot connect to the broker", metadata: [
                "broker": broker, "failedAttemptsSinceLastLine": "\(failures)", "reason": "\(reason)",
            ])
        case .connected, nil:
            break
        }
    }
}

/// What `/v1/status` shows of the machine-signal ingest.
public struct MQTTStatus: Sendable, Equatable, Codable {
    public var enabled = false
    public var broker: String?
    public var connected = false
    public var lastConnectedAt: Date?
    public var lastError: String?
    /// Messages received since the agent started.
    public var received = 0
    /// Messages made durable in the inbox since the agent started, and when that last happened.
    public var stored = 0
    public var lastStoredAt: Date?
    /// Entries waiting in the inbox to be projected into events (messages, lost connections).
    public var inboxBacklog = 0
    /// Messages projected into states and counts since the agent started.
    public var recorded = 0
    /// When inbox entries were last projected.
    public var lastProjectedAt: Date?
    public var duplicates = 0
    /// Dead letters since the agent started (`/v1/status` also shows all kept).
    public var deadLetters = 0
    /// Messages that could not be stored (the store failed); each is logged.
    public var lost = 0
    /// Whether the ingest has left the broker because the store's disk is below its reserve (the broker keeps QoS 1
    /// messages for the session meanwhile).
    public var pausedForDisk = false
    /// The Sparkplug B host application, when on (docs/sparkplug.md).
    public var sparkplug: SparkplugStatus?
}

/// Written by the ingest (on libmosquitto's thread), read by the HTTP API.
final class MQTTStatusBoard: Sendable {
    private let state = Mutex(MQTTStatus())

    var current: MQTTStatus { state.withLock { $0 } }

    func update(_ change: (inout MQTTStatus) -> Void) {
        state.withLock { change(&$0) }
    }
}

