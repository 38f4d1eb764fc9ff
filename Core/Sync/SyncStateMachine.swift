/// The agent's side of the sync protocol as a pure value: it is told what happened and answers with what
/// to do next. The I/O layer only carries the actions out; every transition is tested without sockets.
///
/// Invariants: events are sent in sequence order from `acknowledged + 1`; nothing is ever skipped; the
/// acknowledged position only moves forward on the hub's word, and backwards only when the hub asks for a
/// rewind (it restored an older copy of its database).
public struct SyncStateMachine: Sendable {
    /// What the I/O layer must do next.
    public enum Action: Sendable, Equatable {
        /// Read up to `maxEvents` events from sequence `from` and send them (none: a handshake).
        case sendBatch(from: Int64, maxEvents: Int)
        /// Nothing to send: wait for new events, or send a handshake after `heartbeatAfter`.
        case waitForEvents(heartbeatAfter: Duration)
        /// The last attempt failed: wait, then report `retryDue()`.
        case waitAndRetry(after: Duration)
    }

    /// Why the hub is not taking the log, when it is not.
    public enum Trouble: Sendable, Equatable {
        /// The hub could not be reached, timed out or answered 5xx.
        case hubUnavailable
        /// The hub refused a batch for a reason a retry will not fix (4xx).
        case batchRejected(code: String)
        /// The hub acknowledged sequences this agent never wrote: its log and the hub's are not the same.
        case diverged(hubSequence: Int64)
        /// The agent's own store could not be read or written.
        case localStore
    }

    /// Tunables of the protocol.
    public struct Configuration: Sendable, Equatable {
        /// Events per batch at most, and the size batches start at.
        public var batchEvents: Int
        /// The smallest batch failures shrink to (`BatchSizing`); equal to `batchEvents`, batches keep one size.
        public var minimumBatchEvents: Int
        public var heartbeat: Duration
        public var backoff: Backoff

        /// `minimumBatchEvents` nil (or ≥ `batchEvents`) keeps every batch at `batchEvents`.
        public init(
            batchEvents: Int = 500, heartbeat: Duration = .seconds(15), backoff: Backoff = Backoff(), minimumBatchEvents: Int? = nil
        ) {
            precondition(batchEvents > 0, "a batch holds at least one event")
            self.batchEvents = batchEvents
            self.minimumBatchEvents = min(max(minimumBatchEvents ?? batchEvents, 1), batchEvents)
            self.heartbeat = heartbeat
            self.backoff = backoff
        }
    }

    enum State: Sendable, Equatable {
        case notStarted
        case sending(from: Int64)
        case waitingForEvents
        case backingOff
    }

    public let configuration: Configuration
    private var state: State = .notStarted
    private var random: SplitMix64
    /// The hub has applied every event up to here.
    public private(set) var acknowledged: Int64 = 0
    /// The newest sequence in the local log.
    public private(set) var head: Int64 = 0
    /// Consecutive failed attempts since the last success.
    public private(set) var failures = 0
    /// What is wrong right now, if anything.
    public private(set) var trouble: Trouble?
    /// How many events the next batch may hold.
    public private(set) var sizing: BatchSizing

    public init(configuration: Configuration = Configuration(), seed: UInt64) {
        self.configuration = configuration
        self.random = SplitMix64(seed: seed)
        sizing = BatchSizing(maximum: configuration.batchEvents, minimum: configuration.minimumBatchEvents)
    }

    /// Events in the log that the hub has not acknowledged.
    public var backlog: Int64 { max(head - acknowledged, 0) }

    /// The agent started with this much acknowledged and this much written: shake hands with the hub
    /// first, since the hub may have applied more than the agent managed to record before it stopped.
    public mutating func started(acknowledged: Int64, head: Int64) -> Action {
        precondition(state == .notStarted, "started twice")
        precondition(acknowledged >= 0 && head >= acknowledged, "acknowledged \(acknowledged) past head \(head)")
        self.acknowledged = acknowledged
        self.head = head
        return send(from: acknowledged + 1)
    }

