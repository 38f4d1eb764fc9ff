import Foundation
import GantryCore
import GRDB

/// Plant inventory: locations, stock per item, location, lot and serial, the immutable move ledger,
/// reservations, counts and genealogy. Every intent is one transaction that changes stock and appends the
/// events describing the change; a request id makes a retried scan return its first answer.
extension SQLitePlantStore {
    // MARK: Locations and purchase orders

    public func defineLocation(_ location: LocationDefined) async throws {
        let at = now()
        try await writer.write { db in
            let code = location.code
            guard Self.isCode(code) else { throw InventoryRefusal(.invalid, "a location code is 1 to 64 letters, digits, '-', '_' or '.'", field: "code") }
            if !location.active, try Int64.fetchOne(db, sql: "SELECT count(*) FROM stock WHERE location = ?", arguments: [code]) ?? 0 > 0 {
                throw InventoryRefusal(.locationNotUsable, "location \(code) still holds stock; move it out before retiring the location")
            }
            try db.execute(sql: """
                INSERT INTO locations (code, type, warehouse, zone, bin, active) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (code) DO UPDATE SET type = excluded.type, warehouse = excluded.warehouse, zone = excluded.zone,
                    bin = excluded.bin, active = excluded.active
                """, arguments: [code, location.type.rawValue, location.warehouse, location.zone, location.bin, location.active])
            _ = try Self.append(location, occurredAt: at, recordedAt: at, in: db)
        }
    }

