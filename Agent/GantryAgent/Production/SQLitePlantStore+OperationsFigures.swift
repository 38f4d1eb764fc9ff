import Foundation
import GantryCore
import GRDB

/// The plant's operations elements from its own store (docs/kpis.md, "Operations KPIs"): the same counts the hub
/// rolls up from this plant's events, so the plant's pages show the hub's figures with the WAN down.
public protocol OperationsFigures: Sendable {
    /// Work orders completed, counts and corrective maintenance requests within `[from, to)`, and purchase lines
    /// owed now (overdue against the plant's today).
    func operationsElements(from: Date, to: Date) async throws -> OperationsElements
}

extension SQLitePlantStore {
    public func operationsElements(from: Date, to: Date) async throws -> OperationsElements {
        let at = now()
        return try await pool.read { db in
            let window: StatementArguments = [Timestamp.format(from), Timestamp.format(to)]
            var facts: [OperationsFact] = []
            for order in try CompletedOrderRow.fetchAll(db, sql: """
                SELECT quantity, good, planned_finish, actual_finish FROM work_orders
                WHERE status = 'completed' AND actual_finish >= ? AND actual_finish < ?
                """, arguments: window) {
                guard let planned = Timestamp.parse(order.plannedFinish), let finished = Timestamp.parse(order.actualFinish) else { continue }
                let onTime = finished <= planned, inFull = order.good >= order.quantity
                facts.append(OperationsFact(at: finished, adds: [
                    .workOrdersCompleted: 1, .workOrdersOnTime: onTime ? 1 : 0, .workOrdersInFull: inFull ? 1 : 0,
                    .workOrdersOnTimeInFull: onTime && inFull ? 1 : 0,
                ]))
            }
            var elements = OperationsFact.sum(facts)
            if let counts = try CountSumRow.fetchOne(db, sql: """
                SELECT coalesce(sum(lines), 0) AS lines, coalesce(sum(min(max(exact_lines, 0), lines)), 0) AS exact
                FROM stock_counts WHERE at >= ? AND at < ?
                """, arguments: window) {
                elements.countLines = counts.lines
                elements.countLinesExact = counts.exact
            }
            elements.maintenanceInterruptions = try Int64.fetchOne(db, sql: """
                SELECT count(*) FROM maintenance_requests WHERE kind = 'corrective' AND opened_at >= ? AND opened_at < ?
                """, arguments: window) ?? 0
            let today = try Self.plantDays(in: db).day(at)
            for owed in try OwedLineRow.fetchAll(db, sql: """
                SELECT due, confirmed_at IS NOT NULL AS confirmed FROM purchase_order_lines WHERE received < ordered
                """) {
                elements.purchaseLinesOpen += 1
                if owed.confirmed { elements.purchaseLinesConfirmed += 1 }
                if let due = owed.due, due < today { elements.purchaseLinesOverdue += 1 }
            }
            return elements
        }
    }
}

private struct CompletedOrderRow: Decodable, FetchableRecord {
    var quantity, good: Int64
    var plannedFinish, actualFinish: String
    enum CodingKeys: String, CodingKey { case quantity, good, plannedFinish = "planned_finish", actualFinish = "actual_finish" }
}

private struct CountSumRow: Decodable, FetchableRecord {
    var lines, exact: Int64
}

private struct OwedLineRow: Decodable, FetchableRecord {
    var due: String?
    var confirmed: Bool
}
