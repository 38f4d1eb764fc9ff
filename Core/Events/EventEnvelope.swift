import Foundation

/// One entry of a plant's event log as it travels to the hub: the fact plus where it sits in the log.
public struct EventEnvelope: Codable, Sendable, Equatable {
    /// Position in the plant's log: 1, 2, 3, … with no gaps.
    public var sequence: Int64
    /// Globally unique id of the event, fixed when it was recorded.
    public var id: UUID
    /// Event type name, e.g. `ScanRecorded`.
    public var type: String
    /// Schema version of the payload.
    public var schemaVersion: Int
    /// When the fact happened (UTC), as reported by its source.
    public var occurredAt: Date
    /// When the agent recorded it (UTC, agent clock).
    public var recordedAt: Date
    /// The event's own fields.
    public var payload: JSONValue

    public init(
        sequence: Int64, id: UUID, type: String, schemaVersion: Int,
        occurredAt: Date, recordedAt: Date, payload: JSONValue
    ) {
        self.sequence = sequence
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.payload = payload
    }
}
