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
    public static func parse(
        topic: String, payload: [UInt8], prefix: String, plant: String, now: Date, limits: Limits = Limits()
    ) throws(MachineSignalError) -> MachineSignal {
        let parts = topic.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let prefixParts = prefix.split(separator: "/").count
        guard parts.count == prefixParts + 4, parts.prefix(prefixParts).joined(separator: "/") == prefix,
              parts[prefixParts] == plant
        else { throw MachineSignalError("topic is not \(prefix)/\(plant)/{line}/{machine}/state|count") }
        let line = parts[prefixParts + 1], machine = parts[prefixParts + 2], kind = parts[prefixParts + 3]
        guard MachineID.isValidName(line), MachineID.isValidName(machine) else {
            throw MachineSignalError("line and machine must be 1 to 64 letters, digits, '-', '_' or '.'")
        }
        guard payload.count <= limits.maxPayloadBytes else {
            throw MachineSignalError("payload of \(payload.count) bytes exceeds \(limits.maxPayloadBytes)")
        }
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
        let at = try timestamp(body.ts, now: now, limits: limits)
        switch kind {
        case "state":
            guard let name = body.state else { throw MachineSignalError("missing \"state\"") }
            guard let state = MachineState(rawValue: name), state != .unknown else {
                throw MachineSignalError("unknown state \"\(name)\" (expected running, setup, idle, down or planned_stop)")
            }
            if let reason = body.reason, reason.isEmpty || reason.count > 64 {
                throw MachineSignalError("\"reason\" must be a code of 1 to 64 characters")
            }
            return .state(MachineStateChanged(line: line, machine: machine, state: state, reason: body.reason, at: at))
        case "count":
            let good = try quantity(body.good, "good"), scrap = try quantity(body.scrap, "scrap")
            guard good + scrap > 0 else { throw MachineSignalError("a count of 0 good and 0 scrap says nothing") }
            return .count(MachineCountReported(line: line, machine: machine, good: good, scrap: scrap, at: at))
        default:
            throw MachineSignalError("unknown message kind \"\(kind)\" (expected state or count)")
        }
    }

    /// The fields of the contract; others are ignored. Decoded directly, without an intermediate JSON tree.
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
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
