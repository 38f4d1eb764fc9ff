import Foundation
import GantryCore
import GRDB

/// Stock reserved for work orders: first expiring first (`FEFOAllocation`), used up by issues and shrunk by counts
/// (`ReservationDecision`), given back when a lot is held or an order lets go.
extension SQLitePlantStore {
    /// Reserves every line for `workOrder`, first expiring first, or nothing: a line that cannot be covered
    /// refuses the request with each short line's figures.
    public func reserve(workOrder: String, lines: [ReservationLine], requestID: UUID) async throws -> ReservationAnswer {
        let at = now()
        return try await writer.write { db in
            try Self.idempotent(requestID, kind: "reservation", fingerprint: [workOrder] + lines.map { [$0.item, $0.quantity.description, $0.location ?? "", $0.lot ?? ""].joined(separator: "\u{1F}") }, in: db) {
                let reservations = try Self.reserve(workOrder: workOrder, lines: lines, allowShort: false, at: at, in: db).reservations
                return ReservationAnswer(
                    requestId: requestID, workOrder: workOrder, reservations: reservations,
                    message: "Reserved \(lines.count) line(s) for \(workOrder) from \(reservations.count) stock row(s).", duplicate: false)
            }
        }
    }

    /// Gives back a work order's open reservations; returns how many there were.
    public func releaseReservations(workOrder: String, reason: String) async throws -> Int {
        let at = now()
        return try await writer.write { db in
            let ids = try String.fetchAll(db, sql: "SELECT reservation_id FROM reservations WHERE work_order = ?", arguments: [workOrder])
            guard !ids.isEmpty else { return 0 }
            try db.execute(sql: "DELETE FROM reservations WHERE work_order = ?", arguments: [workOrder])
            _ = try Self.append(
                ReservationsReleased(workOrder: workOrder, reservationIds: ids.compactMap(UUID.init(uuidString:)), reason: reason),
                occurredAt: at, recordedAt: at, in: db)
            return ids.count
        }
    }

    public func reservations(workOrder: String?) async throws -> [StockReserved.Reservation] {
        try await pool.read { db in
            try ReservationRecord.fetchAll(db, sql: """
                SELECT * FROM reservations WHERE (?1 IS NULL OR work_order = ?1) ORDER BY work_order, item, location, lot, serial
                """, arguments: [workOrder]).map(\.reservation)
        }
    }

