import Foundation
import GantryCore
import GRDB

/// Cycle counts (`CountReconciliation`), lot status (`LotStatusDecision`) and locations (`LocationDecision`).
extension SQLitePlantStore {
    /// Compares what was counted at a location with the books at that moment, posts every variance as an
    /// adjustment, and shrinks reservations that now hold more than is there.
    public func count(_ intent: CountIntent) async throws -> CountAnswer {
        let at = now()
        return try await writer.write { db in
            try Self.idempotent(intent.requestID, kind: "count", fingerprint: [intent.location, String(intent.complete)] + intent.lines.map(\.fingerprint), in: db) {
                let location = try Self.location(intent.location, in: db)
                let counted = try intent.lines.map { CountReconciliation.CountedLine(unit: $0, masters: try Self.masters(of: $0, in: db)) }
                let books = try Self.books(at: location.code, in: db)
                let decision = try CountReconciliation.decide(counted, books: books, complete: intent.complete)
                let countID = UUID()
                let event = try Self.append(
                    StockCounted(countId: countID, location: location.code, lines: decision.lines, exactLines: decision.exactLines),
                    occurredAt: at, recordedAt: at, in: db)
                var shortened: [String: Quantity] = [:]
                for variance in decision.variances {
                    let key = variance.key
                    var adjustment = try variance.unit
                        ?? Self.resolve(UnitSpec(item: key.item, lot: key.lot.nilIfEmpty, serial: key.serial.nilIfEmpty), in: db, quantityRequired: false)
                    adjustment.quantity = Quantity(micro: abs(variance.variance.micro))
                    _ = try Self.move(
                        .adjustment, adjustment, from: variance.variance < .zero ? location.code : nil, to: variance.variance > .zero ? location.code : nil,
                        reference: MoveReference(kind: .count, id: countID.uuidString), scan: nil, reason: "cycle count", requestID: nil, at: at, in: db)
                    for (order, quantity) in try Self.trimReservations(key, at: location.code, in: db, at: at) { shortened[order, default: .zero] += quantity }
                }
                let lines = decision.lines, exact = decision.exactLines
                try db.execute(
                    sql: "INSERT INTO stock_counts (count_id, location, at, lines, exact_lines, seq) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [countID.uuidString, location.code, Timestamp.format(at), lines.count, exact, event.sequence])
                return CountAnswer(
                    requestId: intent.requestID, countId: countID, location: location.code, lines: lines, exactLines: exact,
                    accuracy: decision.accuracy, shortenedReservations: shortened,
                    message: "Counted \(lines.count) line(s) at \(location.code): \(exact) exact, \(decision.variances.count) adjusted"
                        + (shortened.isEmpty ? "." : "; reservations shortened for \(shortened.keys.sorted().joined(separator: ", "))."),
                    duplicate: false)
            }
        }
    }

    /// The books of a location: its stock by item, lot and serial.
    static func books(at location: String, in db: Database) throws -> [StockKey: Quantity] {
        var books: [StockKey: Quantity] = [:]
        for row in try UnitQuantityRecord.fetchAll(db, sql: "SELECT item, lot, serial, quantity FROM stock WHERE location = ?", arguments: [location]) {
            books[row.key] = Quantity(micro: row.quantity)
        }
        return books
    }

    public func setLotStatus(item: String, lot: String, status: LotStatusChanged.Status, reason: String) async throws {
        let at = now()
        try await writer.write { db in
            let decision = try LotStatusDecision.decide(item: item, itemKnown: try Self.item(item, in: db) != nil, status: status)
            try db.execute(sql: """
                INSERT INTO lots (item, lot, status) VALUES (?, ?, ?) ON CONFLICT (item, lot) DO UPDATE SET status = excluded.status
                """, arguments: [item, lot, decision.stored])
            if decision.releasesReservations {
                try Self.releaseReservations(item: item, lot: lot, reason: "lot \(lot) of \(item) quarantined", at: at, in: db)
            }
            _ = try Self.append(LotStatusChanged(item: item, lot: lot, status: status, reason: reason), occurredAt: at, recordedAt: at, in: db)
        }
    }

    public func defineLocation(_ location: LocationDefined) async throws {
        let at = now()
        try await writer.write { db in
            var holdsStock = false
            if !location.active {
                holdsStock = try Int64.fetchOne(db, sql: "SELECT count(*) FROM stock WHERE location = ?", arguments: [location.code]) ?? 0 > 0
            }
            try LocationDecision.define(location, holdsStock: holdsStock)
            try db.execute(sql: """
                INSERT INTO locations (code, type, warehouse, zone, bin, active) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (code) DO UPDATE SET type = excluded.type, warehouse = excluded.warehouse, zone = excluded.zone,
                    bin = excluded.bin, active = excluded.active
                """, arguments: [location.code, location.type.rawValue, location.warehouse, location.zone, location.bin, location.active])
            _ = try Self.append(location, occurredAt: at, recordedAt: at, in: db)
        }
    }
}