    /// New events were appended up to `head`. Returns an action only when the machine was idle; otherwise
    /// the events go out with the next batch.
    public mutating func eventsAppended(head: Int64) -> Action? {
        self.head = max(self.head, head)
        guard state == .waitingForEvents, self.head > acknowledged else { return nil }
        return send(from: acknowledged + 1)
    }

    /// Idle long enough: send a handshake so both sides know the other is alive.
    public mutating func heartbeatDue() -> Action {
        precondition(state == .waitingForEvents, "heartbeat while \(state)")
        return send(from: acknowledged + 1)
    }

    /// The hub applied everything up to `sequence`.
    public mutating func batchAcknowledged(upTo sequence: Int64) -> Action {
        guard case .sending = state else { preconditionFailure("acknowledgement while \(state)") }
        guard sequence <= head else {
            // The hub holds events this log never had: sending more would let the hub drop new facts as resends.
            return fail(.diverged(hubSequence: sequence))
        }
        // Only a batch that carried events says the link takes more; a handshake's answer says nothing of size.
        if case .sending(let from) = state, sequence >= from { sizing.batchCarried() }
        acknowledged = max(sequence, 0)
        failures = 0
        trouble = nil
        return head > acknowledged ? send(from: acknowledged + 1) : idle()
    }

    /// The hub expects `expected` next, earlier or later than what was sent: resume from there.
    public mutating func hubRefused(expected: Int64) -> Action {
        guard case .sending = state else { preconditionFailure("refusal while \(state)") }
        guard expected >= 1, expected - 1 <= head else {
            return fail(.diverged(hubSequence: max(expected, 1) - 1))
        }
        acknowledged = expected - 1
        failures = 0
        trouble = nil
        return head > acknowledged ? send(from: expected) : idle()
    }

    /// The hub could not be reached, timed out or answered 5xx: retry after a backoff, with a batch half as large
    /// (down to the configured floor), so a slow or lossy link still carries something within the timeout.
    public mutating func transportFailed() -> Action {
        guard case .sending = state else { preconditionFailure("transport failure while \(state)") }
        sizing.linkFailed()
        return fail(.hubUnavailable)
    }

    /// The hub refused the batch for a reason a retry will not fix: keep the log, retry slowly, and
    /// say so until an operator or a new hub version resolves it.
    /// A batch refused as too large (`batch-too-large`, 413) is sent again at once, half as large, until the hub
    /// takes it; only a single event too large for the hub waits for an operator like other rejections.
    public mutating func batchRejected(code: String) -> Action {
        guard case .sending = state else { preconditionFailure("rejection while \(state)") }
        if code == Self.batchTooLarge, sizing.hubRefusedSize() {
            return send(from: acknowledged + 1)
        }
        failures = max(failures, 64)
        return fail(.batchRejected(code: code))
    }

    /// Reading the batch or recording the acknowledgement failed locally: retry after a backoff.
    public mutating func storeFailed() -> Action {
        guard case .sending = state else { preconditionFailure("store failure while \(state)") }
        return fail(.localStore)
    }

    /// A backoff elapsed: try again from the acknowledged position.
    public mutating func retryDue() -> Action {
        precondition(state == .backingOff, "retry while \(state)")
        return send(from: acknowledged + 1)
    }

    /// The hub's problem code for a batch over its size limits.
    public static let batchTooLarge = "batch-too-large"

    private mutating func send(from sequence: Int64) -> Action {
        state = .sending(from: sequence)
        return .sendBatch(from: sequence, maxEvents: sizing.current)
    }

    private mutating func idle() -> Action {
        state = .waitingForEvents
        return .waitForEvents(heartbeatAfter: configuration.heartbeat)
    }

    private mutating func fail(_ reason: Trouble) -> Action {
        failures += 1
        trouble = reason
        state = .backingOff
        return .waitAndRetry(after: configuration.backoff.delay(afterFailures: failures, unit: random.nextUnit()))
    }
}
