import Foundation

/// Limits failed dashboard sign-ins: at most `limit` failures within `period`, server-wide; while over it, every
/// sign-in is answered 429 until the oldest failure leaves the period. The hub and each agent keep one each.
///
/// Server-wide rather than per address: the router context carries no peer address (the API and the pages share
/// one `BasicRequestContext`). Tokens have 256 random bits, so this guards the log and the database from a flood of
/// guesses rather than a token from being found; the cost is that such a flood also delays real sign-ins for a
/// minute. Each failure is logged with its reason (never the token).
public actor SignInThrottle {
    public let limit: Int
    public let period: TimeInterval
    let now: @Sendable () -> Date
    private var failures: [Date] = []

    public init(limit: Int = 30, period: TimeInterval = 60, now: @escaping @Sendable () -> Date) {
        self.limit = limit
        self.period = period
        self.now = now
    }

    /// Seconds to wait before trying again, or nil when a sign-in may be tried now.
    public func retryAfter() -> Int? {
        let current = now()
        failures.removeAll { current.timeIntervalSince($0) >= period }
        guard failures.count >= limit, let oldest = failures.first else { return nil }
        return max(1, Int((period - current.timeIntervalSince(oldest)).rounded(.up)))
    }

    /// Counts a failed sign-in.
    public func failed() {
        failures.append(now())
    }
}
