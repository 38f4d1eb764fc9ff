import Foundation
import GantryCore
import GRDB

/// Orders the plant ships and transfers it expects, as the hub hands them over (`applyInstructions` calls in here in
/// its transaction), and pick lists: the order's reservations, first expiring first.
extension SQLitePlantStore {
    /// The reservation holder of an outbound order's picks: work orders are plain codes, so `ship:` never collides.
    static func pickHolder(_ reference: String) -> String { "ship:\(reference)" }
    /// The reservation holder of what is packed in a logistic unit.
    static func unitHolder(_ sscc: SSCC) -> String { "sscc:\(sscc.digits)" }

    /// This plant's own `plant` master, when the hub sent it.
    static func ownPlantMaster(in db: Database) throws -> PlantMaster? {
        let plant = try String.fetchOne(db, sql: "SELECT plant_id FROM store_identity LIMIT 1") ?? ""
        return try master(.plant, plant, in: db).flatMap(PlantMaster.init)
    }

    /// Takes on a customer order: its lines answered one by one (`OutboundDecision.answer`).
    static func takeCustomerOrder(_ instruction: PlantInstruction, at: Date, in db: Database) throws {
        guard let order = try? instruction.decode(CustomerOrderInstruction.self) else {
            _ = try append(CustomerOrderAnswered(order: instruction.reference, instruction: instruction.sequence, lines: [
                OrderLineAnswer(line: 0, accepted: false, reason: "this agent cannot read the order"),
            ]), occurredAt: at, recordedAt: at, in: db)
            return
        }
        let answers = try takeOutbound(
            reference: order.order, kind: .customerOrder, instruction: instruction, counterpart: order.customer, company: order.company,
            tradingPartner: nil, requested: order.requested,
            lines: order.lines.map { ($0.line, $0.item, $0.quantity, $0.price as Money?, $0.promised) }, in: db)
        _ = try append(CustomerOrderAnswered(order: order.order, instruction: instruction.sequence, lines: answers), occurredAt: at, recordedAt: at, in: db)
    }

    /// Takes on a transfer this plant ships.
    static func takeTransferOut(_ instruction: PlantInstruction, at: Date, in db: Database) throws {
        guard let transfer = try? instruction.decode(TransferInstruction.self) else {
            _ = try append(TransferAnswered(transfer: instruction.reference, instruction: instruction.sequence, lines: [
                OrderLineAnswer(line: 0, accepted: false, reason: "this agent cannot read the transfer"),
            ]), occurredAt: at, recordedAt: at, in: db)
            return
        }
        let answers = try takeOutbound(
            reference: transfer.transfer, kind: .transfer, instruction: instruction, counterpart: transfer.toPlant, company: transfer.fromCompany,
            tradingPartner: transfer.isIntercompany ? transfer.toCompany : nil, requested: transfer.requested,
            lines: transfer.lines.map { ($0.line, $0.item, $0.quantity, $0.price, nil) }, in: db)
        _ = try append(TransferAnswered(transfer: transfer.transfer, instruction: instruction.sequence, lines: answers), occurredAt: at, recordedAt: at, in: db)
    }

