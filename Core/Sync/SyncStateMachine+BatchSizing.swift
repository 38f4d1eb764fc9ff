extension SyncStateMachine {
    /// How many events the next batch may hold, adapted to the link: halved when a batch gets no answer
    /// (timeout, cut connection, 5xx), down to `minimum`; doubled again for every batch the hub acknowledges,
    /// up to `maximum`. A link that cannot carry a large batch within the request timeout still carries small
    /// ones, and a link that recovers is back at full size after a few batches (log₂(maximum / minimum) of them).
    public struct BatchSizing: Sendable, Equatable {
        /// The configured batch size (`sync.batch_events`): where sizing starts and the most it grows to.
        public let maximum: Int
        /// The floor (`sync.min_batch_events`): failures never shrink a batch below it.
        public let minimum: Int
        /// Events the next batch may hold.
        public private(set) var current: Int
        /// The most the hub has shown it takes: below the size it last refused as too large (413), else `maximum`.
        public private(set) var ceiling: Int

        /// Sizing that starts at `maximum`; `minimum` is clamped into 1...maximum (`minimum == maximum`: fixed size).
        public init(maximum: Int, minimum: Int) {
            precondition(maximum > 0, "a batch holds at least one event")
            self.maximum = maximum
            self.minimum = min(max(minimum, 1), maximum)
            current = maximum
            ceiling = maximum
        }

        /// A batch went unanswered: the next one is half as large, never below `minimum` nor above the hub's ceiling
        /// (which a refusal as too large may have put under the floor).
        public mutating func linkFailed() {
            current = max(min(minimum, ceiling), current / 2)
        }

        /// The hub acknowledged events: the next batch may be twice as large, never above the hub's ceiling.
        public mutating func batchCarried() {
            current = min(ceiling, current * 2)
        }

        /// The hub refused a batch of `current` events as too large (its own `sync.max_batch_*` limits): the next
        /// one is half as large, below the floor if need be, and batches never grow back to the refused size.
        /// False when a single event was refused: no smaller batch exists.
        public mutating func hubRefusedSize() -> Bool {
            guard current > 1 else { return false }
            current /= 2
            ceiling = current
            return true
        }
    }
}