    /// Reserves `lines` for `workOrder` first expiring first inside the caller's transaction. Without `allowShort`
    /// a line that cannot be covered refuses all; with it, what can be covered is reserved and the rest reported.
    static func reserve(
        workOrder: String, lines: [ReservationLine], allowShort: Bool, at: Date, in db: Database
    ) throws -> (reservations: [StockReserved.Reservation], shortages: [Shortage]) {
        let decision = try FEFOAllocation.decide(
            workOrder: workOrder, lines: lines, allowShort: allowShort, try allocationSnapshot(workOrder: workOrder, lines: lines, at: at, in: db))
        let reservations = decision.allocations.map {
            StockReserved.Reservation(reservationId: UUID(), item: $0.item, location: $0.location, lot: $0.lot, serial: $0.serial, quantity: $0.quantity)
        }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO reservations (reservation_id, work_order, item, location, lot, serial, quantity, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let created = Timestamp.format(at)
        for reservation in reservations {
            try insert.execute(arguments: [
                reservation.reservationId.uuidString, workOrder, reservation.item, reservation.location, reservation.lot ?? "",
                reservation.serial ?? "", reservation.quantity.micro, created,
            ])
        }
        if !reservations.isEmpty {
            _ = try Self.append(StockReserved(workOrder: workOrder, reservations: reservations), occurredAt: at, recordedAt: at, in: db)
        }
        return (reservations, decision.shortages)
    }

    /// The stock of the lines' items and which of them the masters know, for `FEFOAllocation`.
    static func allocationSnapshot(workOrder: String, lines: [ReservationLine], at: Date, in db: Database) throws -> FEFOAllocation.Snapshot {
        let items = Set(lines.map(\.item))
        guard !workOrder.isEmpty, !items.isEmpty else { return FEFOAllocation.Snapshot(knownItems: [], candidates: [], today: "") }
        let candidates = try db.cachedStatement(sql: """
            SELECT \(StockPlaceRecord.selection)
            FROM stock s JOIN locations loc ON loc.code = s.location LEFT JOIN lots l ON l.item = s.item AND l.lot = s.lot
            WHERE s.item = ?
            """)
        let known = try db.cachedStatement(sql: "SELECT 1 FROM hub_masters INDEXED BY hub_masters_kind_key WHERE kind = 'item' AND key = ?")
        var knownItems: Set<String> = [], rows: [FEFOAllocation.Candidate] = []
        for item in items.sorted() {
            guard try Bool.fetchOne(known, arguments: [item]) == true else { continue }
            knownItems.insert(item)
            rows += try StockPlaceRecord.fetchAll(candidates, arguments: [item]).map(\.candidate)
        }
        return FEFOAllocation.Snapshot(knownItems: knownItems, candidates: rows, today: try plantDay(at, in: db))
    }

    /// Held stock cannot stay reserved: every reservation of the lot goes back, and the orders that held it must
    /// find other stock.
    static func releaseReservations(item: String, lot: String, reason: String, at date: Date, in db: Database) throws {
        let released = try ReservationRecord.fetchAll(db, sql: "SELECT * FROM reservations WHERE item = ? AND lot = ?", arguments: [item, lot])
        try db.execute(sql: "DELETE FROM reservations WHERE item = ? AND lot = ?", arguments: [item, lot])
        for (order, rows) in Dictionary(grouping: released, by: \.workOrder) {
            _ = try append(ReservationsReleased(
                workOrder: order, reservationIds: rows.compactMap { UUID(uuidString: $0.reservationId) }, reason: reason),
                occurredAt: date, recordedAt: date, in: db)
        }
    }

    /// A work order's issue uses up its own reservations: first on the row it takes from, then of the same item
    /// elsewhere (the demand is met, so stock held for it elsewhere goes back).
    static func consumeReservations(of workOrder: String, _ unit: ResolvedUnit, at location: String, quantity: Quantity, in db: Database) throws {
        // The row's own reservations usually cover the issue (a picked case is scanned): then nothing else is read,
        // however much the order holds elsewhere.
        var held = try ReservationRecord.fetchAll(db.cachedStatement(sql: """
            SELECT * FROM reservations WHERE item = ? AND location = ? AND lot = ? AND serial = ? AND work_order = ? ORDER BY created_at
            """), arguments: [unit.item.key, location, unit.lot ?? "", unit.serial ?? "", workOrder])
        if held.reduce(Int64(0), { $0 + $1.quantity }) < quantity.micro {
            held += try ReservationRecord.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM reservations WHERE work_order = ? AND item = ? AND NOT (location = ? AND lot = ? AND serial = ?) ORDER BY created_at
                """), arguments: [workOrder, unit.item.key, location, unit.lot ?? "", unit.serial ?? ""])
        }
        try applyReservationChanges(ReservationDecision.consume(quantity, from: held.map(\.held)), in: db)
    }

    /// After stock of a row went down, reservations on it beyond what is there shrink, newest first.
    /// Returns how much each work order lost.
    static func trimReservations(_ key: StockKey, at location: String, in db: Database, at date: Date) throws -> [String: Quantity] {
        let arguments: StatementArguments = [key.item, location, key.lot, key.serial]
        let onHand = try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT quantity FROM stock WHERE item = ? AND location = ? AND lot = ? AND serial = ?
            """), arguments: arguments) ?? 0
        // Most counted lines hold no more reservations than stock: one sum answers for them without reading any.
        let reserved = try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT coalesce(sum(quantity), 0) FROM reservations WHERE item = ? AND location = ? AND lot = ? AND serial = ?
            """), arguments: arguments) ?? 0
        guard reserved > onHand else { return [:] }
        let held = try ReservationRecord.fetchAll(db, sql: """
            SELECT * FROM reservations WHERE item = ? AND location = ? AND lot = ? AND serial = ? ORDER BY created_at DESC
            """, arguments: [key.item, location, key.lot, key.serial])
        let changes = ReservationDecision.trim(onHand: Quantity(micro: onHand), held: held.map(\.held))
        try applyReservationChanges(changes, in: db)
        var lost: [String: Quantity] = [:]
        var released: [String: [UUID]] = [:]
        for change in changes {
            lost[change.reservation.workOrder, default: .zero] += change.take
            if change.releases { released[change.reservation.workOrder, default: []].append(UUID(uuidString: change.reservation.id)!) }
        }
        for (order, ids) in released {
            _ = try append(ReservationsReleased(workOrder: order, reservationIds: ids, reason: "a count found less at \(location)"),
                           occurredAt: date, recordedAt: date, in: db)
        }
        return lost
    }

    /// Deletes the reservations a change releases and shrinks the others.
    static func applyReservationChanges(_ changes: [ReservationDecision.Change], in db: Database) throws {
        for change in changes {
            if change.releases {
                try db.execute(sql: "DELETE FROM reservations WHERE reservation_id = ?", arguments: [change.reservation.id])
            } else {
                try db.execute(sql: "UPDATE reservations SET quantity = quantity - ? WHERE reservation_id = ?",
                               arguments: [change.take.micro, change.reservation.id])
            }
        }
    }
}