    private static func takeOutbound(
        reference: String, kind: OutboundKind, instruction: PlantInstruction, counterpart: String, company: String, tradingPartner: String?,
        requested: String, lines: [(line: Int, item: String, quantity: Quantity, price: Money?, promised: String?)], in db: Database
    ) throws -> [OrderLineAnswer] {
        var active: Set<String> = []
        for item in Set(lines.map(\.item)) where try Self.item(item, in: db)?.active == true { active.insert(item) }
        let held = try Bool.fetchOne(db, sql: "SELECT 1 FROM outbound_orders WHERE reference = ?", arguments: [reference]) == true
        let answers = OutboundDecision.answer(
            reference: reference, held: held, lines: lines.map { ($0.line, $0.item, $0.quantity, $0.promised) }, requested: requested,
            activeItems: active)
        guard !held else { return answers }
        try db.execute(sql: """
            INSERT INTO outbound_orders (reference, kind, instruction, counterpart, company, trading_partner, requested, status, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [reference, kind.rawValue, instruction.sequence, counterpart, company, tradingPartner, requested,
                             OutboundDecision.status(of: answers), instruction.body.canonicalText])
        for (index, line) in lines.enumerated() where answers[index].line >= 1 {
            let answer = answers[index]
            // A line number used twice is answered, not stored a second time.
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM outbound_lines WHERE reference = ? AND line = ?", arguments: [reference, line.line]) != true
            else { continue }
            try db.execute(sql: """
                INSERT INTO outbound_lines (reference, line, item, ordered, price_amount, price_currency, accepted, promised, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [reference, line.line, line.item, line.quantity.micro, line.price?.amountText, line.price?.currency.code,
                                 answer.accepted, answer.promised, answer.reason])
        }
        return answers
    }

    /// An instruction this agent cannot read is not dropped in silence: the plant's people hear of it (and the hub, in
    /// the alert's event), since goods may be on their way that no SSCC scan can be checked against.
    private static func unreadable(_ instruction: PlantInstruction, at: Date, in db: Database) throws {
        try raiseAlert(
            kind: "instruction-unreadable", key: "instruction-\(instruction.sequence)",
            summary: "\(instruction.kind.rawValue) \(instruction.reference) from the hub cannot be read by this agent version: upgrade it",
            details: .object(["instruction": .number(Double(instruction.sequence)), "reference": .string(instruction.reference)]), at: at, in: db)
    }

    /// Records a transfer this plant is to receive.
    static func expectTransfer(_ instruction: PlantInstruction, at: Date, in db: Database) throws {
        guard let transfer = try? instruction.decode(TransferInstruction.self) else { return try unreadable(instruction, at: at, in: db) }
        try db.execute(sql: """
            INSERT INTO inbound_transfers (transfer, from_plant, company, trading_partner, sender_prefix, status, body)
            VALUES (?, ?, ?, ?, ?, 'open', ?)
            ON CONFLICT (transfer) DO UPDATE SET sender_prefix = coalesce(excluded.sender_prefix, sender_prefix), body = excluded.body
            """, arguments: [transfer.transfer, transfer.fromPlant, transfer.toCompany, transfer.isIntercompany ? transfer.fromCompany : nil,
                             transfer.fromCompanyPrefix?.digits, instruction.body.canonicalText])
    }

    /// Records the units another plant shipped on a transfer to this one, so each SSCC can be checked at receipt.
    static func expectUnits(_ instruction: PlantInstruction, at: Date, in db: Database) throws {
        guard let shipment = try? instruction.decode(InboundShipmentInstruction.self) else { return try unreadable(instruction, at: at, in: db) }
        try db.execute(sql: """
            INSERT INTO inbound_transfers (transfer, from_plant, company, trading_partner, status)
            VALUES (?, ?, ?, ?, 'open') ON CONFLICT (transfer) DO NOTHING
            """, arguments: [shipment.transfer, shipment.fromPlant, shipment.toCompany,
                             shipment.fromCompany == shipment.toCompany ? nil : shipment.fromCompany])
        var announced = 0
        for unit in shipment.units {
            let inserted = try db.cachedStatement(sql: """
                INSERT INTO inbound_units (sscc, transfer, shipment, status) VALUES (?, ?, ?, 'expected') ON CONFLICT (sscc) DO NOTHING
                """)
            try inserted.execute(arguments: [unit.sscc.digits, shipment.transfer, shipment.shipment])
            guard db.changesCount > 0 else { continue }
            announced += 1
            for content in unit.contents {
                try db.cachedStatement(sql: """
                    INSERT INTO inbound_unit_contents (sscc, line, item, lot, serial, expiry, quantity) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (sscc, line, item, lot, serial) DO UPDATE SET quantity = quantity + excluded.quantity
                    """).execute(arguments: [unit.sscc.digits, content.line, content.item, content.lot ?? "", content.serial ?? "",
                                             content.expiry, content.quantity.micro])
            }
        }
        // Units shipped after the receipt was closed (a reshipment of what was short) open it again, so they can be received.
        if announced > 0 {
            try db.execute(sql: "UPDATE inbound_transfers SET status = 'open' WHERE transfer = ? AND status = 'closed'", arguments: [shipment.transfer])
        }
    }

