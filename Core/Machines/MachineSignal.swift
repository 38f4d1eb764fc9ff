import Foundation

/// One MQTT message of the machine contract, read and checked; or why it goes to the dead letters.
public enum MachineSignal: Sendable, Equatable {
    case state(MachineStateChanged)
    case count(MachineCountReported)

    /// The limits a message must respect.
    public struct Limits: Sendable {
        public var maxPayloadBytes: Int
        /// How far ahead of the agent's clock a timestamp may be.
        public var maxFuture: TimeInterval
        /// How old a message may be (a persistent session may deliver old ones after an outage).
        public var maxAge: TimeInterval

        public init(maxPayloadBytes: Int = 4096, maxFuture: TimeInterval = 300, maxAge: TimeInterval = 35 * 86_400) {
            self.maxPayloadBytes = maxPayloadBytes
            self.maxFuture = maxFuture
            self.maxAge = maxAge
        }
    }

    /// The topic filter the agent subscribes to for `plant`.
    public static func subscription(prefix: String, plant: String) -> String {
        "\(prefix)/\(plant)/+/+/+"
    }

    /// Reads `payload` published on `topic`; throws the dead-letter reason when it is not the contract.
    /// Messages are read by hand (`MachineSignal+Reading.swift`); the few that are not plain enough to be
    /// sure of (escapes, fractions, repeated keys, wrong types, broken JSON) are read by `parseUsingDecoder`,
    /// so that every message gets the same outcome and reason from both.
    public static func parse(
        topic: String, payload: [UInt8], prefix: String, plant: String, now: Date, limits: Limits = Limits()
    ) throws(MachineSignalError) -> MachineSignal {
        try parse(payload, from: address(topic: topic, prefix: prefix, plant: plant), now: now, limits: limits)
    }

    /// Reads `payload` from the machine `address` names (see `address(topic:prefix:plant:)`), checking its size first.
    public static func parse(
        _ payload: [UInt8], from address: Address, now: Date, limits: Limits = Limits()
    ) throws(MachineSignalError) -> MachineSignal {
        try checkSize(payload.count, limits: limits)
        guard let fields = PayloadReader.read(payload) else {
            return try signal(from: decode(payload), address: address, now: now, limits: limits)
        }
        return try signal(from: fields, address: address, now: now, limits: limits)
    }

    /// The same outcome as `parse`, reading the payload with Foundation's `JSONDecoder`: the reference that
    /// defines the contract's reasons, and the reader of messages the hand-written reader leaves undecided.
    public static func parseUsingDecoder(
        topic: String, payload: [UInt8], prefix: String, plant: String, now: Date, limits: Limits = Limits()
    ) throws(MachineSignalError) -> MachineSignal {
        let address = try address(topic: topic, prefix: prefix, plant: plant)
        try checkSize(payload.count, limits: limits)
        return try signal(from: decode(payload), address: address, now: now, limits: limits)
    }

    /// Where a message comes from, as its topic says.
    public struct Address: Sendable, Equatable {
        public var line: String
        public var machine: String
        /// The last topic level: `state` or `count` for the contract (checked after the payload).
        public var kind: String
    }

    /// Reads the topic: the first check of every message, before its size and payload.
    public static func address(topic: String, prefix: String, plant: String) throws(MachineSignalError) -> Address {
        let parts = topic.split(separator: "/", omittingEmptySubsequences: false)
        let prefixParts = prefix.split(separator: "/").count
        guard parts.count == prefixParts + 4, parts.prefix(prefixParts).joined(separator: "/") == prefix,
              parts[prefixParts] == plant
        else { throw MachineSignalError("topic is not \(prefix)/\(plant)/{line}/{machine}/state|count") }
        let line = String(parts[prefixParts + 1]), machine = String(parts[prefixParts + 2])
        guard MachineID.isValidName(line), MachineID.isValidName(machine) else {
            throw MachineSignalError("line and machine must be 1 to 64 letters, digits, '-', '_' or '.'")
        }
        return Address(line: line, machine: machine, kind: String(parts[prefixParts + 3]))
    }

