import Foundation
import GantryCore
import Logging
import Synchronization

/// What `/v1/status` (`clock`), `gantry-agent status` and `/metrics` show of the plant's clock against the hub's.
public struct AgentClockStatus: Sendable, Equatable, Codable {
    /// Agent clock − hub clock in seconds, from the last answer that carried the hub's time (within half its round trip).
    public var skewSeconds: Double
    /// When it was measured, on the agent's clock.
    public var measuredAt: Date
    /// The threshold beyond which `clock-skew` is raised (`sync.clock_skew_alarm`).
    public var thresholdSeconds: Double
    /// Whether the skew is beyond the threshold (`alarms` then holds `clock-skew`).
    public var alarm: Bool
}

/// Learns the hub's clock from each acknowledgement (`SyncAcknowledgement.hubTime`) and keeps the skew, logging
/// once when it goes beyond the threshold (error) and once when it comes back (notice). The plant's facts keep
/// its own times and their order by sequence either way; the alarm says its times cannot be trusted against
/// the hub's.
final class ClockSkewWatch: Sendable {
    let policy: ClockSkewPolicy
    private let logger: Logger
    private let state = Mutex<(skew: ClockSkew, at: Date)?>(nil)

    init(policy: ClockSkewPolicy, logger: Logger) {
        self.policy = policy
        self.logger = logger
    }

    /// A sync answer: `body` of a 200 is an acknowledgement, which may carry the hub's time.
    func answered(status: Int, body: Data, sentAt: Date, answeredAt: Date) {
        guard status == 200, let ack = try? WireFormat.decoder().decode(SyncAcknowledgement.self, from: body),
              let hubTime = ack.hubTime else { return }
        measured(ClockSkew.atAgent(sentAt: sentAt, answeredAt: answeredAt, hubTime: hubTime), at: answeredAt)
    }

    func measured(_ skew: ClockSkew, at: Date) {
        let previous = state.withLock { state in
            defer { state = (skew, at) }
            return state?.skew
        }
        let metadata: Logger.Metadata = [
            "skew_s": .string(String(format: "%.3f", skew.seconds)), "threshold_s": "\(policy.threshold.components.seconds)",
            "alarm": .string(ClockSkewPolicy.alarm),
        ]
        switch policy.transition(from: previous, to: skew) {
        case .raised?:
            let message = "this plant's clock is \(skew.seconds > 0 ? "ahead of" : "behind") the hub's beyond the threshold: facts "
                + "keep their order by sequence, but their times are off; set the server's time (NTP)"
            logger.error("\(message)", metadata: metadata)
        case .cleared?:
            logger.notice("this plant's clock agrees with the hub's again", metadata: metadata)
        case nil:
            break
        }
    }

    /// The last measurement; nil before the hub first answered with its time.
    var status: AgentClockStatus? {
        state.withLock { $0 }.map { reading in
            AgentClockStatus(
                skewSeconds: reading.skew.seconds, measuredAt: reading.at,
                thresholdSeconds: Double(policy.threshold.components.seconds), alarm: policy.alarms(reading.skew))
        }
    }
}