    public func locations() async throws -> [LocationDefined] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM locations ORDER BY code").map { row in
                LocationDefined(
                    code: row["code"], type: LocationType(rawValue: row["type"]) ?? .storage, warehouse: row["warehouse"],
                    zone: row["zone"], bin: row["bin"], active: row["active"])
            }
        }
    }

    // MARK: Scan workflows

    public func receive(_ intent: ReceiptIntent) async throws -> MoveAnswer {
        let at = now()
        return try await writer.write { db in
            try Self.idempotent(intent.requestID, kind: "receipt", fingerprint: [intent.order, String(intent.line), intent.unit.fingerprint, intent.location], in: db) {
                guard let line = try Row.fetchOne(
                    db, sql: "SELECT * FROM purchase_order_lines WHERE purchase_order = ? AND line = ?", arguments: [intent.order, intent.line])
                else { throw InventoryRefusal(.unknownOrder, "no purchase order line \(intent.order)/\(intent.line) at this plant") }
                let unit = try Self.resolve(intent.unit, in: db)
                let orderedItem: String = line["item"]
                guard unit.item.key == orderedItem else {
                    throw InventoryRefusal(.wrongItem, "\(intent.order)/\(intent.line) is for \(orderedItem); this is \(unit.item.key)"
                        + (intent.unit.scanned?.gtin.map { " (GTIN \($0))" } ?? "") + ". Put it aside and check the delivery note.")
                }
                let location = try Self.location(intent.location, in: db)
                guard location.type != .scrap else {
                    throw InventoryRefusal(.locationNotUsable, "goods are not received into the scrap location \(location.code)")
                }
                if let expiry = unit.expiry, try Self.isExpired(expiry, at: at, in: db), location.type != .quarantine {
                    throw InventoryRefusal(.expired, "lot \(unit.lot ?? "-") of \(unit.item.key) expired on \(expiry): receive it into a quarantine location")
                }
                let ordered = Quantity(micro: line["ordered"]), received = Quantity(micro: line["received"])
                let tolerance = Quantity(text: line["tolerance_percent"]) ?? .zero
                let limit = Quantity(decimal: ordered.decimal * (1 + tolerance.decimal / 100)) ?? ordered
                guard received + unit.quantity <= limit else {
                    throw InventoryRefusal(.overReceipt, """
                        over-receipt on \(intent.order)/\(intent.line): ordered \(ordered), received \(received), this \(unit.quantity) \
                        would make \(received + unit.quantity), more than the \(tolerance)% tolerance allows (\(limit)). Receive at most \
                        \(max(.zero, limit - received)).
                        """)
                }
                try db.execute(
                    sql: "UPDATE purchase_order_lines SET received = received + ? WHERE purchase_order = ? AND line = ?",
                    arguments: [unit.quantity.micro, intent.order, intent.line])
                var answer = try Self.move(
                    .receipt, unit, from: nil, to: location.code, reference: MoveReference(kind: .purchaseOrderLine, id: "\(intent.order)/\(intent.line)"),
                    scan: intent.unit.scan, reason: nil, requestID: intent.requestID, at: at, in: db)
                answer.purchaseOrder = .init(order: intent.order, line: intent.line, received: received + unit.quantity, ordered: ordered)
                answer.message = "Received \(unit.quantity) \(unit.item.uom) of \(unit.description) into \(location.code) — "
                    + "\(intent.order)/\(intent.line): \(received + unit.quantity) of \(ordered) received."
                return answer
            }
        }
    }

    public func move(_ intent: MoveIntent) async throws -> MoveAnswer {
        let at = now()
        return try await writer.write { db in
            try Self.idempotent(intent.requestID, kind: "move", fingerprint: [intent.unit.fingerprint, intent.from, intent.to], in: db) {
                let unit = try Self.resolve(intent.unit, in: db)
                let from = try Self.location(intent.from, in: db), to = try Self.location(intent.to, in: db)
                guard from.code != to.code else { throw InventoryRefusal(.invalid, "from and to are the same location") }
                try Self.requireFree(unit, at: from.code, for: nil, in: db)
                var answer = try Self.move(.move, unit, from: from.code, to: to.code, reference: nil, scan: intent.unit.scan, reason: nil,
                                           requestID: intent.requestID, at: at, in: db)
                answer.message = "Moved \(unit.quantity) \(unit.item.uom) of \(unit.description) from \(from.code) to \(to.code)."
                return answer
            }
        }
    }

    public func issue(_ intent: IssueIntent, allowExpired: Bool) async throws -> MoveAnswer {
        // An issue to one of this plant's work orders keeps the order's rules (released, within its reservation).
        if try await isWorkOrder(intent.workOrder) {
            return try await consume(intent, override: nil, permittedRoles: [], allowExpired: allowExpired)
        }
        let at = now()
        return try await writer.write { db in
            try Self.idempotent(intent.requestID, kind: "issue", fingerprint: [intent.workOrder, intent.unit.fingerprint, intent.from], in: db) {
                try Self.issue(intent, allowExpired: allowExpired, at: at, in: db)
            }
        }
    }

    public func recordOutput(_ intent: OutputIntent) async throws -> MoveAnswer {
        if try await isWorkOrder(intent.workOrder) { return try await reportOutput(intent) }
        let at = now()
        return try await writer.write { db in
            try Self.idempotent(intent.requestID, kind: "output", fingerprint: [intent.workOrder, intent.unit.fingerprint, intent.to], in: db) {
                try Self.output(intent, at: at, in: db)
            }
        }
    }

    /// Whether `id` names one of this plant's work orders (issues and outputs to it keep its rules).
    func isWorkOrder(_ id: String) async throws -> Bool {
        try await pool.read { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM work_orders WHERE work_order = ?", arguments: [id]) == true }
    }

    // MARK: Reservations

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
            try Row.fetchAll(db, sql: """
                SELECT * FROM reservations WHERE (?1 IS NULL OR work_order = ?1) ORDER BY work_order, item, location, lot, serial
                """, arguments: [workOrder]).map { row in
                let lot: String = row["lot"], serial: String = row["serial"]
                return StockReserved.Reservation(
                    reservationId: UUID(uuidString: row["reservation_id"])!, item: row["item"], location: row["location"],
                    lot: lot.isEmpty ? nil : lot, serial: serial.isEmpty ? nil : serial, quantity: Quantity(micro: row["quantity"]))
            }
        }
    }

    // MARK: Counts and lots

    /// Compares what was counted at a location with the books at that moment, posts every variance as an
    /// adjustment, and shrinks reservations that now hold more than is there.
    public func count(_ intent: CountIntent) async throws -> CountAnswer {
        let at = now()
        return try await writer.write { db in
            try Self.idempotent(intent.requestID, kind: "count", fingerprint: [intent.location, String(intent.complete)] + intent.lines.map(\.fingerprint), in: db) {
                let location = try Self.location(intent.location, in: db)
                var counted: [StockKey: (unit: ResolvedUnit, quantity: Quantity)] = [:]
                for (index, spec) in intent.lines.enumerated() {
                    var resolved: ResolvedUnit
                    do { resolved = try Self.resolve(spec, in: db, quantityRequired: false) } catch let refusal as InventoryRefusal {
                        throw InventoryRefusal(refusal.code, "line \(index + 1): \(refusal.detail)", field: "lines[\(index)]")
                    }
                    guard let quantity = spec.quantity.flatMap({ resolved.item.baseQuantity($0, unit: spec.uom) }) ?? (spec.serial != nil || spec.scanned?.serial != nil ? Quantity(1) : nil) else {
                        throw InventoryRefusal(.quantityRequired, "line \(index + 1): the counted quantity is required", field: "lines[\(index)]")
                    }
                    guard quantity >= .zero else { throw InventoryRefusal(.invalid, "line \(index + 1): a count is never negative", field: "lines[\(index)]") }
                    if resolved.item.tracking == .serial, quantity > Quantity(1) {
                        throw InventoryRefusal(.serialQuantity, "line \(index + 1): a serial is counted as 0 or 1, not \(quantity)", field: "lines[\(index)]")
                    }
                    if resolved.item.uom == "EA", !quantity.isWhole {
                        throw InventoryRefusal(.invalid, "line \(index + 1): \(resolved.item.key) is counted in whole EA, not \(quantity)", field: "lines[\(index)]")
                    }
                    resolved.quantity = quantity
                    let key = StockKey(resolved)
                    guard counted[key] == nil else {
                        throw InventoryRefusal(.invalid, "line \(index + 1): \(resolved.description) is counted twice", field: "lines[\(index)]")
                    }
                    counted[key] = (resolved, quantity)
                }
                var books: [StockKey: Quantity] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT item, lot, serial, quantity FROM stock WHERE location = ?", arguments: [location.code]) {
                    books[StockKey(item: row["item"], lot: row["lot"], serial: row["serial"])] = Quantity(micro: row["quantity"])
                }
                var lines: [CountLine] = []
                var variances: [(key: StockKey, variance: Quantity)] = []
                let keys = intent.complete ? Set(counted.keys).union(books.keys) : Set(counted.keys)
                for key in keys.sorted() {
                    let expected = books[key] ?? .zero, found = counted[key]?.quantity ?? .zero
                    lines.append(CountLine(item: key.item, lot: key.lot.nilIfEmpty, serial: key.serial.nilIfEmpty, expected: expected, counted: found))
                    if found != expected { variances.append((key, found - expected)) }
                }
                let exact = lines.count(where: { $0.variance == .zero })
                let countID = UUID()
                let event = try Self.append(
                    StockCounted(countId: countID, location: location.code, lines: lines, exactLines: exact), occurredAt: at, recordedAt: at, in: db)
                var shortened: [String: Quantity] = [:]
                for (key, variance) in variances {
                    let unit = try counted[key]?.unit ?? Self.resolve(UnitSpec(item: key.item, lot: key.lot.nilIfEmpty, serial: key.serial.nilIfEmpty), in: db, quantityRequired: false)
                    var adjustment = unit
                    adjustment.quantity = Quantity(micro: abs(variance.micro))
                    _ = try Self.move(
                        .adjustment, adjustment, from: variance < .zero ? location.code : nil, to: variance > .zero ? location.code : nil,
                        reference: MoveReference(kind: .count, id: countID.uuidString), scan: nil, reason: "cycle count", requestID: nil, at: at, in: db)
                    for (order, quantity) in try Self.trimReservations(key, at: location.code, in: db, at: at) { shortened[order, default: .zero] += quantity }
                }
                try db.execute(
                    sql: "INSERT INTO stock_counts (count_id, location, at, lines, exact_lines, seq) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [countID.uuidString, location.code, Timestamp.format(at), lines.count, exact, event.sequence])
                let accuracy = lines.isEmpty ? 1 : Double(exact) / Double(lines.count)
                return CountAnswer(
                    requestId: intent.requestID, countId: countID, location: location.code, lines: lines, exactLines: exact, accuracy: accuracy,
                    shortenedReservations: shortened,
                    message: "Counted \(lines.count) line(s) at \(location.code): \(exact) exact, \(variances.count) adjusted"
                        + (shortened.isEmpty ? "." : "; reservations shortened for \(shortened.keys.sorted().joined(separator: ", "))."),
                    duplicate: false)
            }
        }
    }

    public func setLotStatus(item: String, lot: String, status: LotStatusChanged.Status, reason: String) async throws {
        let at = now()
        try await writer.write { db in
            guard try Self.item(item, in: db) != nil else { throw InventoryRefusal(.unknownItem, "no item \(item) in this plant's masters") }
            let value = status == .quarantined ? "quarantined" : "available"
            try db.execute(sql: """
                INSERT INTO lots (item, lot, status) VALUES (?, ?, ?) ON CONFLICT (item, lot) DO UPDATE SET status = excluded.status
                """, arguments: [item, lot, value])
            if status == .quarantined {
                try Self.releaseReservations(item: item, lot: lot, reason: "lot \(lot) of \(item) quarantined", at: at, in: db)
            }
            _ = try Self.append(LotStatusChanged(item: item, lot: lot, status: status, reason: reason), occurredAt: at, recordedAt: at, in: db)
        }
    }

    // MARK: Queries

    public func stock(item: String?, location: String?, lot: String?) async throws -> [StockRow] {
        let at = now()
        return try await pool.read { db in
            let today = try Self.plantDay(at, in: db)
            return try Row.fetchAll(db, sql: """
                SELECT s.*, loc.type, l.expiry, coalesce(l.status, 'available') AS status,
                    (SELECT coalesce(sum(r.quantity), 0) FROM reservations r
                      WHERE r.item = s.item AND r.location = s.location AND r.lot = s.lot AND r.serial = s.serial) AS reserved
                FROM stock s JOIN locations loc ON loc.code = s.location LEFT JOIN lots l ON l.item = s.item AND l.lot = s.lot
                WHERE (?1 IS NULL OR s.item = ?1) AND (?2 IS NULL OR s.location = ?2) AND (?3 IS NULL OR s.lot = ?3)
                ORDER BY s.item, s.location, s.lot, s.serial
                """, arguments: [item, location, lot]).map { row in
                let type = LocationType(rawValue: row["type"]) ?? .storage
                let quantity = Quantity(micro: row["quantity"]), reserved = Quantity(micro: row["reserved"])
                let expiry: String? = row["expiry"], quarantined = (row["status"] as String) == "quarantined"
                let expired = expiry.map { $0 < today } ?? false
                let lot: String = row["lot"], serial: String = row["serial"]
                return StockRow(
                    item: row["item"], location: row["location"], locationType: type, lot: lot.nilIfEmpty, serial: serial.nilIfEmpty,
                    expiry: expiry, quantity: quantity, reserved: reserved,
                    available: type.isAvailable && !quarantined && !expired ? max(.zero, quantity - reserved) : .zero,
                    quarantined: quarantined || type == .quarantine, expired: expired)
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
                    for row in try Row.fetchAll(db, sql: sql, arguments: [current.item, current.lot ?? "", current.serial ?? "", current.serial ?? ""]) {
                        let output = StockUnit(stored: row["output_item"], lot: row["output_lot"], serial: row["output_serial"])
                        let input = StockUnit(stored: row["input_item"], lot: row["input_lot"], serial: row["input_serial"])
                        links.append(GenealogyLink(workOrder: row["work_order"], output: output, input: input, quantity: Quantity(micro: row["quantity"]), depth: depth))
                        let onward = forward ? output : input
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
            try Row.fetchAll(db, sql: """
                SELECT * FROM stock_moves WHERE seq > ?1 AND (?2 IS NULL OR item = ?2) AND (?3 IS NULL OR lot = ?3) ORDER BY seq LIMIT ?4
                """, arguments: [after, item, lot, limit]).map { row in
                let lot: String = row["lot"], serial: String = row["serial"]
                let referenceKind = (row["reference_kind"] as String?).flatMap(MoveReference.Kind.init(rawValue:))
                return LedgerMove(
                    sequence: row["seq"], moveId: UUID(uuidString: row["move_id"])!, at: Timestamp.parse(row["at"]) ?? .distantPast,
                    kind: MoveKind(rawValue: row["kind"]) ?? .move, item: row["item"], lot: lot.nilIfEmpty, serial: serial.nilIfEmpty,
                    quantity: Quantity(micro: row["quantity"]), from: row["from_location"], to: row["to_location"],
                    reference: referenceKind.map { MoveReference(kind: $0, id: row["reference_id"]) }, reason: row["reason"])
            }
        }
    }

    /// Counts, newest first, with their accuracy.
    public func counts(limit: Int) async throws -> [CountRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM stock_counts ORDER BY seq DESC LIMIT ?", arguments: [limit]).map { row in
                let lines: Int = row["lines"], exact: Int = row["exact_lines"]
                return CountRecord(
                    countId: UUID(uuidString: row["count_id"])!, location: row["location"], at: Timestamp.parse(row["at"]) ?? .distantPast,
                    lines: lines, exactLines: exact, accuracy: lines == 0 ? 1 : Double(exact) / Double(lines))
            }
        }
    }
}

