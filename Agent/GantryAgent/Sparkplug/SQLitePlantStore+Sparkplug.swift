import Foundation
import GantryCore
import GRDB

/// How the projection asks for the Sparkplug sessions to store in its transaction: those changed by the
/// messages it read.
public typealias SparkplugSessionChanges = @Sendable () -> [SparkplugNodeID: SparkplugNodeSession]

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
    /// number of signals per message, storing the sessions `changes` gives in the same transaction.
    func projectMachineInboxNow(limit: Int, reading: MachineMessagesReader, changes: SparkplugSessionChanges?) throws -> InboxProjection
    /// The same, for callers in Swift concurrency.
    func projectMachineInbox(limit: Int, reading: @escaping MachineMessagesReader, changes: SparkplugSessionChanges?) async throws -> InboxProjection
}
