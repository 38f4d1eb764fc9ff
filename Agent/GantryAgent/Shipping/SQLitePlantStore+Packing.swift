import Foundation
import GantryCore
import GRDB

/// Logistic units: opened under the plant's next SSCC, packed by scan (`OutboundDecision.pack`), shipped with a
/// carrier (`OutboundDecision.ship`). Packed stock stands at the unit's location, held for the unit, until it ships.
extension SQLitePlantStore {
    public func openUnit(reference: String, location: String, requestID: UUID) async throws -> LogisticUnitView {
        let at = now()
        return try await writer.write { db in
            try Self.idempotent(requestID, kind: "logistic-unit", fingerprint: [reference, location], in: db) {
                let order = try Self.outboundOrder(reference, in: db)
                let prefix = try OutboundDecision.openUnit(
                    for: reference, orderStatus: order?.status, location: try Self.location(location, in: db),
                    prefix: try Self.ownPlantMaster(in: db)?.gs1CompanyPrefix)
                let serial = (try Int64.fetchOne(db, sql: "SELECT last FROM sscc_serials WHERE prefix = ?", arguments: [prefix.digits]) ?? 0) + 1
                let sscc: SSCC
                do { sscc = try SSCC(companyPrefix: prefix, serialReference: serial) } catch {
                    throw ShippingRefusal(.serialReferencesExhausted, "every serial reference under company prefix \(prefix) is used: \(error)")
                }
                try db.execute(sql: """
                    INSERT INTO sscc_serials (prefix, last) VALUES (?, ?) ON CONFLICT (prefix) DO UPDATE SET last = excluded.last
                    """, arguments: [prefix.digits, serial])
                try db.execute(sql: """
                    INSERT INTO logistic_units (sscc, reference, location, status, created_at) VALUES (?, ?, ?, 'open', ?)
                    """, arguments: [sscc.digits, reference, location, Timestamp.format(at)])
                _ = try Self.append(LogisticUnitCreated(sscc: sscc, kind: order!.outboundKind, order: reference, location: location),
                                    occurredAt: at, recordedAt: at, in: db)
                return try Self.unitView(sscc.digits, in: db)!
            }
        }
    }