extension SQLitePlantStore {
    /// Reserves `lines` for `workOrder` first expiring first inside the caller's transaction. Without `allowShort`
    /// a line that cannot be covered refuses all; with it, what can be covered is reserved and the rest reported.
    static func reserve(
        workOrder: String, lines: [ReservationLine], allowShort: Bool, at: Date, in db: Database
    ) throws -> (reservations: [StockReserved.Reservation], shortages: [Shortage]) {
        guard !workOrder.isEmpty else { throw InventoryRefusal(.invalid, "a work order is required", field: "workOrder") }
        var taken: [String: Int64] = [:]   // stock row key → micro-units reserved by this request
        var reservations: [StockReserved.Reservation] = []
        var shortages: [Shortage] = []
        let candidates = try db.cachedStatement(sql: """
            SELECT s.location, s.lot, s.serial, s.quantity, loc.type, l.expiry, coalesce(l.status, 'available') AS status,
                (SELECT coalesce(sum(r.quantity), 0) FROM reservations r
                  WHERE r.item = s.item AND r.location = s.location AND r.lot = s.lot AND r.serial = s.serial) AS reserved
            FROM stock s JOIN locations loc ON loc.code = s.location
            LEFT JOIN lots l ON l.item = s.item AND l.lot = s.lot
            WHERE s.item = ?
            ORDER BY l.expiry IS NULL, l.expiry, s.lot, s.location, s.serial
            """)
        let today = try Self.plantDay(at, in: db)
        let known = try db.cachedStatement(sql: "SELECT 1 FROM hub_masters INDEXED BY hub_masters_kind_key WHERE kind = 'item' AND key = ?")
        for (index, line) in lines.enumerated() {
            guard line.quantity.isPositive else { throw InventoryRefusal(.invalid, "line \(index + 1): the quantity must be positive", field: "lines") }
            guard try Bool.fetchOne(known, arguments: [line.item]) == true else {
                throw InventoryRefusal(.unknownItem, "line \(index + 1): no item \(line.item) in this plant's masters", field: "lines")
            }
            var needed = line.quantity.micro, onHand: Int64 = 0, elsewhere: Int64 = 0
            for row in try Row.fetchAll(candidates, arguments: [line.item]) {
                let location: String = row["location"], lot: String = row["lot"], serial: String = row["serial"]
                if let wanted = line.location, wanted != location { continue }
                if let wanted = line.lot, wanted != lot { continue }
                // The rule readiness nets by too (`UsableStock`), so the two never disagree on what counts.
                guard UsableStock.isUsable(
                    locationType: LocationType(rawValue: row["type"]) ?? .storage, held: (row["status"] as String) == "quarantined",
                    expiry: row["expiry"], today: today) else { continue }
                let key = "\(line.item)\u{1F}\(location)\u{1F}\(lot)\u{1F}\(serial)"
                let quantity: Int64 = row["quantity"], reserved: Int64 = row["reserved"] + taken[key, default: 0]
                onHand += quantity
                elsewhere += min(quantity, reserved)
                let free = quantity - reserved
                guard needed > 0, free > 0 else { continue }
                let take = min(free, needed)
                needed -= take
                taken[key, default: 0] += take
                reservations.append(.init(
                    reservationId: UUID(), item: line.item, location: location, lot: lot.isEmpty ? nil : lot,
                    serial: serial.isEmpty ? nil : serial, quantity: Quantity(micro: take)))
            }
            if needed > 0 {
                shortages.append(Shortage(
                    item: line.item, needed: line.quantity, onHand: Quantity(micro: onHand), reservedElsewhere: Quantity(micro: elsewhere),
                    short: Quantity(micro: needed)))
            }
        }
        guard shortages.isEmpty || allowShort else {
            let named = shortages.prefix(10).map { "\($0.item) short \($0.short) of \($0.needed)" }.joined(separator: "; ")
            throw InventoryRefusal(
                .shortage, "nothing reserved for \(workOrder): \(named)" + (shortages.count > 10 ? "; and \(shortages.count - 10) more lines" : ""),
                shortages: shortages)
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
        return (reservations, shortages)
    }

    /// Issues to a work order inside the caller's transaction (see `issue(_:allowExpired:)`).
    static func issue(_ intent: IssueIntent, allowExpired: Bool, at: Date, in db: Database) throws -> MoveAnswer {
        let unit = try Self.resolve(intent.unit, in: db)
        let from = try Self.location(intent.from, in: db)
        guard from.type.isAvailable else {
            throw InventoryRefusal(.quarantined, "\(from.code) is a \(from.type.rawValue) location: nothing there may be issued")
        }
        if let lot = unit.lot, try Self.lotStatus(unit.item.key, lot, in: db) == "quarantined" {
            throw InventoryRefusal(.quarantined, "lot \(lot) of \(unit.item.key) is quarantined: it may not be issued")
        }
        if !allowExpired, let lot = unit.lot, let expiry = try Self.lotExpiry(unit.item.key, lot, in: db), try Self.isExpired(expiry, at: at, in: db) {
            throw InventoryRefusal(.expired, "lot \(lot) of \(unit.item.key) expired on \(expiry): it is blocked from issue")
        }
        try Self.requireFree(unit, at: from.code, for: intent.workOrder, in: db)
        try Self.consumeReservations(of: intent.workOrder, unit, at: from.code, quantity: unit.quantity, in: db)
        var answer = try Self.move(.issue, unit, from: from.code, to: nil, reference: MoveReference(kind: .workOrder, id: intent.workOrder),
                                   scan: intent.unit.scan, reason: nil, requestID: intent.requestID, at: at, in: db)
        answer.message = "Issued \(unit.quantity) \(unit.item.uom) of \(unit.description) from \(from.code) to work order \(intent.workOrder)."
        return answer
    }

    /// Records a work order's output and its genealogy inside the caller's transaction.
    static func output(_ intent: OutputIntent, at: Date, in db: Database) throws -> MoveAnswer {
        let unit = try Self.resolve(intent.unit, in: db)
        let to = try Self.location(intent.to, in: db)
        var answer = try Self.move(.output, unit, from: nil, to: to.code, reference: MoveReference(kind: .workOrder, id: intent.workOrder),
                                   scan: intent.unit.scan, reason: nil, requestID: intent.requestID, at: at, in: db)
        let inputs = try Row.fetchAll(db, sql: """
            SELECT item, lot, serial, sum(quantity) AS quantity FROM stock_moves
            WHERE kind = 'issue' AND reference_kind = 'work-order' AND reference_id = ? GROUP BY item, lot, serial ORDER BY item, lot, serial
            """, arguments: [intent.workOrder]).map { row in
            LotsLinked.Input(unit: StockUnit(stored: row["item"], lot: row["lot"], serial: row["serial"]), quantity: Quantity(micro: row["quantity"]))
        }
        let output = StockUnit(item: unit.item.key, lot: unit.lot, serial: unit.serial)
        let linked = LotsLinked(workOrder: intent.workOrder, output: output, inputs: inputs)
        let event = try Self.append(linked, occurredAt: at, recordedAt: at, in: db)
        for input in inputs {
            try db.cachedStatement(sql: """
                INSERT INTO genealogy (work_order, output_item, output_lot, output_serial, input_item, input_lot, input_serial, quantity, seq)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    intent.workOrder, output.item, output.lot ?? "", output.serial ?? "", input.unit.item, input.unit.lot ?? "",
                    input.unit.serial ?? "", input.quantity.micro, event.sequence,
                ])
        }
        answer.message = "Recorded \(unit.quantity) \(unit.item.uom) of \(unit.description) from work order \(intent.workOrder) into \(to.code)"
            + (inputs.isEmpty ? "; nothing was issued to the order, so it has no inputs." : ", made from \(inputs.count) input lot(s).")
        return answer
    }
}

// MARK: - Inside the transaction

/// A request's unit with its item master, in base units.
struct ResolvedUnit: Sendable, CustomStringConvertible {
    var item: ItemMaster
    var lot: String?
    var serial: String?
    var expiry: String?
    var quantity: Quantity
    /// What the scanned label says of the lot beside its expiry (AI 15, AI 11).
    var bestBefore: String? = nil
    var produced: String? = nil

    var description: String { StockUnit(item: item.key, lot: lot, serial: serial).description }
    var labelDates: LotLabel.Dates { LotLabel.Dates(expiry: expiry, bestBefore: bestBefore, produced: produced) }
}

/// Item, lot and serial as stored ('' for none), ordered for stable output.
struct StockKey: Hashable, Comparable {
    var item: String
    var lot: String
    var serial: String

    init(item: String, lot: String, serial: String) {
        self.item = item
        self.lot = lot
        self.serial = serial
    }

    init(_ unit: ResolvedUnit) {
        self.init(item: unit.item.key, lot: unit.lot ?? "", serial: unit.serial ?? "")
    }

    static func < (lhs: StockKey, rhs: StockKey) -> Bool { (lhs.item, lhs.lot, lhs.serial) < (rhs.item, rhs.lot, rhs.serial) }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

extension SQLitePlantStore {
    static func isCode(_ text: String) -> Bool { PlantIdentity.isLocalCode(text) }

    /// A master record of this plant's copy; a company's own record wins over a shared one with the same key.
    static func master(_ kind: MasterKind, _ key: String, in db: Database) throws -> MasterRecord? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT * FROM hub_masters INDEXED BY hub_masters_kind_key WHERE kind = ? AND key = ? ORDER BY company = '' LIMIT 1
            """), arguments: [kind.rawValue, key]).flatMap(heldMaster)
    }

    static func item(_ key: String, in db: Database) throws -> ItemMaster? {
        try master(.item, key, in: db).flatMap(ItemMaster.init)
    }

    /// The request's item (from its scan's GTIN or its name), lot, serial, expiry and quantity in base units,
    /// checked against the item's tracking.
    static func resolve(_ spec: UnitSpec, in db: Database, quantityRequired: Bool = true) throws -> ResolvedUnit {
        var key = spec.item
        if let gtin = spec.scanned?.gtin {
            let normalised = ItemMaster.normalised(gtin: gtin)
            guard let found = try String.fetchOne(db.cachedStatement(sql: """
                SELECT item FROM item_gtins WHERE gtin = ? ORDER BY company = '' LIMIT 1
                """), arguments: [normalised]) else {
                throw InventoryRefusal(.unknownItem, "GTIN \(gtin) belongs to no item in this plant's masters", field: "scan")
            }
            if let named = spec.item, named != found {
                throw InventoryRefusal(.wrongItem, "the scan is GTIN \(gtin) of \(found), the request names \(named)", field: "item")
            }
            key = found
        }
        guard let key else { throw InventoryRefusal(.unknownItem, "scan a barcode with a GTIN or name the item", field: "item") }
        guard let item = try Self.item(key, in: db) else {
            throw InventoryRefusal(.unknownItem, "no item \(key) in this plant's masters", field: "item")
        }
        guard item.active else { throw InventoryRefusal(.unknownItem, "item \(key) is retired", field: "item") }
        var lot = spec.scanned?.lot ?? spec.lot, serial = spec.scanned?.serial ?? spec.serial
        let expiry = spec.scanned?.expiry ?? spec.expiry
        if let named = spec.lot, let scanned = spec.scanned?.lot, named != scanned {
            throw InventoryRefusal(.invalid, "the scan says lot \(scanned), the request \(named)", field: "lot")
        }
        if let named = spec.serial, let scanned = spec.scanned?.serial, named != scanned {
            throw InventoryRefusal(.invalid, "the scan says serial \(scanned), the request \(named)", field: "serial")
        }
        if let named = spec.expiry, let scanned = spec.scanned?.expiry, named != scanned {
            throw InventoryRefusal(.invalid, "the scan says expiry \(scanned), the request \(named)", field: "expiry")
        }
        switch item.tracking {
        case .none:
            lot = nil
            serial = nil
        case .lot:
            guard let value = lot, !value.isEmpty else {
                throw InventoryRefusal(.lotRequired, "\(key) is lot-tracked: scan the label with the lot (AI 10) or give the lot", field: "lot")
            }
            serial = nil
        case .serial:
            guard let value = serial, !value.isEmpty else {
                throw InventoryRefusal(.serialRequired, "\(key) is serial-tracked: scan the label with the serial (AI 21) or give the serial", field: "serial")
            }
        }
        var quantity = Quantity.zero
        if let given = spec.quantity {
            guard let base = item.baseQuantity(given, unit: spec.uom) else {
                throw InventoryRefusal(.unknownUnit, "\(key) has no conversion from \(spec.uom ?? "-") to \(item.uom)", field: "uom")
            }
            quantity = base
        } else if let scanned = spec.scanned?.quantity {
            quantity = scanned
        } else if item.tracking == .serial {
            quantity = Quantity(1)
        } else if quantityRequired {
            throw InventoryRefusal(.quantityRequired, "how many? give the quantity (the scan carries no count)", field: "quantity")
        }
        if quantityRequired {
            guard quantity.isPositive else { throw InventoryRefusal(.invalid, "the quantity must be positive", field: "quantity") }
            if item.tracking == .serial, quantity != Quantity(1) {
                throw InventoryRefusal(.serialQuantity, "\(key) is serial-tracked: one serial is one unit, not \(quantity)", field: "quantity")
            }
            if item.uom == "EA" || item.tracking == .serial, !quantity.isWhole {
                throw InventoryRefusal(.invalid, "\(key) is counted in whole \(item.uom), not \(quantity)", field: "quantity")
            }
        }
        return ResolvedUnit(
            item: item, lot: lot, serial: serial, expiry: expiry, quantity: quantity, bestBefore: spec.scanned?.bestBefore,
            produced: spec.scanned?.productionDate)
    }

    static func location(_ code: String, in db: Database) throws -> LocationDefined {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM locations WHERE code = ?"), arguments: [code]) else {
            throw InventoryRefusal(.unknownLocation, "no location \(code) at this plant", field: "location")
        }
        guard row["active"] as Bool else { throw InventoryRefusal(.locationNotUsable, "location \(code) is retired", field: "location") }
        return LocationDefined(
            code: row["code"], type: LocationType(rawValue: row["type"]) ?? .storage, warehouse: row["warehouse"], zone: row["zone"],
            bin: row["bin"], active: true)
    }

