import Foundation
import GantryCore
import GRDB

/// The one way stock changes: a row of the immutable move ledger and its `StockMoved` event, in the caller's
/// transaction; and the idempotency of every inventory request.
extension SQLitePlantStore {
    /// Changes stock, writes the ledger row and appends the `StockMoved` event, all in the caller's transaction
    /// (`StockMoveDecision` refuses what may not move).
    static func move(
        _ kind: MoveKind, _ unit: ResolvedUnit, from: String?, to: String?, reference: MoveReference?, scan: String?, reason: String?,
        requestID: UUID?, at date: Date, in db: Database
    ) throws -> MoveAnswer {
        let lot = unit.lot ?? "", serial = unit.serial ?? "", quantity = unit.quantity
        var snapshot = StockMoveDecision.Snapshot()
        if let from { snapshot.held = try stockRow(unit, at: from, in: db) }
        if to != nil, !serial.isEmpty { snapshot.serialPlaces = try serialPlaces(unit.item.key, serial, in: db) }
        if !lot.isEmpty { snapshot.knownLot = try knownLot(unit.item.key, lot, in: db) }
        let decision = try StockMoveDecision.decide(unit, from: from, to: to, snapshot)
        if let from {
            if decision.emptiesSource {
                try db.cachedStatement(sql: "DELETE FROM stock WHERE item = ? AND location = ? AND lot = ? AND serial = ?")
                    .execute(arguments: [unit.item.key, from, lot, serial])
            } else {
                try db.cachedStatement(sql: "UPDATE stock SET quantity = quantity - ? WHERE item = ? AND location = ? AND lot = ? AND serial = ?")
                    .execute(arguments: [quantity.micro, unit.item.key, from, lot, serial])
            }
        }
        if let to {
            try db.cachedStatement(sql: """
                INSERT INTO stock (item, location, lot, serial, quantity) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (item, location, lot, serial) DO UPDATE SET quantity = quantity + excluded.quantity
                """).execute(arguments: [unit.item.key, to, lot, serial, quantity.micro])
            if let dates = decision.lotDates {
                try db.cachedStatement(sql: """
                    INSERT INTO lots (item, lot, expiry, best_before, produced, status) VALUES (?, ?, ?, ?, ?, 'available')
                    ON CONFLICT (item, lot) DO UPDATE SET expiry = excluded.expiry, best_before = excluded.best_before, produced = excluded.produced
                    """).execute(arguments: [unit.item.key, lot, dates.expiry, dates.bestBefore, dates.produced])
            }
        }
        let expiry = unit.lot == nil ? unit.expiry : try lotExpiry(unit.item.key, lot, in: db) ?? unit.expiry
        let moveID = UUID()
        let event = StockMoved(
            moveId: moveID, kind: kind, item: unit.item.key, lot: unit.lot, serial: unit.serial, expiry: expiry, quantity: quantity,
            uom: unit.item.uom, from: from, to: to, reference: reference, scan: scan, reason: reason)
        let appended = try append(event, occurredAt: date, recordedAt: date, in: db)
        try db.cachedStatement(sql: """
            INSERT INTO stock_moves (move_id, seq, at, kind, item, lot, serial, quantity, from_location, to_location, reference_kind, reference_id, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                moveID.uuidString, appended.sequence, Timestamp.format(date), kind.rawValue, unit.item.key, lot, serial, quantity.micro,
                from, to, reference?.kind.rawValue, reference?.id, reason,
            ])
        return MoveAnswer(
            requestId: requestID ?? moveID, moveId: moveID, sequence: appended.sequence, kind: kind, item: unit.item.key, lot: unit.lot,
            serial: unit.serial, expiry: expiry, quantity: quantity, uom: unit.item.uom, from: from, to: to, purchaseOrder: nil,
            message: "", duplicate: false)
    }

    /// Where a serial of an item is in stock now. `serial <> ''` lets SQLite use the partial index of serials; without it
    /// the lookup reads every stock row of the item (40,000 serialised cases: 40,000 rows per scan).
    static func serialPlaces(_ item: String, _ serial: String, in db: Database) throws -> [String] {
        try String.fetchAll(db.cachedStatement(sql: "SELECT location FROM stock WHERE item = ? AND serial = ? AND serial <> ''"), arguments: [item, serial])
    }

    /// Runs `body` once per request id: a repeat with the same content gets the stored answer marked as a
    /// duplicate; a repeat with other content is refused.
    static func idempotent<Answer: Codable & DuplicateMarking>(
        _ requestID: UUID, kind: String, fingerprint: [String], in db: Database, _ body: () throws -> Answer
    ) throws -> Answer {
        // FNV-1a over the request's fields: enough to tell a reused id with other content from a retry.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in fingerprint.joined(separator: "\u{1E}").utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let digest = String(hash, radix: 16)
        if let earlier = try InventoryRequestRecord.fetchOne(
            db.cachedStatement(sql: "SELECT kind, fingerprint, answer FROM inventory_requests WHERE request_id = ?"),
            arguments: [requestID.uuidString]) {
            guard earlier.kind == kind, earlier.fingerprint == digest else {
                throw StoreError(.idempotencyConflict, "request \(requestID) was already used for another request")
            }
            var answer = try WireFormat.sharedDecoder.decode(Answer.self, from: Data(earlier.answer.utf8))
            answer.duplicate = true
            return answer
        }
        let answer = try body()
        try db.cachedStatement(sql: "INSERT INTO inventory_requests (request_id, kind, fingerprint, answer) VALUES (?, ?, ?, ?)")
            .execute(arguments: [requestID.uuidString, kind, digest, String(decoding: try WireFormat.sharedEncoder.encode(answer), as: UTF8.self)])
        return answer
    }
}

/// Answers that say whether they repeat an earlier one.
protocol DuplicateMarking {
    var duplicate: Bool { get set }
}

extension MoveAnswer: DuplicateMarking {}
extension CountAnswer: DuplicateMarking {}
extension ReservationAnswer: DuplicateMarking {}
