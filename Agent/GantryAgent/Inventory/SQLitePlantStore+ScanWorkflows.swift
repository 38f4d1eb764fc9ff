import Foundation
import GantryCore
import GRDB

/// Scan workflows: receipts, moves, issues and output. Each is one transaction that reads what the decision needs,
/// asks Core (`ReceiptDecision`, `StockAvailability`, `IssueDecision`, `StockMoveDecision`) and writes the change
/// with its events; a request id makes a retried scan return its first answer.
extension SQLitePlantStore {
    public func receive(_ intent: ReceiptIntent) async throws -> MoveAnswer {
        let at = now()
        return try await writer.write { db in
            try Self.idempotent(intent.requestID, kind: "receipt", fingerprint: [intent.order, String(intent.line), intent.unit.fingerprint, intent.location], in: db) {
                let accepted = try ReceiptDecision.decide(try Self.receiptSnapshot(intent, at: at, in: db))
                let unit = accepted.unit, location = accepted.location
                try db.execute(
                    sql: "UPDATE purchase_order_lines SET received = received + ? WHERE purchase_order = ? AND line = ?",
                    arguments: [unit.quantity.micro, intent.order, intent.line])
                var answer = try Self.move(
                    .receipt, unit, from: nil, to: location.code, reference: MoveReference(kind: .purchaseOrderLine, id: "\(intent.order)/\(intent.line)"),
                    scan: intent.unit.scan, reason: nil, requestID: intent.requestID, at: at, in: db)
                answer.purchaseOrder = .init(order: intent.order, line: intent.line, received: accepted.receivedAfter, ordered: accepted.ordered)
                answer.message = "Received \(unit.quantity) \(unit.item.uom) of \(unit.description) into \(location.code) — "
                    + "\(intent.order)/\(intent.line): \(accepted.receivedAfter) of \(accepted.ordered) received."
                return answer
            }
        }
    }

    /// What a receipt is decided on: the order line, the unit's masters, the location and the plant's day.
    static func receiptSnapshot(_ intent: ReceiptIntent, at: Date, in db: Database) throws -> ReceiptDecision.Snapshot {
        let line = try OrderLineRecord.fetchOne(
            db, sql: "SELECT item, ordered, received, tolerance_percent FROM purchase_order_lines WHERE purchase_order = ? AND line = ?",
            arguments: [intent.order, intent.line])
        return ReceiptDecision.Snapshot(
            order: intent.order, line: intent.line, orderLine: line?.line, unit: intent.unit, masters: try masters(of: intent.unit, in: db),
            locationCode: intent.location, location: try heldLocation(intent.location, in: db), today: try plantDay(at, in: db))
    }

    public func move(_ intent: MoveIntent) async throws -> MoveAnswer {
        let at = now()
        return try await writer.write { db in
            try Self.idempotent(intent.requestID, kind: "move", fingerprint: [intent.unit.fingerprint, intent.from, intent.to], in: db) {
                let unit = try Self.resolve(intent.unit, in: db)
                let from = try Self.location(intent.from, in: db), to = try Self.location(intent.to, in: db)
                try LocationDecision.requireDistinct(from: from, to: to)
                try Self.requireFree(unit, at: from.code, for: nil, in: db)
                var answer = try Self.move(.move, unit, from: from.code, to: to.code, reference: nil, scan: intent.unit.scan, reason: nil,
                                           requestID: intent.requestID, at: at, in: db)
                answer.message = "Moved \(unit.quantity) \(unit.item.uom) of \(unit.description) from \(from.code) to \(to.code)."
                return answer
            }
        }
    }

    /// Issues stock. An issue to one of this plant's work orders keeps the order's rules (released, within its
    /// reservation): whether it is one is read in the transaction that issues, so an order created meanwhile is
    /// never issued to by the plain rules.
    public func issue(_ intent: IssueIntent, allowExpired: Bool) async throws -> MoveAnswer {
        let at = now()
        let issued: MoveAnswer? = try await writer.write { db in
            guard try !Self.isWorkOrder(intent.workOrder, in: db) else { return nil }
            return try Self.idempotent(intent.requestID, kind: "issue", fingerprint: [intent.workOrder, intent.unit.fingerprint, intent.from], in: db) {
                try Self.issue(intent, allowExpired: allowExpired, at: at, in: db)
            }
        }
        if let issued { return issued }
        // Work orders are never deleted, so the order found above is still there for `consume` to check in its own transaction.
        return try await consume(intent, override: nil, permittedRoles: [], allowExpired: allowExpired)
    }

    /// Records output; output of one of this plant's work orders keeps the order's rules (see `issue`).
    public func recordOutput(_ intent: OutputIntent) async throws -> MoveAnswer {
        let at = now()
        let recorded: MoveAnswer? = try await writer.write { db in
            guard try !Self.isWorkOrder(intent.workOrder, in: db) else { return nil }
            return try Self.idempotent(intent.requestID, kind: "output", fingerprint: [intent.workOrder, intent.unit.fingerprint, intent.to], in: db) {
                try Self.output(intent, at: at, in: db)
            }
        }
        if let recorded { return recorded }
        return try await reportOutput(intent)
    }

    /// Issues to a work order inside the caller's transaction (see `issue(_:allowExpired:)`).
    static func issue(_ intent: IssueIntent, allowExpired: Bool, at: Date, in db: Database) throws -> MoveAnswer {
        let unit = try Self.resolve(intent.unit, in: db)
        let from = try Self.location(intent.from, in: db)
        let snapshot = IssueDecision.Snapshot(
            location: from, lotStatus: try unit.lot.flatMap { try lotStatus(unit.item.key, $0, in: db) },
            lotExpiry: try unit.lot.flatMap { try lotExpiry(unit.item.key, $0, in: db) }, today: try plantDay(at, in: db),
            held: try stockRow(unit, at: from.code, in: db), reservedForOthers: try reserved(unit, at: from.code, excluding: intent.workOrder, in: db))
        try IssueDecision.decide(unit, to: intent.workOrder, allowExpired: allowExpired, snapshot)
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
        let inputs = try UnitQuantityRecord.fetchAll(db, sql: """
            SELECT item, lot, serial, sum(quantity) AS quantity FROM stock_moves
            WHERE kind = 'issue' AND reference_kind = 'work-order' AND reference_id = ? GROUP BY item, lot, serial ORDER BY item, lot, serial
            """, arguments: [intent.workOrder]).map { LotsLinked.Input(unit: $0.unit, quantity: Quantity(micro: $0.quantity)) }
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
