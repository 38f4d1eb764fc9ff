import Foundation

/// What an agent sends to `POST /v1/sync/batches`: consecutive events of its log, oldest first.
/// An empty batch is a handshake: the hub answers with what it has acknowledged.
public struct SyncBatch: Codable, Sendable, Equatable {
    /// The plant whose log this is; must match the plant the token belongs to.
    public var plant: String
    /// The agent's newest sequence when it sent the batch, so the hub can show what is still on its way.
    public var agentHead: Int64
    /// Consecutive events, ascending by sequence.
    public var events: [EventEnvelope]

    public init(plant: String, agentHead: Int64, events: [EventEnvelope]) {
        self.plant = plant
        self.agentHead = agentHead
        self.events = events
    }

    /// The largest sequence a log may reach; far beyond any plant's lifetime, and safe from overflow.
    public static let maximumSequence: Int64 = 1 << 53

    /// Checks what the batch says about itself: sequences positive and consecutive, head not behind them,
    /// timestamps within what Gantry stores.
    public func validate() throws(SyncBatchError) {
        guard (0...Self.maximumSequence).contains(agentHead) else {
            throw SyncBatchError(code: .invalidSequence, detail: "agentHead \(agentHead) is out of range")
        }
        guard let first = events.first else { return }
        guard (1...Self.maximumSequence).contains(first.sequence) else {
            throw SyncBatchError(code: .invalidSequence, detail: "sequences start at 1, got \(first.sequence)")
        }
        for (offset, event) in events.enumerated() where event.sequence != first.sequence + Int64(offset) {
            throw SyncBatchError(
                code: .invalidSequence,
                detail: "events[\(offset)] has sequence \(event.sequence), expected \(first.sequence + Int64(offset))")
        }
        for (offset, event) in events.enumerated()
        where !Timestamp.representable.contains(event.occurredAt) || !Timestamp.representable.contains(event.recordedAt) {
            throw SyncBatchError(
                code: .invalidEvent, detail: "events[\(offset)] has a timestamp outside the years 1970 to 9999")
        }
        if let last = events.last, agentHead < last.sequence {
            throw SyncBatchError(
                code: .invalidSequence, detail: "agentHead \(agentHead) is behind the batch's last sequence \(last.sequence)")
        }
    }

    /// Refuses a batch whose agent reports a head behind what the hub has applied of its log: every event the hub
    /// holds came from this plant's log, so a head behind it means the agent's store lost its tail (restored from
    /// an older backup, or replaced), and the next events it records would re-use sequences the hub holds for
    /// other facts. No resend fixes that; the operator recovers the log first.
    public func checkHeadNotBehind(lastApplied: Int64) throws(SyncBatchError) {
        guard agentHead < lastApplied else { return }
        throw SyncBatchError(
            code: .plantLogBehind,
            detail: "plant \(plant)'s log ends at sequence \(agentHead) but the hub has applied through \(lastApplied): "
                + "this store is not the one the hub knows (restored from an older backup, or replaced). Nothing is taken "
                + "until the log is recovered: stop the agent and run `gantry-agent recover --from-hub` "
                + "(docs/operations.md, Backups)")
    }

    /// What the hub must do with this batch given the last sequence it has applied for the plant.
    public func plan(lastApplied: Int64) -> SyncBatchPlan {
        guard let first = events.first else { return .nothingNew }
        if first.sequence > lastApplied + 1 { return .refuse(expected: lastApplied + 1) }
        let skip = Int(lastApplied - first.sequence + 1)
        if skip >= events.count { return .nothingNew }
        return .apply(alreadyApplied: skip)
    }
}

/// The hub's decision for a batch against its own log position.
public enum SyncBatchPlan: Sendable, Equatable {
    /// Every event is already applied (or the batch is empty): acknowledge without effect.
    case nothingNew
    /// Apply `events[alreadyApplied...]`; the first `alreadyApplied` were applied before (a resend).
    case apply(alreadyApplied: Int)
    /// The batch starts past the next expected sequence: the agent must rewind to `expected`.
    case refuse(expected: Int64)
}

