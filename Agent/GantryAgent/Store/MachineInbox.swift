import Foundation
import GantryCore

/// Takes what the MQTT ingest hears, durably and in arrival order (docs/mqtt.md).
public protocol MachineInbox: Sendable {
    /// Makes `entry` durable, together with everything queued, before returning (QoS 1, lost signals).
    func append(_ entry: InboxEntry) throws
    /// Queues `entry` for a group commit soon and returns (QoS 0); blocks while too many are queued.
    func enqueue(_ entry: InboxEntry)
    /// Returns once everything queued so far has been committed (or given up).
    func flushQueued() async
}

/// How the projection reads a message (topic, payload, its real size, when it arrived): the signal, or the
/// reason it goes to the dead letters.
public typealias MachineMessageReader =
    @Sendable (_ topic: String, _ payload: [UInt8], _ payloadBytes: Int, _ receivedAt: Date) -> Result<MachineSignal, MachineSignalError>

/// The same, for messages that carry any number of signals (a Sparkplug payload's metrics); none for a
/// message that changes no machine's facts.
public typealias MachineMessagesReader =
    @Sendable (_ topic: String, _ payload: [UInt8], _ payloadBytes: Int, _ receivedAt: Date) -> Result<[MachineSignal], MachineSignalError>

/// What projecting a batch of the inbox did.
public struct InboxProjection: Sendable, Equatable {
    /// Inbox entries projected (messages and lost signals); they are not projected again.
    public var entries = 0
    public var recorded = 0
    /// Messages stored before (MQTT redeliveries) and dead letters kept before.
    public var duplicates = 0
    public var deadLetters = 0

    public init() {}

    mutating func add(_ other: InboxProjection) {
        entries += other.entries
        recorded += other.recorded
        duplicates += other.duplicates
        deadLetters += other.deadLetters
    }
}

/// What the MQTT ingest heard, in arrival order: a message, or the moment the broker connection was lost.
public struct InboxEntry: Sendable {
    public enum Content: Sendable {
        /// `payload` holds at most the first `SQLitePlantStore.deadLetterPayloadLimit` bytes when the message
        /// is over `mqtt.max_payload_bytes` (it can only be a dead letter then); `payloadBytes` is its real size.
        case message(topic: String, payload: [UInt8], payloadBytes: Int, qos: Int32)
        case signalLost(cause: String)
    }

    public var content: Content
    /// Agent clock.
    public var receivedAt: Date

    public init(_ content: Content, receivedAt: Date) {
        self.content = content
        self.receivedAt = receivedAt
    }
}
