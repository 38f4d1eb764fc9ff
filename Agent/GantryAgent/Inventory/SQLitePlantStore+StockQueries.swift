import Foundation
import GantryCore
import GRDB

/// What is in stock where, the move ledger, counts and genealogy, read from a snapshot of the store.
extension SQLitePlantStore {
    public func locations() async throws -> [LocationDefined] {
        try await pool.read { db in
            try LocationRecord.fetchAll(db, sql: "SELECT * FROM locations ORDER BY code").map(\.defined)
        }
    }

    public func stock(item: String?, location: String?, lot: String?) async throws -> [StockRow] {
        let at = now()
        return try await pool.read { db in
            let today = try Self.plantDay(at, in: db)
            return try StockPlaceRecord.fetchAll(db, sql: """
                SELECT \(StockPlaceRecord.selection)
                FROM stock s JOIN locations loc ON loc.code = s.location LEFT JOIN lots l ON l.item = s.item AND l.lot = s.lot
                WHERE (?1 IS NULL OR s.item = ?1) AND (?2 IS NULL OR s.location = ?2) AND (?3 IS NULL OR s.lot = ?3)
                ORDER BY s.item, s.location, s.lot, s.serial
                """, arguments: [item, location, lot]).map { row in
                let type = row.locationType
                let quantity = Quantity(micro: row.quantity), reserved = Quantity(micro: row.reserved)
                let expired = row.expiry.map { $0 < today } ?? false
                return StockRow(
                    item: row.item, location: row.location, locationType: type, lot: row.lot.nilIfEmpty, serial: row.serial.nilIfEmpty,
                    expiry: row.expiry, quantity: quantity, reserved: reserved,
                    available: type.isAvailable && !row.held && !expired ? max(.zero, quantity - reserved) : .zero,
                    quarantined: row.held || type == .quarantine, expired: expired)
            }
        }
    }

    /// The genealogy of a unit: what went into it (`backward`) or what it went into (`forward`), every level.
    public func genealogy(of unit: StockUnit, forward: Bool) async throws -> [GenealogyLink] {
        try await pool.read { db in
            var links: [GenealogyLink] = []
            var frontier = [unit], seen: Set<StockUnit> = [unit], depth = 0
            let sql = forward
                ? "SELECT * FROM genealogy WHERE input_item = ? AND input_lot = ? AND (? = '' OR input_serial = ?) ORDER BY seq"
                : "SELECT * FROM genealogy WHERE output_item = ? AND output_lot = ? AND (? = '' OR output_serial = ?) ORDER BY seq"
            while !frontier.isEmpty, depth < 50 {
                depth += 1
                var next: [StockUnit] = []
                for current in frontier {
                    for row in try GenealogyRecord.fetchAll(db, sql: sql, arguments: [current.item, current.lot ?? "", current.serial ?? "", current.serial ?? ""]) {
                        links.append(GenealogyLink(workOrder: row.workOrder, output: row.output, input: row.input, quantity: Quantity(micro: row.quantity), depth: depth))
                        let onward = forward ? row.output : row.input
                        if seen.insert(onward).inserted { next.append(onward) }
                    }
                }
                frontier = next
            }
            return links
        }
    }

    /// The move ledger after `after` (a move's event sequence), oldest first, optionally of one item and lot.
    public func moves(item: String?, lot: String?, after: Int64, limit: Int) async throws -> [LedgerMove] {
        try await pool.read { db in
            try StockMoveRecord.fetchAll(db, sql: """
                SELECT * FROM stock_moves WHERE seq > ?1 AND (?2 IS NULL OR item = ?2) AND (?3 IS NULL OR lot = ?3) ORDER BY seq LIMIT ?4
                """, arguments: [after, item, lot, limit]).map(\.move)
        }
    }

    /// Counts, newest first, with their accuracy.
    public func counts(limit: Int) async throws -> [CountRecord] {
        try await pool.read { db in
            try StockCountRecord.fetchAll(db, sql: "SELECT * FROM stock_counts ORDER BY seq DESC LIMIT ?", arguments: [limit]).map(\.record)
        }
    }
}