    public func pack(_ intent: PackIntent) async throws -> PackAnswer {
        let at = now()
        return try await writer.write { db in
            try Self.idempotent(intent.requestID, kind: "pack", fingerprint: [intent.sscc.digits, intent.unit.fingerprint, intent.from,
                                                                             intent.line.map(String.init) ?? ""], in: db) {
                let unit = try Self.resolve(intent.unit, in: db)
                let held = try LogisticUnitRecord.fetchOne(db, sql: "SELECT * FROM logistic_units WHERE sscc = ?", arguments: [intent.sscc.digits])
                let order = try held.flatMap { try Self.outboundOrder($0.reference, in: db) }
                let from = try Self.location(intent.from, in: db)
                let holder = held.map { Self.pickHolder($0.reference) } ?? ""
                let stock = IssueDecision.Snapshot(
                    location: from, lotStatus: try unit.lot.flatMap { try Self.lotStatus(unit.item.key, $0, in: db) },
                    lotExpiry: try unit.lot.flatMap { try Self.lotExpiry(unit.item.key, $0, in: db) }, today: try Self.plantDay(at, in: db),
                    held: try Self.stockRow(unit, at: from.code, in: db),
                    reservedForOthers: try Self.reserved(unit, at: from.code, excluding: holder, in: db))
                let snapshot = OutboundDecision.PackSnapshot(
                    unit: held.map { ($0.reference, $0.status == "shipped") }, orderOpen: order.map { $0.status == "open" },
                    lines: try held.map { try Self.outboundLines($0.reference, in: db) } ?? [], stock: stock)
                let line = try OutboundDecision.pack(unit, into: intent.sscc, line: intent.line, holder: holder, snapshot)
                let reference = held!.reference, place = held!.location
                try Self.consumeReservations(of: holder, unit, at: from.code, quantity: unit.quantity, in: db)
                if from.code != place {
                    _ = try Self.move(.move, unit, from: from.code, to: place, reference: MoveReference(kind: .logisticUnit, id: intent.sscc.digits),
                                      scan: intent.unit.scan, reason: nil, requestID: nil, at: at, in: db)
                }
                try db.cachedStatement(sql: """
                    INSERT INTO reservations (reservation_id, work_order, item, location, lot, serial, quantity, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [UUID().uuidString, Self.unitHolder(intent.sscc), unit.item.key, place, unit.lot ?? "", unit.serial ?? "",
                                             unit.quantity.micro, Timestamp.format(at)])
                try db.cachedStatement(sql: """
                    INSERT INTO logistic_unit_contents (sscc, line, item, lot, serial, quantity) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (sscc, line, item, lot, serial) DO UPDATE SET quantity = quantity + excluded.quantity
                    """).execute(arguments: [intent.sscc.digits, line, unit.item.key, unit.lot ?? "", unit.serial ?? "", unit.quantity.micro])
                try db.cachedStatement(sql: "UPDATE outbound_lines SET packed = packed + ? WHERE reference = ? AND line = ?")
                    .execute(arguments: [unit.quantity.micro, reference, line])
                _ = try Self.append(LogisticUnitPacked(
                    sscc: intent.sscc, order: reference, line: line, item: unit.item.key, lot: unit.lot, serial: unit.serial, quantity: unit.quantity,
                    from: from.code), occurredAt: at, recordedAt: at, in: db)
                let after = snapshot.lines.first { $0.line == line }!
                let packed = after.packed + unit.quantity
                return PackAnswer(
                    requestId: intent.requestID, sscc: intent.sscc, reference: reference, line: line, item: unit.item.key, lot: unit.lot,
                    serial: unit.serial, quantity: unit.quantity, linePacked: packed, lineOrdered: after.ordered,
                    message: "Packed \(unit.quantity) \(unit.item.uom) of \(unit.description) into \(intent.sscc) — \(reference)/\(line): "
                        + "\(packed) of \(after.ordered) packed.",
                    duplicate: false)
            }
        }
    }

    public func logisticUnits(reference: String?, sscc: String?) async throws -> [LogisticUnitView] {
        try await pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT sscc FROM logistic_units WHERE (?1 IS NULL OR reference = ?1) AND (?2 IS NULL OR sscc = ?2) ORDER BY sscc
                """, arguments: [reference, sscc]).compactMap { try Self.unitView($0, in: db) }
        }
    }

    /// A unit with its contents and label.
    static func unitView(_ sscc: String, in db: Database) throws -> LogisticUnitView? {
        guard let unit = try LogisticUnitRecord.fetchOne(db, sql: "SELECT * FROM logistic_units WHERE sscc = ?", arguments: [sscc]),
              let code = try? SSCC(unit.sscc) else { return nil }
        let contents = try UnitContentRecord.fetchAll(db, sql: """
            SELECT sscc, line, item, lot, serial, quantity, NULL AS expiry FROM logistic_unit_contents WHERE sscc = ? ORDER BY line, item, lot, serial
            """, arguments: [sscc]).map(\.content)
        var label = LogisticLabel(sscc: code)
        // One item and lot: the label names its GTIN, count and lot as well.
        if let first = contents.first, contents.allSatisfy({ $0.item == first.item && $0.lot == first.lot }) {
            let total = contents.reduce(Quantity.zero) { $0 + $1.quantity }
            label.contentGTIN = try item(first.item, in: db)?.gtins.first
            label.count = total.isWhole ? Int(total.micro / Quantity.scale) : nil
            label.lot = first.lot
        }
        return LogisticUnitView(
            sscc: code, reference: unit.reference, location: unit.location, status: unit.status, shipment: unit.shipment, contents: contents,
            label: LogisticUnitView.Label(humanReadable: label.humanReadable, gs1_128: label.gs1_128))
    }

    public func ship(_ intent: ShipIntent) async throws -> ShipmentAnswer {
        let at = now()
        return try await writer.write { db in
            try Self.idempotent(intent.requestID, kind: "shipment", fingerprint: [intent.reference, intent.carrier, intent.trackingReference]
                                + intent.units.map(\.digits), in: db) {
                guard let order = try Self.outboundOrder(intent.reference, in: db) else {
                    throw ShippingRefusal(.unknownOrder, "no customer order or transfer \(intent.reference) at this plant", field: "order")
                }
                var states: [OutboundDecision.UnitState] = [], records: [SSCC: LogisticUnitRecord] = [:]
                for sscc in intent.units {
                    let unit = try LogisticUnitRecord.fetchOne(db, sql: "SELECT * FROM logistic_units WHERE sscc = ?", arguments: [sscc.digits])
                    if let unit { records[sscc] = unit }
                    var contents: [Int: Quantity] = [:]
                    for row in try UnitContentRecord.fetchAll(db, sql: """
                        SELECT sscc, line, item, lot, serial, quantity, NULL AS expiry FROM logistic_unit_contents WHERE sscc = ?
                        """, arguments: [sscc.digits]) { contents[row.line, default: .zero] += Quantity(micro: row.quantity) }
                    states.append(OutboundDecision.UnitState(sscc: sscc, order: unit?.reference, shipped: unit?.status == "shipped", contents: contents))
                }
                let held = try Self.outboundLineRecords(intent.reference, in: db)
                let prices = Dictionary(uniqueKeysWithValues: held.map { ($0.line, $0.price) })
                let decision = try OutboundDecision.ship(
                    states, order: intent.reference, prefix: try Self.ownPlantMaster(in: db)?.gs1CompanyPrefix, lines: held.map(\.decisionLine))
                let shipment = "SHP-\((try Int.fetchOne(db, sql: "SELECT count(*) FROM shipments") ?? 0) + 1)"
                let lineKind: MoveReference.Kind = order.outboundKind == .customerOrder ? .customerOrderLine : .transferLine
                var shipped: [ShippedUnit] = []
                for sscc in intent.units {
                    let unit = records[sscc]!
                    try db.execute(sql: "DELETE FROM reservations WHERE work_order = ?", arguments: [Self.unitHolder(sscc)])
                    var contents: [ShippedUnit.Content] = []
                    for row in try UnitContentRecord.fetchAll(db, sql: """
                        SELECT c.sscc, c.line, c.item, c.lot, c.serial, c.quantity, l.expiry
                        FROM logistic_unit_contents c LEFT JOIN lots l ON l.item = c.item AND l.lot = c.lot WHERE c.sscc = ? ORDER BY c.line, c.item, c.lot, c.serial
                        """, arguments: [sscc.digits]) {
                        guard let item = try Self.item(row.item, in: db) else {
                            throw InventoryRefusal(.unknownItem, "item \(row.item) is no longer in this plant's masters")
                        }
                        let resolved = ResolvedUnit(item: item, lot: row.lot.nilIfEmpty, serial: row.serial.nilIfEmpty, expiry: row.expiry,
                                                    quantity: Quantity(micro: row.quantity))
                        _ = try Self.move(.shipment, resolved, from: unit.location, to: nil,
                                          reference: MoveReference(kind: lineKind, id: "\(intent.reference)/\(row.line)"), scan: nil,
                                          reason: nil, requestID: nil, at: at, in: db)
                        contents.append(row.shipped)
                    }
                    shipped.append(ShippedUnit(sscc: sscc, contents: contents))
                    try db.execute(sql: "UPDATE logistic_units SET status = 'shipped', shipment = ? WHERE sscc = ?", arguments: [shipment, sscc.digits])
                }
                for line in decision.lines {
                    try db.execute(sql: "UPDATE outbound_lines SET shipped = shipped + ? WHERE reference = ? AND line = ?",
                                   arguments: [line.quantity.micro, intent.reference, line.line])
                }
                if decision.complete {
                    try db.execute(sql: "UPDATE outbound_orders SET status = 'shipped' WHERE reference = ?", arguments: [intent.reference])
                    // Whatever is still held for picking is given back.
                    let holder = Self.pickHolder(intent.reference)
                    let ids = try String.fetchAll(db, sql: "SELECT reservation_id FROM reservations WHERE work_order = ?", arguments: [holder])
                    if !ids.isEmpty {
                        try db.execute(sql: "DELETE FROM reservations WHERE work_order = ?", arguments: [holder])
                        _ = try Self.append(ReservationsReleased(workOrder: holder, reservationIds: ids.compactMap(UUID.init(uuidString:)),
                                                                 reason: "\(intent.reference) shipped in full"), occurredAt: at, recordedAt: at, in: db)
                    }
                }
                let dispatched = ShipmentDispatched(
                    shipment: shipment, kind: order.outboundKind, order: intent.reference,
                    customer: order.outboundKind == .customerOrder ? order.counterpart : nil,
                    toPlant: order.outboundKind == .transfer ? order.counterpart : nil, company: order.company, tradingPartner: order.tradingPartner,
                    carrier: intent.carrier, trackingReference: intent.trackingReference, units: shipped,
                    lines: decision.lines.map { ShipmentDispatched.Line(line: $0.line, item: $0.item, quantity: $0.quantity, price: prices[$0.line] ?? nil) },
                    backorders: decision.backorders)
                let event = try Self.append(dispatched, occurredAt: at, recordedAt: at, in: db)
                try db.execute(sql: "INSERT INTO shipments (shipment, reference, carrier, tracking, at, seq) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [shipment, intent.reference, intent.carrier, intent.trackingReference, Timestamp.format(at), event.sequence])
                let owed = decision.backorders.isEmpty ? "nothing left to ship." : decision.backorders.map { "\($0.quantity) \($0.item) on line \($0.line)" }
                    .joined(separator: ", ") + " still to ship (backorder)."
                return ShipmentAnswer(
                    requestId: intent.requestID, shipment: shipment, dispatched: dispatched,
                    message: "Shipped \(shipped.count) unit(s) of \(intent.reference) as \(shipment) with \(intent.carrier) (\(intent.trackingReference)); " + owed,
                    duplicate: false)
            }
        }
    }
}

extension PackAnswer: DuplicateMarking {}
extension ShipmentAnswer: DuplicateMarking {}
extension LogisticUnitView: DuplicateMarking {}
extension TransferReceiptAnswer: DuplicateMarking {}