/// A batch the hub cannot take, with a stable code for the agent and a detail for the operator.
public struct SyncBatchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable error codes; each maps to a problem type.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// Sequences are not positive and consecutive.
        public static let invalidSequence = Code(rawValue: "invalid-sequence")
        /// The hub holds a different event at a sequence the batch repeats: the two logs have diverged.
        public static let sequenceConflict = Code(rawValue: "sequence-conflict")
        /// The agent's head is behind what the hub has applied of its log: a store restored from an older backup.
        public static let plantLogBehind = Code(rawValue: "plant-log-behind")
        /// The batch or an event names another plant than the token's.
        public static let wrongPlant = Code(rawValue: "wrong-plant")
        /// An event's envelope cannot be stored as it is (a timestamp out of range).
        public static let invalidEvent = Code(rawValue: "invalid-event")
    }

    public var code: Code
    public var detail: String

    public init(code: Code, detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }
}

/// The hub's answer to a batch it took (or had already taken).
public struct SyncAcknowledgement: Codable, Sendable, Equatable {
    /// The plant the acknowledgement is for.
    public var plant: String
    /// Every event up to and including this sequence is applied at the hub, exactly once.
    public var acknowledgedThrough: Int64
    /// How many events of this batch were applied now (0 for a resend or a handshake).
    public var applied: Int

    /// The hub's clock when it answered, so the agent can tell how far its own clock is off (`ClockSkew`); absent
    /// from hubs before it, which agents take as nothing measured.
    public var hubTime: Date?

    public init(plant: String, acknowledgedThrough: Int64, applied: Int, hubTime: Date? = nil) {
        self.plant = plant
        self.acknowledgedThrough = acknowledgedThrough
        self.applied = applied
        self.hubTime = hubTime
    }
}

/// An event as a plant's store keeps it: its columns as text, the payload as the canonical JSON it was written as.
public struct StoredEvent: Sendable, Equatable {
    public var sequence: Int64
    public var id: String
    public var type: String
    public var schemaVersion: Int
    public var occurredAt: String
    public var recordedAt: String
    public var payload: String

    public init(
        sequence: Int64, id: String, type: String, schemaVersion: Int, occurredAt: String, recordedAt: String, payload: String
    ) {
        self.sequence = sequence
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.payload = payload
    }

    /// The envelope it stands for; throws, naming the sequence, when a column cannot be read back.
    public func envelope() throws(EventDecodingError) -> EventEnvelope {
        try EventEnvelope(
            sequence: sequence, storedID: id, type: type, schemaVersion: schemaVersion, occurredAt: occurredAt,
            recordedAt: recordedAt, payload: payload)
    }
}

extension SyncBatch {
    /// The JSON body of a batch of stored events, with each payload copied as stored: byte for byte what the
    /// wire format's encoder writes for the batch of their envelopes, without parsing and re-encoding every
    /// payload (which cost a sync more than the hub's applying of it). The envelope's other columns are checked;
    /// a payload is not, being JSON its own agent wrote in the transaction that appended it.
    public static func body(plant: String, agentHead: Int64, events: [StoredEvent]) throws(EventDecodingError) -> Data {
        for event in events {
            guard SyncBatchReader.uuid(event.id) != nil, Timestamp.parse(event.occurredAt) != nil,
                  Timestamp.parse(event.recordedAt) != nil, event.payload.utf8.first == UInt8(ascii: "{")
            else {
                throw EventDecodingError(eventType: event.type, reason: "stored event \(event.sequence) cannot be read back")
            }
        }
        var body = JSONText()
        body.field("agentHead", agentHead)
        var envelopes = JSONText.objectArray(capacity: events.reduce(64) { $0 + $1.payload.utf8.count + 256 })
        for event in events {
            envelopes.nextObject()
            envelopes.field("id", event.id)
            envelopes.field("occurredAt", event.occurredAt)
            envelopes.field("payload", json: Array(event.payload.utf8))
            envelopes.field("recordedAt", event.recordedAt)
            envelopes.field("schemaVersion", Int64(event.schemaVersion))
            envelopes.field("sequence", event.sequence)
            envelopes.field("type", event.type)
        }
        body.field("events", json: envelopes.closeArray())
        body.field("plant", plant)
        return Data(body.close().utf8)
    }
}
