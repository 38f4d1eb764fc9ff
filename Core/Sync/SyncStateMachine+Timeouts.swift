extension SyncStateMachine {
    /// How long one sync request may take, in three limits libcurl enforces: reaching the hub (`connect`), the
    /// whole exchange (`request`), and a transfer that trickles (`lowSpeedBytesPerSecond` for `lowSpeedTime`: a
    /// link that stalls mid-body is given up early rather than at the end of `request`). A request that breaks any
    /// of them is a transport failure: the batch is retried after the backoff, at half its size (`BatchSizing`).
    public struct Timeouts: Sendable, Equatable {
        /// Time to set up the connection (TCP and TLS), `sync.connect_timeout`.
        public var connect: Duration
        /// Time for the whole request, from connecting to the last byte of the answer, `sync.request_timeout`.
        public var request: Duration
        /// Below this many bytes per second …, `sync.low_speed_bytes`; 0 turns the low-speed abort off.
        public var lowSpeedBytesPerSecond: Int
        /// … for this long, the request is given up, `sync.low_speed_time`.
        public var lowSpeedTime: Duration

        /// The defaults: 10 s to connect, 30 s per request, and under 1 byte/s for 15 s counts as a stall.
        public init(
            connect: Duration = .seconds(10), request: Duration = .seconds(30), lowSpeedBytesPerSecond: Int = 1,
            lowSpeedTime: Duration = .seconds(15)
        ) {
            self.connect = connect
            self.request = request
            self.lowSpeedBytesPerSecond = lowSpeedBytesPerSecond
            self.lowSpeedTime = lowSpeedTime
        }

        /// Why these limits cannot work together, or nil when they can: the connection must be possible within the
        /// request's time, and the low-speed window is whole seconds.
        public var inconsistency: String? {
            if connect <= .zero || request <= .zero { return "timeouts must be longer than 0" }
            if connect > request { return "the connect timeout must not be longer than the request timeout" }
            if lowSpeedBytesPerSecond < 0 { return "the low-speed limit must not be negative" }
            if lowSpeedBytesPerSecond > 0 && lowSpeedTime < .seconds(1) {
                return "the low-speed time must be at least 1 s (libcurl counts it in whole seconds)"
            }
            return nil
        }
    }
}