    /// The second check: a payload of `bytes` must be within the limit.
    public static func checkSize(_ bytes: Int, limits: Limits) throws(MachineSignalError) {
        guard bytes <= limits.maxPayloadBytes else {
            throw MachineSignalError("payload of \(bytes) bytes exceeds \(limits.maxPayloadBytes)")
        }
    }

    /// The fields of the contract; others are ignored. `nil` for a field that is absent or `null`.
    struct Fields: Equatable {
        var state: String?
        var reason: String?
        var ts: String?
        var good: Double?
        var scrap: Double?
    }

    private static func signal(
        from body: Fields, address: Address, now: Date, limits: Limits
    ) throws(MachineSignalError) -> MachineSignal {
        let at = try timestamp(body.ts, now: now, limits: limits)
        switch address.kind {
        case "state":
            guard let name = body.state else { throw MachineSignalError("missing \"state\"") }
            guard let state = MachineState(rawValue: name), state != .unknown else {
                throw MachineSignalError("unknown state \"\(name)\" (expected running, setup, idle, down or planned_stop)")
            }
            if let reason = body.reason, reason.isEmpty || reason.count > 64 {
                throw MachineSignalError("\"reason\" must be a code of 1 to 64 characters")
            }
            return .state(MachineStateChanged(
                line: address.line, machine: address.machine, state: state, reason: body.reason, at: at))
        case "count":
            let good = try quantity(body.good, "good"), scrap = try quantity(body.scrap, "scrap")
            guard good + scrap > 0 else { throw MachineSignalError("a count of 0 good and 0 scrap says nothing") }
            return .count(MachineCountReported(line: address.line, machine: address.machine, good: good, scrap: scrap, at: at))
        default:
            throw MachineSignalError("unknown message kind \"\(address.kind)\" (expected state or count)")
        }
    }

    private static func decode(_ payload: [UInt8]) throws(MachineSignalError) -> Fields {
        let body: Payload
        do {
            body = try WireFormat.sharedDecoder.decode(Payload.self, from: Data(payload))
        } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                throw MachineSignalError("payload is not a JSON object")
            }
            if case .typeMismatch(_, let context) = error, context.codingPath.isEmpty {
                throw MachineSignalError("payload is not a JSON object")
            }
            throw MachineSignalError(error.fieldDescription)
        } catch {
            throw MachineSignalError("payload is not a JSON object")
        }
        return Fields(state: body.state, reason: body.reason, ts: body.ts, good: body.good, scrap: body.scrap)
    }

    /// The fields of the contract as `JSONDecoder` reads them, without an intermediate JSON tree.
    private struct Payload: Decodable {
        var state: String?
        var reason: String?
        var ts: String?
        var good: Double?
        var scrap: Double?
    }

    private static func timestamp(_ text: String?, now: Date, limits: Limits) throws(MachineSignalError) -> Date {
        guard let text else { throw MachineSignalError("missing \"ts\" (RFC 3339 UTC)") }
        guard let at = Timestamp.parse(text) else { throw MachineSignalError("\"ts\" is not an RFC 3339 timestamp: \(text)") }
        guard at.timeIntervalSince(now) <= limits.maxFuture else { throw MachineSignalError("\"ts\" \(text) is in the future") }
        guard now.timeIntervalSince(at) <= limits.maxAge else { throw MachineSignalError("\"ts\" \(text) is too old") }
        return at
    }

    private static func quantity(_ value: Double?, _ field: String) throws(MachineSignalError) -> Int64 {
        guard let value else { return 0 }
        guard value >= 0, value <= 1_000_000_000, value.rounded() == value else {
            throw MachineSignalError("\"\(field)\" must be a whole number from 0 to 1000000000")
        }
        return Int64(value)
    }
}

/// Why a machine message was not taken.
public struct MachineSignalError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    /// Facts the message implies although it is a dead letter, recorded beside it: a Sparkplug birth that cannot be
    /// read still says its node's machines are in unknown time from then on.
    public var implied: [MachineSignal]

    public init(_ reason: String, implied: [MachineSignal] = []) {
        self.reason = reason
        self.implied = implied
    }

    public var description: String { reason }
}
