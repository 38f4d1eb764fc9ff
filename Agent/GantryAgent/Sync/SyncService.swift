import Foundation
import GantryCore
import Logging
import ServiceLifecycle

/// Pushes the plant's event log to the hub in order, for as long as the agent runs. The protocol decisions
/// are `SyncStateMachine`'s; this service only carries its actions out and feeds back what happened.
final class SyncService: Service {
    private let store: any PlantEventLog
    private let client: HubSyncClient
    private let configuration: SyncStateMachine.Configuration
    private let batchBytes: Int
    private let board: SyncStatusBoard
    private let clock: any Clock<Duration>
    /// The agent's clock, for the times the status shows (next attempt, last contact).
    private let now: @Sendable () -> Date
    private let logger: Logger

    init(
        store: any PlantEventLog, client: HubSyncClient, configuration: SyncStateMachine.Configuration,
        batchBytes: Int, board: SyncStatusBoard, clock: any Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date,
        logger: Logger
    ) {
        self.store = store
        self.client = client
        self.configuration = configuration
        self.batchBytes = batchBytes
        self.board = board
        self.clock = clock
        self.now = now
        self.logger = logger
    }

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            do {
                try await self.loop()
            } catch is CancellationError {
                self.logger.info("sync stopped")
            }
        }
    }

    private func loop() async throws {
        var machine = SyncStateMachine(configuration: configuration, seed: UInt64.random(in: .min ... .max))
        var progress = SyncProgress()
        let start = try await store.position()
        var action = machine.started(acknowledged: start.acknowledged, head: start.head)
        logger.info("sync started", metadata: ["acknowledged": "\(start.acknowledged)", "head": "\(start.head)"])
        while true {
            try Task.checkCancellation()
            switch action {
            case .sendBatch(let from, let maxEvents):
                action = try await send(from: from, maxEvents: maxEvents, machine: &machine, progress: &progress)
            case .waitForEvents(let heartbeat):
                let head = await store.waitForEvents(after: machine.head, timeout: heartbeat)
                try Task.checkCancellation()
                action = machine.eventsAppended(head: head) ?? machine.heartbeatDue()
            case .waitAndRetry(let delay):
                board.update { $0.nextAttemptAt = now().addingTimeInterval(delay.seconds) }
                try await clock.sleep(for: delay)
                action = machine.retryDue()
            }
        }
    }

    private func send(
        from: Int64, maxEvents: Int, machine: inout SyncStateMachine, progress: inout SyncProgress
    ) async throws -> SyncStateMachine.Action {
        let events: [StoredEvent], body: Data
        do {
            let position = try await store.position()
            events = try await store.storedEvents(from: from, maxEvents: maxEvents, maxBytes: batchBytes)
            // Scans may commit between the two reads: the head sent is never behind the batch.
            let head = max(position.head, events.last?.sequence ?? 0)
            _ = machine.eventsAppended(head: head)
            body = try SyncBatch.body(plant: store.plantID, agentHead: head, events: events)
        } catch let error as CancellationError {
            throw error
        } catch {
            return localFailure(error, machine: &machine)
        }
        // The hub logs this id on its access line; the lines below carry it too.
        let requestID = RequestID.make()
        let sentAt = now()
        let exchange = try await client.exchange(body: body, requestID: requestID)
        if exchange.fellBackToPlain {
            logger.notice("the hub does not take gzip bodies; sending them plain from now on", metadata: ["request_id": "\(requestID)"])
        }
        counted(exchange, events: events.count)
        let before = machine.acknowledged
        let next: SyncStateMachine.Action
        switch exchange.outcome {
        case .acknowledged(let through):
            next = machine.batchAcknowledged(upTo: through)
            if case .diverged = machine.trouble {
                markReachable(error: "the hub has applied up to \(through) but this log ends at \(machine.head): "
                              + "the store is not the one the hub knows (see docs/sync-protocol.md, diverged logs)")
                raise(HubLinkStatus.eventsRefused, because: "the hub has applied up to \(through) but this store's log ends at \(machine.head)")
            } else {
                markReachable(error: nil)
                raise(nil, because: "the hub acknowledged through \(through)")
            }
            if machine.acknowledged < before {
                note(progress.rewound(from: before, to: machine.acknowledged, reason: "the hub acknowledged only through \(through)"), requestID)
            }
            answered(sentAt: sentAt, before: before, machine: machine, progress: &progress, requestID: requestID)
            if !events.isEmpty {
                logger.debug("batch acknowledged", metadata: [
                    "through": "\(through)", "events": "\(events.count)", "json_bytes": "\(exchange.jsonBytes)",
                    "wire_bytes": "\(exchange.wireBytes)", "request_id": "\(requestID)",
                ])
            }
        case .refused(let expected):
            logger.notice("hub asked to resume from another sequence", metadata: ["expected": "\(expected)", "request_id": "\(requestID)"])
            next = machine.hubRefused(expected: expected)
            if machine.acknowledged < before {
                note(progress.rewound(from: before, to: machine.acknowledged, reason: "the hub expects sequence \(expected) next"), requestID)
            }
            answered(sentAt: sentAt, before: before, machine: machine, progress: &progress, requestID: requestID)
            markReachable(error: machine.trouble.map { "hub expects sequence \(expected): \($0)" })
            if machine.trouble == nil {
                raise(nil, because: "the hub expects sequence \(expected)")
            } else {
                raise(HubLinkStatus.eventsRefused, because: "the hub expects sequence \(expected) but this store's log ends at \(machine.head)")
            }
        case .rejected(let problem):
            logger.error("hub rejected a batch", metadata: [
                "problem": "\(problem.code)", "detail": "\(problem.detail)", "request_id": "\(requestID)",
            ])
            markReachable(error: "hub rejected the batch from \(from): \(problem.status) \(problem.code): \(problem.detail)")
            let alarm = problem.status == 401 || problem.status == 403 ? HubLinkStatus.tokenRefused : HubLinkStatus.eventsRefused
            raise(alarm, because: "\(problem.status) \(problem.code): \(problem.detail)")
            answered(sentAt: sentAt, before: before, machine: machine, progress: &progress, requestID: requestID)
            return machine.batchRejected(code: problem.code)
        case .unavailable(let reason):
            next = machine.transportFailed()
            logger.debug("hub unavailable", metadata: ["reason": "\(reason)", "failures": "\(machine.failures)", "request_id": "\(requestID)"])
            for line in progress.transportFailed(reason: reason, at: now(), backlog: machine.head - machine.acknowledged) {
                note(line, requestID)
            }
            board.update {
                $0.reachable = false
                $0.lastError = reason
                $0.consecutiveFailures = machine.failures
                $0.unreachableSince = progress.unreachableSince
                $0.sendRate = nil
                $0.traffic.batchLimit = machine.sizing.current
            }
            return next
        }
        board.update { $0.traffic.batchLimit = machine.sizing.current }
        // Only what the state machine accepted is recorded, so a wrong answer from the hub never lands in the store.
        if machine.acknowledged != before {
            do {
                try await store.recordAcknowledgement(through: machine.acknowledged)
            } catch {
                logger.warning("could not record the acknowledgement; the next handshake restores it", metadata: ["error": "\(error)"])
            }
        }
        return next
    }

    /// Adds one request to the traffic counts: a batch with events that got an answer counts its bytes; a request
    /// that got none counts as a transport failure.
    private func counted(_ exchange: SyncExchange, events: Int) {
        board.update {
            if case .unavailable = exchange.outcome {
                $0.traffic.transportFailures += 1
            } else if events > 0 {
                $0.traffic.batches += 1
                $0.traffic.events += events
                $0.traffic.jsonBytes += exchange.jsonBytes
                $0.traffic.wireBytes += exchange.wireBytes
            }
        }
    }

    /// The hub answered (whatever it said): logs the progress lines this brings and updates the rate.
    private func answered(
        sentAt: Date, before: Int64, machine: SyncStateMachine, progress: inout SyncProgress, requestID: String
    ) {
        let notes = progress.answered(
            at: now(), sentAt: sentAt, acknowledgedBefore: before, acknowledged: machine.acknowledged, head: machine.head)
        for line in notes { note(line, requestID) }
        let (rate, catchingUp) = (progress.rate, progress.catchingUp)
        board.update {
            $0.unreachableSince = nil
            $0.sendRate = rate
            $0.catchingUp = catchingUp
        }
    }

    /// Logs one progress line with the id of the request that brought it.
    private func note(_ note: SyncProgress.Note, _ requestID: String) {
        let id: Logger.MetadataValue = .string(requestID)
        switch note {
        case .unreachable(let reason, let backlog):
            logger.warning("hub unreachable", metadata: ["reason": .string(reason), "backlog": "\(backlog)", "request_id": id])
        case .reachable(let away, let backlog):
            logger.notice("hub reachable again", metadata: [
                "away_s": .string(Self.decimal(away)), "backlog": "\(backlog)", "request_id": id,
            ])
        case .catchUpStarted(let backlog, let from):
            logger.info("catch-up started", metadata: ["backlog": "\(backlog)", "from": "\(from)", "request_id": id])
        case .catchUpEnded(let events, let seconds, let rate):
            logger.info("catch-up finished", metadata: [
                "events": "\(events)", "duration_s": .string(Self.decimal(seconds)),
                "events_per_s": .string(rate.map(Self.decimal) ?? "-"), "request_id": id,
            ])
        case .rewound(let from, let to, let reason):
            logger.notice("sync rewound", metadata: ["from": "\(from)", "to": "\(to)", "reason": .string(reason), "request_id": id])
        }
    }

    /// `value` with one decimal, for seconds and rates in log lines.
    static func decimal(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    private func localFailure(_ error: any Error, machine: inout SyncStateMachine) -> SyncStateMachine.Action {
        logger.error("the plant store could not be read for sync", metadata: ["error": "\(error)"])
        board.update {
            $0.lastError = "local store: \(error)"
            $0.consecutiveFailures += 1
        }
        return machine.storeFailed()
    }

    /// Raises `alarm` in `/v1/status` (nil: clears it), logging each change once: a refusal repeats with every
    /// retry, and the log should say when it began and when it ended, not every minute in between.
    private func raise(_ alarm: String?, because reason: String) {
        let before = board.current.alarm
        guard alarm != before else { return }
        board.update { $0.alarm = alarm }
        switch alarm {
        case HubLinkStatus.tokenRefused?:
            logger.critical(
                "the hub refuses this plant's token; nothing syncs until hub.token is right (gantry-hub plants rotate-token prints a new one)",
                metadata: ["alarm": "\(alarm!)", "reason": "\(reason)"])
        case let alarm?:
            logger.critical(
                "the hub refuses this plant's events; new facts are kept but none sync until an operator acts: is store.path this plant's store? (docs/sync-protocol.md)",
                metadata: ["alarm": "\(alarm)", "reason": "\(reason)"])
        case nil:
            logger.notice("the hub accepts this plant again", metadata: ["cleared": "\(before!)", "reason": "\(reason)"])
        }
    }

    private func markReachable(error: String?) {
        board.update {
            $0.reachable = true
            $0.lastContactAt = now()
            $0.lastError = error
            $0.consecutiveFailures = error == nil ? 0 : $0.consecutiveFailures + 1
            $0.nextAttemptAt = nil
        }
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number for display and `Date` arithmetic.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
