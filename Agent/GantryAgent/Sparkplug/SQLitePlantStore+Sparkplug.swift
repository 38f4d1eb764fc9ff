import Foundation
import GantryCore
import GRDB

/// What the inbox projection asks of the Sparkplug host application around its transaction.
public struct SparkplugSessionHooks: Sendable {
    /// The sessions changed by the messages read since the last call, to store in the projection's transaction.
    public var changes: @Sendable () -> [SparkplugNodeID: SparkplugNodeSession]
    /// Remembers the sessions as they are and returns what puts them back. Reading a message moves its node's
    /// session; when the transaction of what was read fails, the messages are read again, and must meet the
    /// sessions they met the first time, or their counts would be lost and their deaths ignored.
    public var checkpoint: @Sendable () -> @Sendable () -> Void

    public init(
        changes: @escaping @Sendable () -> [SparkplugNodeID: SparkplugNodeSession],
        checkpoint: @escaping @Sendable () -> @Sendable () -> Void
    ) {
        self.changes = changes
        self.checkpoint = checkpoint
    }
}

extension SQLitePlantStore: SparkplugSessionStore {
    private struct NodeRow: Decodable, FetchableRecord {
        var groupID: String
        var edgeNode: String
        var session: String

        enum CodingKeys: String, CodingKey {
            case groupID = "group_id", edgeNode = "edge_node", session
        }
    }

    /// The sessions stored, by node.
    public func sparkplugNodes() async throws -> [SparkplugNodeID: SparkplugNodeSession] {
        let rows = try await pool.read { db in try NodeRow.fetchAll(db, sql: "SELECT group_id, edge_node, session FROM sparkplug_nodes") }
        var nodes: [SparkplugNodeID: SparkplugNodeSession] = [:]
        for row in rows {
            nodes[SparkplugNodeID(group: row.groupID, edgeNode: row.edgeNode)] =
                try JSONDecoder().decode(SparkplugNodeSession.self, from: Data(row.session.utf8))
        }
        return nodes
    }

    /// Stores `nodes` in the transaction of `db`.
    static func storeSparkplugNodes(_ nodes: [SparkplugNodeID: SparkplugNodeSession], at: Date, in db: Database) throws {
        guard !nodes.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let statement = try db.cachedStatement(sql: """
            INSERT INTO sparkplug_nodes (group_id, edge_node, session, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (group_id, edge_node) DO UPDATE SET session = excluded.session, updated_at = excluded.updated_at
            """)
        for (node, session) in nodes {
            let text = String(decoding: try encoder.encode(session), as: UTF8.self)
            try statement.execute(arguments: [node.group, node.edgeNode, text, Timestamp.format(at)])
        }
    }
}

/// The store of the Sparkplug host application's sessions.
public protocol SparkplugSessionStore: Sendable {
    /// The sessions stored, by node.
    func sparkplugNodes() async throws -> [SparkplugNodeID: SparkplugNodeSession]
    /// Projects the inbox like `MachineSignalStore.projectMachineInboxNow`, with a reader that may give any
    /// number of signals per message, storing the sessions the reading changed in the same transaction.
    func projectMachineInboxNow(limit: Int, reading: MachineMessagesReader, sessions: SparkplugSessionHooks?) throws -> InboxProjection
    /// The same, for callers in Swift concurrency.
    func projectMachineInbox(limit: Int, reading: @escaping MachineMessagesReader, sessions: SparkplugSessionHooks?) async throws -> InboxProjection
}
