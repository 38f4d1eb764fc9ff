import Foundation
import GantryCore
import GRDB

/// A work order's material: consumption within its reservations and output with genealogy. The store reads the
/// order and what is reserved inside its write transaction; `WorkOrderLifecycle` and `MaterialGate` decide; stock
/// moves through inventory's own intents in the same transaction.
extension SQLitePlantStore {
    /// Consumes a component by scan: within what is reserved for the order, or beyond it only with a permitted override.
    public func consume(_ intent: IssueIntent, override: Override?, permittedRoles: Set<String>, allowExpired: Bool) async throws -> MoveAnswer {
        let at = now()
        return try await writer.write { db in
            try Self.idempotent(intent.requestID, kind: "consume", fingerprint: [intent.workOrder, intent.unit.fingerprint, intent.from], in: db) {
                try WorkOrderLifecycle.consume(try Self.workOrder(intent.workOrder, in: db).state)
                let unit = try Self.resolve(intent.unit, in: db)
                let reserved = try Self.reserved(for: intent.workOrder, item: unit.item.key, in: db)
                let beyond = try MaterialGate.consume(
                    intent.workOrder, item: unit.item.key, quantity: unit.quantity, reserved: reserved, override: override,
                    permittedRoles: permittedRoles)
                var answer = try Self.issue(intent, allowExpired: allowExpired, at: at, in: db)
                if let beyond { answer.message += beyond }
                return answer
            }
        }
    }

    /// Reports good output into stock (with genealogy), unless a failed quality check blocks the order.
    public func reportOutput(_ intent: OutputIntent) async throws -> MoveAnswer {
        let at = now()
        return try await writer.write { db in
            try Self.idempotent(intent.requestID, kind: "output", fingerprint: [intent.workOrder, intent.unit.fingerprint, intent.to], in: db) {
                let order = try Self.workOrder(intent.workOrder, in: db)
                let blocking = try order.status.reportsOutput ? Self.blockingCheck(intent.workOrder, operation: nil, in: db) : nil
                try WorkOrderLifecycle.reportOutput(order.state, blockingPoint: blocking)
                var spec = intent.unit
                if spec.item == nil && spec.scanned?.gtin == nil { spec.item = order.item }
                let answer = try Self.output(OutputIntent(requestID: intent.requestID, workOrder: intent.workOrder, unit: spec, to: intent.to), at: at, in: db)
                // The order's item counts as good output; a by-product of its BOM goes into stock beside it. The item
                // is known only once inventory resolved the unit: a refusal rolls the move back.
                let byProducts = Set(try Self.bom(order.item, in: db)?.byProducts.map(\.item) ?? [])
                if try WorkOrderLifecycle.outputCountsAsGood(answer.item, workOrder: intent.workOrder, makes: order.item, byProducts: byProducts) {
                    try db.execute(sql: "UPDATE work_orders SET good = good + ? WHERE work_order = ?", arguments: [answer.quantity.micro, intent.workOrder])
                }
                return answer
            }
        }
    }

    // MARK: Inside the transaction

    /// The order's first-level components for its whole quantity, scrap allowances included, from its source location.
    static func componentLines(_ order: WorkOrderView, in db: Database) throws -> [ReservationLine] {
        guard let bom = try bom(order.item, in: db) else { return [] }
        return try MaterialGate.componentLines(order.workOrder, quantity: order.quantity, bom: bom).map {
            ReservationLine(item: $0.item, quantity: $0.quantity, location: order.sourceLocation)
        }
    }

    /// What is reserved of an item for a work order, wherever it lies.
    static func reserved(for workOrder: String, item: String, in db: Database) throws -> Quantity {
        Quantity(micro: try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT coalesce(sum(quantity), 0) FROM reservations WHERE work_order = ? AND item = ?
            """), arguments: [workOrder, item]) ?? 0)
    }
}
