import Foundation
import GantryCore
import Logging
import ServiceLifecycle
import Synchronization

/// Takes every machine message from the plant's broker and makes it durable before libmosquitto's callback
/// returns. libmosquitto answers a QoS 1 PUBLISH with PUBACK *before* it calls the message callback and has
/// no manual acknowledgement, so the broker forgets a message as soon as it is handed over: writing it in
/// the callback bounds a crash's loss to the one message in hand (docs/mqtt.md). QoS 0 messages, which the
/// broker never redelivers anyway, are group-committed without waiting.
final class MachineSignalIngest: Service {
    private let store: any PlantStore
    private let settings: MQTTSettings
    private let plantID: String
    private let board: MQTTStatusBoard
    private let logger: Logger
    private let clock: any Clock<Duration>

    init(store: any PlantStore, settings: MQTTSettings, plantID: String, board: MQTTStatusBoard,
         logger: Logger, clock: any Clock<Duration> = ContinuousClock()) {
        self.store = store
        self.settings = settings
        self.plantID = plantID
        self.board = board
        self.logger = logger
        self.clock = clock
    }

    func run() async throws {
        // A crash leaves the last liveness note behind: machines went unheard from then.
        if let lastAlive = try await store.recordAlive(at: Date()) {
            try await store.recordSignalLost(cause: "agent-stopped", at: lastAlive)
        }
        let client = try MosquittoClient(
            options: settings.clientOptions(plantID: plantID),
            onMessage: { [self] message in take(message) },
            onConnection: { [self] event in connectionChanged(event) })
        try client.start()
        logger.info("machine signals: connecting", metadata: ["broker": "\(settings.host):\(settings.port)"])
        // Until shutdown (graceful, or cancellation when another service failed), note liveness every 5 s.
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try await self.clock.sleep(for: .seconds(5))
                    _ = try? await self.store.recordAlive(at: Date())
                }
            }
        } catch {}
        client.stop()
        try await store.recordSignalLost(cause: "agent-stopped", at: Date())
        try await store.recordAlive(at: nil)
    }

    /// On libmosquitto's thread: the next message waits until this one is stored.
    private func take(_ message: MQTTMessage) {
        let now = Date()
        board.update { $0.received += 1 }
        let signal: MachineSignal
        do {
            signal = try MachineSignal.parse(
                topic: message.topic, payload: message.payload, prefix: settings.prefix, plant: plantID, now: now,
                limits: settings.limits)
        } catch {
            deadLetter(message, reason: error.reason, receivedAt: now)
            return
        }
        if message.qos == 0 {
            store.recordMachineSignalSoon(signal, topic: message.topic, payload: message.payload, receivedAt: now) { [self] result in
                settle(result, message: message)
            }
        } else {
            settle(Result { try store.recordMachineSignalNow(signal, topic: message.topic, payload: message.payload, receivedAt: now) },
                   message: message)
        }
    }

    /// Counts what became of a message; for QoS 0 this runs inside the writer's commit, so it must not write.
    private func settle(_ result: Result<MachineSignalOutcome, any Error>, message: MQTTMessage) {
        switch result {
        case .success(.recorded): board.update { $0.recorded += 1 }
        case .success(.duplicate): board.update { $0.duplicates += 1 }
        case .success(.conflict): board.update { $0.deadLetters += 1 }
        case .failure(let error): storeFailed(error, message: message)
        }
    }

    private func deadLetter(_ message: MQTTMessage, reason: String, receivedAt: Date) {
        do {
            let added = try store.recordDeadLetterNow(topic: message.topic, payload: message.payload, reason: reason, receivedAt: receivedAt)
            board.update { added ? ($0.deadLetters += 1) : ($0.duplicates += 1) }
        } catch {
            storeFailed(error, message: message)
        }
    }

    private func storeFailed(_ error: any Error, message: MQTTMessage) {
        board.update { $0.lost += 1 }
        logger.error("a machine message could not be stored and is lost", metadata: ["topic": "\(message.topic)", "error": "\(error)"])
    }

    private func connectionChanged(_ event: MQTTConnectionEvent) {
        switch event {
        case .connected:
            logger.info("machine signals: connected", metadata: ["broker": "\(settings.host):\(settings.port)"])
            board.update {
                $0.connected = true
                $0.lastConnectedAt = Date()
                $0.lastError = nil
            }
        case .refused(let reason):
            logger.error("machine signals: the broker refused the connection", metadata: ["reason": "\(reason)"])
            board.update { $0.lastError = "refused: \(reason)" }
        case .disconnected(let expected, let reason):
            let wasConnected = board.current.connected
            board.update {
                $0.connected = false
                if !expected { $0.lastError = reason }
            }
            // Only a lost connection makes states unknown; failed reconnect attempts add nothing new.
            guard wasConnected, !expected else { return }
            logger.warning("machine signals: connection lost", metadata: ["reason": "\(reason)"])
            do { try store.recordSignalLostNow(cause: "broker-disconnected", at: Date()) } catch {
                logger.error("could not record the lost broker connection", metadata: ["error": "\(error)"])
            }
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
    public var recorded = 0
    public var duplicates = 0
    /// Dead letters since the agent started (`/v1/status` also shows all kept).
    public var deadLetters = 0
    /// Messages that could not be stored (the store failed); each is logged.
    public var lost = 0
}

/// Written by the ingest (on libmosquitto's thread), read by the HTTP API.
final class MQTTStatusBoard: Sendable {
    private let state = Mutex(MQTTStatus())

    var current: MQTTStatus { state.withLock { $0 } }

    func update(_ change: (inout MQTTStatus) -> Void) {
        state.withLock { change(&$0) }
    }
}
