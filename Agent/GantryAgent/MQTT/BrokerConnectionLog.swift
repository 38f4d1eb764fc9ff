/// Decides which failures to reach the broker are written to the log: libmosquitto retries every 1–30 s for as
/// long as the broker is away, and a line per attempt would bury everything else. The first failure is logged
/// at once, then at most one line per `interval` saying how many attempts failed since the last line, and one
/// line when the connection is made again. `/v1/status` shows the latest failure in any case.
struct BrokerConnectionLog: Sendable {
    /// The least time between two lines about the same outage.
    static let interval: Duration = .seconds(60)

    /// A line to write.
    enum Line: Sendable, Equatable {
        /// The first failed attempt since start or since the last connection.
        case cannotConnect(reason: String)
        /// `failures` attempts failed since the last line; `reason` is the latest one's.
        case stillCannotConnect(failures: Int, reason: String)
        /// Connected after `failures` failed attempts (0: at the first attempt).
        case connected(afterFailures: Int)
    }

    private var failures = 0
    private var unlogged = 0
    private var lastLine: ContinuousClock.Instant?

    /// An attempt failed for `reason` at `now`: the line to write, if one is due.
    mutating func failed(reason: String, at now: ContinuousClock.Instant) -> Line? {
        failures += 1
        unlogged += 1
        if let lastLine, now - lastLine < Self.interval { return nil }
        defer {
            lastLine = now
            unlogged = 0
        }
        return failures == 1 ? .cannotConnect(reason: reason) : .stillCannotConnect(failures: unlogged, reason: reason)
    }

    /// The connection was made: always a line, and the next failure is a first one again.
    mutating func connected() -> Line {
        defer { self = BrokerConnectionLog() }
        return .connected(afterFailures: failures)
    }
}
