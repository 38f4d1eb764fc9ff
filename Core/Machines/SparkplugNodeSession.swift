import Foundation

/// What the host application knows of one edge node (specification 3.0, 5.x, "host application" duties):
/// whether it is online, the `bdSeq` of its birth, the last sequence number, its birth certificate, its
/// devices and what its mapped metrics last said. Stored by the agent, so it survives a restart.
public struct SparkplugNodeSession: Sendable, Equatable, Codable {
    public var online = false
    /// The `bdSeq` of the current birth: an NDEATH with another one belongs to an older session.
    public var bdSeq: UInt64?
    /// The sequence number of the node's last message (0-255).
    public var seq: UInt64?
    public var lastBirth: Date?
    public var lastDeath: Date?
    public var certificate = SparkplugBirthCertificate()
    /// The node's own metrics, as mapped.
    public var facts = SparkplugFacts()
    public var devices: [String: SparkplugDeviceSession] = [:]
    /// Messages whose sequence number was not the one expected, since the node was first heard.
    public var sequenceGaps = 0
    public var rebirthsRequested = 0
    /// When a rebirth was last requested and not yet answered by an NBIRTH.
    public var pendingRebirthSince: Date?

    public init() {}
}

/// A device of an edge node: online between its DBIRTH and its DDEATH (or the node's death or rebirth).
public struct SparkplugDeviceSession: Sendable, Equatable, Codable {
    public var online = false
    public var lastBirth: Date?
    public var lastDeath: Date?
    /// When its node was born again while it was online: it is offline until its own birth, and its machine's
    /// time unknown from then unless that birth says otherwise.
    public var unbornSince: Date?
    public var certificate = SparkplugBirthCertificate()
    public var facts = SparkplugFacts()

    public init() {}
}

/// The metrics a birth defined: their datatypes by name and their aliases.
public struct SparkplugBirthCertificate: Sendable, Equatable, Codable {
    public var datatypes: [String: UInt32] = [:]
    public var aliases: [UInt64: String] = [:]

    public init() {}

    /// The certificate of a birth's metrics: each has a name and a known datatype, aliases are unique.
    public init(birth metrics: [SparkplugMetric]) throws(MachineSignalError) {
        for metric in metrics {
            guard let name = metric.name, !name.isEmpty else { throw MachineSignalError("a birth metric has no name") }
            guard let number = metric.datatype, let type = SparkplugDataType(rawValue: number), type != .unknown else {
                throw MachineSignalError("birth metric \"\(name)\" has no known datatype")
            }
            guard datatypes.updateValue(type.rawValue, forKey: name) == nil else {
                throw MachineSignalError("birth metric \"\(name)\" is defined twice")
            }
            if let alias = metric.alias, let other = aliases.updateValue(name, forKey: alias) {
                throw MachineSignalError("alias \(alias) is given to both \"\(other)\" and \"\(name)\"")
            }
        }
    }
}

/// What the mapped metrics of a node or device last said: the state and reason values, the counters'
/// running totals (to count what they added, across resets), and unmapped metrics' last values when kept.
public struct SparkplugFacts: Sendable, Equatable, Codable {
    public var state: String?
    public var reason: String?
    public var counters: [String: Int64] = [:]
    public var unmapped: [String: String] = [:]
    /// When the newest live state and count were placed: the next ones go after them, so that two messages
    /// stamped in the same millisecond both count, and a state is never placed behind the one before it.
    public var lastStateAt: Date?
    public var lastCountAt: Date?

    public init() {}
}