    public func outboundOrders(reference: String?) async throws -> [OutboundOrderView] {
        try await pool.read { db in
            let orders = try OutboundOrderRecord.fetchAll(db, sql: """
                SELECT reference, kind, counterpart, company, trading_partner, requested, status FROM outbound_orders
                WHERE (?1 IS NULL OR reference = ?1) ORDER BY reference
                """, arguments: [reference])
            return try orders.map { order in order.view(lines: try Self.outboundLineRecords(order.reference, in: db).map(\.view)) }
        }
    }

    /// An order's lines as stored, in line order.
    static func outboundLineRecords(_ reference: String, in db: Database) throws -> [OutboundLineRecord] {
        try OutboundLineRecord.fetchAll(db, sql: """
            SELECT line, item, ordered, packed, shipped, price_amount, price_currency, accepted, promised, reason
            FROM outbound_lines WHERE reference = ? ORDER BY line
            """, arguments: [reference])
    }

    /// The order's lines as the decisions read them.
    static func outboundLines(_ reference: String, in db: Database) throws -> [OutboundDecision.Line] {
        try outboundLineRecords(reference, in: db).map(\.decisionLine)
    }

    static func outboundOrder(_ reference: String, in db: Database) throws -> OutboundOrderRecord? {
        try OutboundOrderRecord.fetchOne(db, sql: """
            SELECT reference, kind, counterpart, company, trading_partner, requested, status FROM outbound_orders WHERE reference = ?
            """, arguments: [reference])
    }

    /// Reserves, first expiring first, what the order's taken-on lines still need beyond what is packed or held for
    /// them already (as much as usable stock covers), and lists every reservation of the order to pick.
    public func pickList(reference: String) async throws -> PickList {
        let at = now()
        return try await writer.write { db in
            guard let order = try Self.outboundOrder(reference, in: db) else {
                throw ShippingRefusal(.unknownOrder, "no customer order or transfer \(reference) at this plant")
            }
            let holder = Self.pickHolder(reference)
            var needs: [ReservationLine] = []
            if order.status == "open" {
                var toPack: [String: Quantity] = [:]
                for line in try Self.outboundLines(reference, in: db) where line.accepted { toPack[line.item, default: .zero] += line.toPack }
                for (item, need) in toPack.sorted(by: { $0.key < $1.key }) {
                    let missing = need - (try Self.reserved(for: holder, item: item, in: db))
                    if missing.isPositive { needs.append(ReservationLine(item: item, quantity: missing)) }
                }
            }
            let shortages = needs.isEmpty ? [] : try Self.reserve(workOrder: holder, lines: needs, allowShort: true, at: at, in: db).shortages
            let picks = try PickRecord.fetchAll(db, sql: """
                SELECT r.location, r.item, r.lot, r.serial, l.expiry, sum(r.quantity) AS quantity
                FROM reservations r LEFT JOIN lots l ON l.item = r.item AND l.lot = r.lot
                WHERE r.work_order = ? GROUP BY r.location, r.item, r.lot, r.serial ORDER BY r.location, r.item, l.expiry, r.lot, r.serial
                """, arguments: [holder]).map(\.pick)
            let message = shortages.isEmpty
                ? "Pick \(picks.count) row(s) for \(reference)."
                : "Pick \(picks.count) row(s) for \(reference); short of " + shortages.map { "\($0.short) \($0.item)" }.joined(separator: ", ") + "."
            return PickList(reference: reference, picks: picks, shortages: shortages, message: message)
        }
    }
}
