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

extension EventEnvelope {
    /// Rebuilds an envelope from the text columns a store keeps it in; throws, naming the sequence, when a
    /// column cannot be read back, so a damaged row is an error and never a crash.
    public init(
        sequence: Int64, storedID: String, type: String, schemaVersion: Int,
        occurredAt: String, recordedAt: String, payload: String
    ) throws(EventDecodingError) {
        guard let id = UUID(uuidString: storedID), let occurred = Timestamp.parse(occurredAt),
              let recorded = Timestamp.parse(recordedAt),
              let json = try? JSONValue.parse(payload)
        else {
            throw EventDecodingError(eventType: type, reason: "stored event \(sequence) cannot be read back")
        }
        self.init(
            sequence: sequence, id: id, type: type, schemaVersion: schemaVersion,
            occurredAt: occurred, recordedAt: recorded, payload: json)
    }
}
