import Foundation
import GantryCore

/// The Sparkplug host application in `GET /v1/status` (`mqtt.sparkplug`): what it counted since the agent
/// started, and every edge node and device it knows with their births, deaths, gaps and rebirth requests.
public struct SparkplugStatus: Sendable, Equatable, Codable {
    /// Counted since the agent started.
    public struct Counts: Sendable, Equatable, Codable {
        /// Sparkplug messages projected: the edge nodes', and commands (NCMD, DCMD) heard on the groups' topics,
        /// the agent's own rebirth requests among them; STATE messages apart.
        public var messages = 0
        public var deadLetters = 0
        public var unmappedMetrics = 0
        public var sequenceGaps = 0
        public var rebirthsRequested = 0
    }

    public struct Node: Sendable, Equatable, Codable {
        public var group: String
        public var edgeNode: String
        public var online: Bool
        public var bdSeq: UInt64?
        public var lastBirth: Date?
        public var lastDeath: Date?
        /// Gaps and requests over the node's whole life at this agent (kept across restarts).
        public var sequenceGaps: Int
        public var rebirthsRequested: Int
        public var rebirthPending: Bool
        /// The last value of each of the node's own unmapped metrics, when `sparkplug.unmapped = keep`.
        public var unmapped: [String: String]?
        public var devices: [Device]
    }

    public struct Device: Sendable, Equatable, Codable {
        public var device: String
        public var online: Bool
        public var lastBirth: Date?
        public var lastDeath: Date?
        /// The last value of each unmapped metric, when `sparkplug.unmapped = keep`.
        public var unmapped: [String: String]?
    }

    public var hostId: String
    public var groups: [String]
    public var nodesOnline: Int
    public var devicesOnline: Int
    public var counts: Counts
    public var nodes: [Node]

    init(hostID: String, groups: [String], counts: Counts, nodes: [SparkplugNodeID: SparkplugNodeSession]) {
        hostId = hostID
        self.groups = groups
        self.counts = counts
        self.nodes = nodes.sorted { $0.key < $1.key }.map { id, session in
            Node(
                group: id.group, edgeNode: id.edgeNode, online: session.online, bdSeq: session.bdSeq, lastBirth: session.lastBirth,
                lastDeath: session.lastDeath, sequenceGaps: session.sequenceGaps, rebirthsRequested: session.rebirthsRequested,
                rebirthPending: session.pendingRebirthSince != nil, unmapped: session.facts.unmapped.isEmpty ? nil : session.facts.unmapped,
                devices: session.devices.sorted { $0.key < $1.key }.map { name, device in
                    Device(device: name, online: device.online, lastBirth: device.lastBirth, lastDeath: device.lastDeath,
                           unmapped: device.facts.unmapped.isEmpty ? nil : device.facts.unmapped)
                })
        }
        nodesOnline = self.nodes.count { $0.online }
        devicesOnline = self.nodes.reduce(0) { $0 + $1.devices.count { $0.online } }
    }
}
