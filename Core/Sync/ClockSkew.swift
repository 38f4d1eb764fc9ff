import Foundation

/// How far a plant's clock is from the hub's: agent clock − hub clock, in seconds (positive: the plant is ahead).
///
/// Order never depends on it: events keep the order of their sequence numbers whatever their times say. What it
/// tells is whether the plant's times (`occurredAt`, `recordedAt`) can be trusted against the hub's and other
/// plants'; beyond `ClockSkewPolicy.threshold` both sides raise the `clock-skew` alarm.
///
/// Precision: each side reads the other's clock from one request. The hub compares the agent's time in the
/// request's `X-Gantry-Agent-Time` header with its own when the request arrives, so its figure is short by the
/// request's one-way transit (milliseconds on a LAN, at most the request's duration on a slow link); the agent
/// compares the hub's time in the answer (`SyncAcknowledgement.hubTime`) with the midpoint of the request, so its
/// figure is within half the round trip. Both are far below any sensible threshold (minutes).
public struct ClockSkew: Sendable, Equatable, Codable {
    /// Agent clock − hub clock, in seconds.
    public var seconds: Double

    public init(seconds: Double) {
        self.seconds = seconds
    }

    /// The request header carrying the agent's clock when it sent a sync request (`Timestamp.format`).
    public static let agentTimeHeader = "X-Gantry-Agent-Time"

    /// At the hub: the agent's time in the request against the hub's when the request arrived.
    public static func atHub(agentTime: Date, receivedAt: Date) -> ClockSkew {
        ClockSkew(seconds: agentTime.timeIntervalSince(receivedAt))
    }

    /// At the agent: the midpoint of the request on the agent's clock against the hub's time in the answer.
    public static func atAgent(sentAt: Date, answeredAt: Date, hubTime: Date) -> ClockSkew {
        let midpoint = sentAt.addingTimeInterval(answeredAt.timeIntervalSince(sentAt) / 2)
        return ClockSkew(seconds: midpoint.timeIntervalSince(hubTime))
    }

    /// The agent's time as the header carries it; nil when it is absent or unreadable (an older agent, or a
    /// malformed value: the batch is taken all the same, only no skew is measured).
    public static func agentTime(header: String?) -> Date? {
        header.flatMap { Timestamp.parse($0.trimmingCharacters(in: .whitespaces)) }
    }
}

/// When a skew is an alarm, and what a new measurement changes: `raised` once on entering, `cleared` once on leaving.
public struct ClockSkewPolicy: Sendable, Equatable {
    /// Largest skew, either way, that is not an alarm (`sync.clock_skew_alarm`; default 2 minutes).
    public var threshold: Duration

    public init(threshold: Duration = .seconds(120)) {
        self.threshold = threshold
    }

    /// The alarm's name in `/v1/status` `alarms` at the agent and in the sync report at the hub.
    public static let alarm = "clock-skew"

    /// Whether `skew` is beyond the threshold, either way.
    public func alarms(_ skew: ClockSkew) -> Bool {
        abs(skew.seconds) > Double(threshold.components.seconds) + Double(threshold.components.attoseconds) / 1e18
    }

    /// What a measurement `current` after `previous` (nil: the first) does to the alarm: `raised` when it enters
    /// it, `cleared` when it leaves it, nil when nothing changes (also a first measurement within the threshold).
    public func transition(from previous: ClockSkew?, to current: ClockSkew) -> Transition? {
        let was = previous.map(alarms) ?? false
        switch (was, alarms(current)) {
        case (false, true): return .raised
        case (true, false): return .cleared
        default: return nil
        }
    }

    /// A change of the alarm.
    public enum Transition: String, Sendable, Equatable {
        case raised, cleared
    }
}
