/// Capped exponential backoff with jitter: the n-th consecutive failure waits between half and all of
/// `min(maximum, initial × 2ⁿ⁻¹)`, so a fleet of plants coming back together does not retry in lock-step.
public struct Backoff: Sendable, Equatable {
    /// The ceiling of the first wait.
    public var initial: Duration
    /// No wait is longer than this.
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(60)) {
        precondition(initial > .zero && maximum >= initial, "backoff needs 0 < initial ≤ maximum")
        self.initial = initial
        self.maximum = maximum
    }

    /// The wait after `failures` consecutive failures (1 for the first), with `unit` in [0, 1) as jitter.
    public func delay(afterFailures failures: Int, unit: Double) -> Duration {
        let ceiling = self.ceiling(afterFailures: failures)
        let jitter = min(max(unit, 0), 1)
        return ceiling / 2 + (ceiling / 2) * jitter
    }

    /// The longest wait after `failures` consecutive failures.
    public func ceiling(afterFailures failures: Int) -> Duration {
        let exponent = min(max(failures - 1, 0), 40)
        let scaled = initial * Double(1 << UInt64(exponent))
        return min(scaled, maximum)
    }
}

/// A small, seedable random source, so the sync state machine stays deterministic under test.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [0, 1).
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }
}
