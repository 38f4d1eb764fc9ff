import Foundation
import GantryCore
import GRDB

extension SQLitePlantStore {
    public func applyMasters(_ changes: MasterChanges, at: Date) async throws {
        let pulledAt = Timestamp.format(at)
        try await writer.write { db in
            let held = try Int64.fetchOne(db, sql: "SELECT version FROM hub_master_state WHERE id = 1") ?? 0
            guard held == changes.since else {
                throw StoreError(.conflict, "the hub's answer starts at master version \(changes.since); this plant holds \(held)")
            }
            if changes.reset {
                try db.execute(sql: "DELETE FROM hub_masters")
                try db.execute(sql: "DELETE FROM item_gtins")
            }
            for record in changes.records {
                try db.cachedStatement(sql: """
                    INSERT INTO hub_masters (kind, company, key, version, active, data, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (kind, company, key) DO UPDATE SET version = excluded.version, active = excluded.active,
                        data = excluded.data, updated_at = excluded.updated_at
                    """).execute(arguments: [
                        record.kind.rawValue, record.company ?? "", record.key, record.version, record.active,
                        record.data.canonicalText, Timestamp.format(record.updatedAt),
                    ])
                if record.kind == .item {
                    try db.execute(
                        sql: "DELETE FROM item_gtins WHERE item = ? AND company = ?", arguments: [record.key, record.company ?? ""])
                    for gtin in Set(ItemMaster(record)?.gtins ?? []) {
                        try db.execute(
                            sql: "INSERT OR REPLACE INTO item_gtins (gtin, company, item) VALUES (?, ?, ?)",
                            arguments: [gtin, record.company ?? "", record.key])
                    }
                }
            }
            for removed in changes.removed {
                if removed.kind == .item {
                    try db.execute(
                        sql: "DELETE FROM item_gtins WHERE item = ? AND company = ?", arguments: [removed.key, removed.company ?? ""])
                }
                try db.execute(
                    sql: "DELETE FROM hub_masters WHERE kind = ? AND company = ? AND key = ?",
                    arguments: [removed.kind.rawValue, removed.company ?? "", removed.key])
            }
            try db.execute(
                sql: "UPDATE hub_master_state SET version = ?, pulled_at = ? WHERE id = 1", arguments: [changes.through, pulledAt])
        }
    }

    public func masterState() async throws -> (version: Int64, pulledAt: Date?) {
        try await pool.read { db in
            let state = try MasterStateRow.fetchOne(db, sql: "SELECT version, pulled_at FROM hub_master_state WHERE id = 1")
            return (state?.version ?? 0, state?.pulledAt.flatMap(Timestamp.parse))
        }
    }

    public func masters(kind: MasterKind?, key: String?) async throws -> [MasterRecord] {
        try await pool.read { db in
            try HeldMasterRow.fetchAll(db, sql: """
                SELECT * FROM hub_masters WHERE (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR key = ?2) ORDER BY kind, company, key
                """, arguments: [kind?.rawValue, key]).compactMap { try $0.record() }
        }
    }

    /// Every record of one kind in the plant's copy, in key order.
    static func heldMasters(of kind: MasterKind, in db: Database) throws -> [MasterRecord] {
        try HeldMasterRow.fetchAll(db, sql: "SELECT * FROM hub_masters WHERE kind = ?", arguments: [kind.rawValue]).compactMap { try $0.record() }
    }

    /// A row of the plant's copy of the masters (a kind this agent does not know is skipped).
    static func heldMaster(_ row: Row) throws -> MasterRecord? {
        try HeldMasterRow(row: row).record()
    }
}

/// A row of `hub_masters`: one record of the plant's copy, its data as canonical JSON.
/// Read column by column rather than through `Decodable`: every scan, move and count line reads its item's master,
/// and decoding through a `Decoder` costs several times more per row.
struct HeldMasterRow: FetchableRecord {
    var kind: String
    /// `""` for a shared record.
    var company: String
    var key: String
    var version: Int64
    var active: Bool
    var data: String
    var updatedAt: String

    enum Columns {
        static let kind = Column("kind"), company = Column("company"), key = Column("key"), version = Column("version")
        static let active = Column("active"), data = Column("data"), updatedAt = Column("updated_at")
    }

    init(row: Row) throws {
        kind = try row.decode(forColumn: Columns.kind)
        company = try row.decode(forColumn: Columns.company)
        key = try row.decode(forColumn: Columns.key)
        version = try row.decode(forColumn: Columns.version)
        active = try row.decode(forColumn: Columns.active)
        data = try row.decode(forColumn: Columns.data)
        updatedAt = try row.decode(forColumn: Columns.updatedAt)
    }

    /// The record; nil for a kind this agent does not know.
    func record() throws -> MasterRecord? {
        guard let kind = MasterKind(rawValue: kind) else { return nil }
        return MasterRecord(
            kind: kind, company: company.isEmpty ? nil : company, key: key, active: active, plants: [], data: try JSONValue.parse(data),
            version: version, updatedAt: Timestamp.parse(updatedAt) ?? .distantPast, updatedBy: "hub")
    }
}

/// The one row of `hub_master_state`.
struct MasterStateRow: Decodable, FetchableRecord {
    var version: Int64
    var pulledAt: String?

    enum CodingKeys: String, CodingKey { case version, pulledAt = "pulled_at" }
}