    static func stockRow(_ unit: ResolvedUnit, at location: String, in db: Database) throws -> Quantity {
        Quantity(micro: try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT quantity FROM stock WHERE item = ? AND location = ? AND lot = ? AND serial = ?
            """), arguments: [unit.item.key, location, unit.lot ?? "", unit.serial ?? ""]) ?? 0)
    }

    /// Refuses to take more of a stock row than is there and not reserved for others (any order, when
    /// `workOrder` is nil: a move takes only unreserved stock).
    static func requireFree(_ unit: ResolvedUnit, at location: String, for workOrder: String?, in db: Database) throws {
        let row = try stockRow(unit, at: location, in: db)
        let others = try reserved(unit, at: location, excluding: workOrder, in: db)
        guard unit.quantity <= row - others else {
            if unit.quantity <= row {
                throw InventoryRefusal(.reservedElsewhere, "\(others) of the \(row) of \(unit.description) at \(location) is reserved"
                    + (workOrder == nil ? "; release it or issue it to its work order" : " for other work orders"))
            }
            throw InventoryRefusal(row == .zero ? .notInStock : .insufficientStock, "\(location) holds \(row) of \(unit.description), not \(unit.quantity)")
        }
    }

    /// What is reserved of a stock row, leaving out one work order's own reservations.
    static func reserved(_ unit: ResolvedUnit, at location: String, excluding workOrder: String?, in db: Database) throws -> Quantity {
        Quantity(micro: try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT coalesce(sum(quantity), 0) FROM reservations
            WHERE item = ? AND location = ? AND lot = ? AND serial = ? AND work_order IS NOT ?
            """), arguments: [unit.item.key, location, unit.lot ?? "", unit.serial ?? "", workOrder]) ?? 0)
    }

    static func lotStatus(_ item: String, _ lot: String, in db: Database) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT status FROM lots WHERE item = ? AND lot = ?"), arguments: [item, lot])
    }

    static func lotExpiry(_ item: String, _ lot: String, in db: Database) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT expiry FROM lots WHERE item = ? AND lot = ?"), arguments: [item, lot])
    }

    /// The lot's dates with what the unit's label adds, or a refusal when the label names other dates than the lot
    /// holds (`LotLabel`).
    static func lotDates(of unit: ResolvedUnit, in db: Database) throws -> LotLabel.Dates {
        let known = try Row.fetchOne(db.cachedStatement(sql: "SELECT expiry, best_before, produced FROM lots WHERE item = ? AND lot = ?"),
                                     arguments: [unit.item.key, unit.lot ?? ""]).map {
            LotLabel.Dates(expiry: $0["expiry"], bestBefore: $0["best_before"], produced: $0["produced"])
        }
        switch LotLabel.decide(known: known, label: unit.labelDates) {
        case .accepted(let dates):
            return dates
        case .refused(let conflicts):
            throw InventoryRefusal(
                .lotLabelConflict, "lot \(unit.lot ?? "") of \(unit.item.key): " + conflicts.map(\.description).joined(separator: "; ")
                    + ". A lot has one date of each kind: put the goods aside and check the label against the delivery note.",
                field: conflicts[0].field)
        }
    }

    /// A lot is expired from the plant's day after its expiry date on (see `plantDays(in:)`).
    static func isExpired(_ expiry: String, at date: Date, in db: Database) throws -> Bool { expiry < (try plantDay(date, in: db)) }


    /// Held stock cannot stay reserved: every reservation of the lot goes back, and the orders that held it must
    /// find other stock.
    static func releaseReservations(item: String, lot: String, reason: String, at date: Date, in db: Database) throws {
        let released = try Row.fetchAll(db, sql: "SELECT reservation_id, work_order FROM reservations WHERE item = ? AND lot = ?", arguments: [item, lot])
        try db.execute(sql: "DELETE FROM reservations WHERE item = ? AND lot = ?", arguments: [item, lot])
        for (order, rows) in Dictionary(grouping: released, by: { $0["work_order"] as String }) {
            _ = try append(ReservationsReleased(
                workOrder: order, reservationIds: rows.compactMap { UUID(uuidString: $0["reservation_id"]) }, reason: reason),
                occurredAt: date, recordedAt: date, in: db)
        }
    }

    /// A work order's issue uses up its own reservations: first on the row it takes from, then of the same item
    /// elsewhere (the demand is met, so stock held for it elsewhere goes back).
    static func consumeReservations(of workOrder: String, _ unit: ResolvedUnit, at location: String, quantity: Quantity, in db: Database) throws {
        var remaining = quantity.micro
        let rows = try Row.fetchAll(db, sql: """
            SELECT reservation_id, quantity FROM reservations WHERE work_order = ? AND item = ?
            ORDER BY (location = ? AND lot = ? AND serial = ?) DESC, created_at
            """, arguments: [workOrder, unit.item.key, location, unit.lot ?? "", unit.serial ?? ""])
        for row in rows where remaining > 0 {
            let held: Int64 = row["quantity"], take = min(held, remaining)
            remaining -= take
            if take == held {
                try db.execute(sql: "DELETE FROM reservations WHERE reservation_id = ?", arguments: [row["reservation_id"] as String])
            } else {
                try db.execute(sql: "UPDATE reservations SET quantity = quantity - ? WHERE reservation_id = ?", arguments: [take, row["reservation_id"] as String])
            }
        }
    }

    /// After stock of a row went down, reservations on it beyond what is there shrink, newest first.
    /// Returns how much each work order lost.
    static func trimReservations(_ key: StockKey, at location: String, in db: Database, at date: Date) throws -> [String: Quantity] {
        let onHand = try Int64.fetchOne(db, sql: "SELECT quantity FROM stock WHERE item = ? AND location = ? AND lot = ? AND serial = ?",
                                        arguments: [key.item, location, key.lot, key.serial]) ?? 0
        var excess = (try Int64.fetchOne(db, sql: """
            SELECT coalesce(sum(quantity), 0) FROM reservations WHERE item = ? AND location = ? AND lot = ? AND serial = ?
            """, arguments: [key.item, location, key.lot, key.serial]) ?? 0) - onHand
        guard excess > 0 else { return [:] }
        var lost: [String: Quantity] = [:]
        var released: [String: [UUID]] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT reservation_id, work_order, quantity FROM reservations WHERE item = ? AND location = ? AND lot = ? AND serial = ?
            ORDER BY created_at DESC
            """, arguments: [key.item, location, key.lot, key.serial]) where excess > 0 {
            let held: Int64 = row["quantity"], take = min(held, excess), id: String = row["reservation_id"], order: String = row["work_order"]
            excess -= take
            lost[order, default: .zero] += Quantity(micro: take)
            if take == held {
                try db.execute(sql: "DELETE FROM reservations WHERE reservation_id = ?", arguments: [id])
                released[order, default: []].append(UUID(uuidString: id)!)
            } else {
                try db.execute(sql: "UPDATE reservations SET quantity = quantity - ? WHERE reservation_id = ?", arguments: [take, id])
            }
        }
        for (order, ids) in released {
            _ = try append(ReservationsReleased(workOrder: order, reservationIds: ids, reason: "a count found less at \(location)"),
                           occurredAt: date, recordedAt: date, in: db)
        }
        return lost
    }

    /// Changes stock, writes the ledger row and appends the `StockMoved` event, all in the caller's transaction.
    static func move(
        _ kind: MoveKind, _ unit: ResolvedUnit, from: String?, to: String?, reference: MoveReference?, scan: String?, reason: String?,
        requestID: UUID?, at date: Date, in db: Database
    ) throws -> MoveAnswer {
        let lot = unit.lot ?? "", serial = unit.serial ?? "", quantity = unit.quantity
        if let from {
            let held = try stockRow(unit, at: from, in: db)
            guard held >= quantity else {
                throw InventoryRefusal(held == .zero ? .notInStock : .insufficientStock, "\(from) holds \(held) of \(unit.description), not \(quantity)")
            }
            if held == quantity {
                try db.cachedStatement(sql: "DELETE FROM stock WHERE item = ? AND location = ? AND lot = ? AND serial = ?")
                    .execute(arguments: [unit.item.key, from, lot, serial])
            } else {
                try db.cachedStatement(sql: "UPDATE stock SET quantity = quantity - ? WHERE item = ? AND location = ? AND lot = ? AND serial = ?")
                    .execute(arguments: [quantity.micro, unit.item.key, from, lot, serial])
            }
        }
        if let to {
            if !serial.isEmpty, let place = try String.fetchOne(db.cachedStatement(sql: "SELECT location FROM stock WHERE item = ? AND serial = ?"),
                                                                arguments: [unit.item.key, serial]) {
                throw InventoryRefusal(.serialInStock, "serial \(serial) of \(unit.item.key) is already in stock at \(place)", field: "serial")
            }
            try db.cachedStatement(sql: """
                INSERT INTO stock (item, location, lot, serial, quantity) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (item, location, lot, serial) DO UPDATE SET quantity = quantity + excluded.quantity
                """).execute(arguments: [unit.item.key, to, lot, serial, quantity.micro])
            if !lot.isEmpty {
                let dates = try lotDates(of: unit, in: db)
                try db.cachedStatement(sql: """
                    INSERT INTO lots (item, lot, expiry, best_before, produced, status) VALUES (?, ?, ?, ?, ?, 'available')
                    ON CONFLICT (item, lot) DO UPDATE SET expiry = excluded.expiry, best_before = excluded.best_before, produced = excluded.produced
                    """).execute(arguments: [unit.item.key, lot, dates.expiry, dates.bestBefore, dates.produced])
            }
        } else if !lot.isEmpty {
            _ = try lotDates(of: unit, in: db)
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

    /// Runs `body` once per request id: a repeat with the same content gets the stored answer marked as a
    /// duplicate; a repeat with other content is refused.
    static func idempotent<Answer: Codable & DuplicateMarking>(
        _ requestID: UUID, kind: String, fingerprint: [String], in db: Database, _ body: () throws -> Answer
    ) throws -> Answer {
        // FNV-1a over the request's fields: enough to tell a reused id with other content from a retry.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in fingerprint.joined(separator: "\u{1E}").utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let digest = String(hash, radix: 16)
        if let earlier = try Row.fetchOne(db.cachedStatement(sql: "SELECT kind, fingerprint, answer FROM inventory_requests WHERE request_id = ?"),
                                          arguments: [requestID.uuidString]) {
            guard earlier["kind"] == kind, earlier["fingerprint"] == digest else {
                throw StoreError(.idempotencyConflict, "request \(requestID) was already used for another request")
            }
            var answer = try WireFormat.sharedDecoder.decode(Answer.self, from: Data((earlier["answer"] as String).utf8))
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
