/// A Sparkplug B topic (specification 3.0, section 4.1): `spBv1.0/{group_id}/{message_type}/{edge_node_id}[/{device_id}]`.
public struct SparkplugTopic: Sendable, Hashable {
    /// The Sparkplug B namespace, the first topic level.
    public static let namespace = "spBv1.0"

    /// The message types of edge nodes and devices (the host's own STATE topic is not one of them).
    public enum MessageType: String, Sendable, CaseIterable {
        case nodeBirth = "NBIRTH", nodeDeath = "NDEATH", deviceBirth = "DBIRTH", deviceDeath = "DDEATH"
        case nodeData = "NDATA", deviceData = "DDATA", nodeCommand = "NCMD", deviceCommand = "DCMD"

        /// Whether the topic names a device (DBIRTH, DDEATH, DDATA, DCMD).
        public var isDevice: Bool { [.deviceBirth, .deviceDeath, .deviceData, .deviceCommand].contains(self) }
    }

    public var node: SparkplugNodeID
    public var type: MessageType
    /// The device, for device messages.
    public var device: String?

    public init(node: SparkplugNodeID, type: MessageType, device: String? = nil) {
        self.node = node
        self.type = type
        self.device = device
    }

    /// Whether `topic` is in the Sparkplug B namespace at all (then `parse` decides).
    public static func isSparkplug(_ topic: String) -> Bool {
        topic.hasPrefix(namespace + "/")
    }

    /// Reads a topic of an edge node or device; throws the dead-letter reason otherwise.
    public static func parse(_ topic: String) throws(MachineSignalError) -> SparkplugTopic {
        let parts = topic.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 4, parts[0] == namespace else {
            throw MachineSignalError("topic is not \(namespace)/{group}/{type}/{edge node}[/{device}]")
        }
        guard let type = MessageType(rawValue: parts[2]) else {
            throw MachineSignalError("unknown Sparkplug message type \"\(parts[2])\"")
        }
        guard parts.count == (type.isDevice ? 5 : 4) else {
            throw MachineSignalError("a \(type.rawValue) topic has \(type.isDevice ? 5 : 4) levels, this one \(parts.count)")
        }
        guard parts[1...].allSatisfy(isValidID) else {
            throw MachineSignalError("Sparkplug ids must be non-empty UTF-8 without '/', '+' or '#'")
        }
        return SparkplugTopic(node: SparkplugNodeID(group: parts[1], edgeNode: parts[3]), type: type, device: type.isDevice ? parts[4] : nil)
    }

    /// The topic as published.
    public var text: String {
        var text = "\(Self.namespace)/\(node.group)/\(type.rawValue)/\(node.edgeNode)"
        if let device { text += "/\(device)" }
        return text
    }

    /// The filter a host application subscribes to for `group`.
    public static func subscription(group: String) -> String {
        "\(namespace)/\(group)/#"
    }

    /// The host application's STATE topic (3.0: `spBv1.0/STATE/{host_id}`).
    public static func state(hostID: String) -> String {
        "\(namespace)/STATE/\(hostID)"
    }

    /// Group, edge node, device and host ids: non-empty, no topic separators or wildcards (3.0, 4.1.1).
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && !id.contains(where: { $0 == "/" || $0 == "+" || $0 == "#" })
    }
}

/// An edge node: its group and its id within the group.
public struct SparkplugNodeID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var group: String
    public var edgeNode: String

    public init(group: String, edgeNode: String) {
        self.group = group
        self.edgeNode = edgeNode
    }

    public var description: String { "\(group)/\(edgeNode)" }

    /// Where a rebirth request for this node is published (NCMD).
    public var commandTopic: String { SparkplugTopic(node: self, type: .nodeCommand).text }

    public static func < (lhs: SparkplugNodeID, rhs: SparkplugNodeID) -> Bool {
        (lhs.group, lhs.edgeNode) < (rhs.group, rhs.edgeNode)
    }
}
