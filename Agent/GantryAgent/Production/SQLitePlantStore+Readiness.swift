import Foundation
import GantryCore
import GRDB

/// Readiness of work orders: the store reads stock, demand and open supply in one read, and Core decides
/// (`Readiness`, `UsableStock`, `SupplyLine`) with the rule release's reservation follows too.
extension SQLitePlantStore {
    /// For each planned or released order (or one): whether its material is there at its source location and, if
    /// not, where it lies or the earliest day it can be; and machines down on its work centres.
    public func readiness(workOrder: String?) async throws -> [WorkOrderReadiness] {
        let at = now()
        return try await pool.read { db in
            let days = try Self.plantDays(in: db), today = days.day(at)
            let (orders, demands) = try Self.openDemands(in: db)
            let free = UsableStock.free(try Self.stockRows(in: db), today: today)
            let assessed = Readiness.assess(demands, free: free, supply: try Self.openSupply(in: db), today: today)
            var result: [WorkOrderReadiness] = []
            for order in orders where workOrder == nil || order.workOrder == workOrder {
                let components = assessed[order.workOrder] ?? []
                let delays = try Self.machineDelays(order, in: db)
                let readyBy = Readiness.readyBy(components, today: today)
                result.append(WorkOrderReadiness(
                    workOrder: order.workOrder, item: order.item, status: order.status, plannedStart: order.plannedStart,
                    materialReady: components.allSatisfy(\.ready), materialReadyBy: readyBy,
                    atRisk: Readiness.atRisk(readyBy: readyBy, plannedStartDay: days.day(order.plannedStart), machineDown: !delays.isEmpty),
                    components: components, delays: delays))
            }
            return try Readiness.found(result, workOrder: workOrder)
        }
    }

    /// Machines down on the order's work centres: which, since when, why.
    static func machineDelays(_ order: WorkOrderView, in db: Database) throws -> [String] {
        var delays: [String] = []
        for centre in Set(order.operations.map(\.workCentre)).sorted() {
            guard let machine = try Self.workCentre(centre, in: db)?.machine,
                  let state = try MachineStateRecord.fetchOne(db, sql: """
                    SELECT state, reason, at FROM machine_states WHERE line = ? AND machine = ? ORDER BY at DESC LIMIT 1
                    """, arguments: [machine.line, machine.machine]),
                  state.state == MachineState.down.rawValue else { continue }
            delays.append("machine \(machine) of work centre \(centre) is down since \(state.at)" + (state.reason.map { " (\($0))" } ?? ""))
        }
        return delays
    }

    /// Open work orders, in the order they are planned to start, and what each still needs of each component
    /// (less what was issued) at its source location, with what it has reserved.
    static func openDemands(in db: Database) throws -> (orders: [WorkOrderView], demands: [Readiness.Demand]) {
        let orders = try String.fetchAll(db, sql: """
            SELECT work_order FROM work_orders WHERE status <> ? ORDER BY planned_start, work_order
            """, arguments: [WorkOrderStatus.completed.rawValue]).map { try Self.workOrder($0, in: db) }
        var demands: [Readiness.Demand] = []
        for order in orders {
            for line in try Self.componentLines(order, in: db) {
                let reserved = try Self.reserved(for: order.workOrder, item: line.item, in: db)
                let issued = Quantity(micro: try Int64.fetchOne(db, sql: """
                    SELECT coalesce(sum(quantity), 0) FROM stock_moves
                    WHERE kind = 'issue' AND reference_kind = 'work-order' AND reference_id = ? AND item = ?
                    """, arguments: [order.workOrder, line.item]) ?? 0)
                let needed = max(.zero, line.quantity - issued)
                demands.append(Readiness.Demand(
                    workOrder: order.workOrder, component: line.item, needed: needed, reserved: reserved, location: line.location))
            }
        }
        return (orders, demands)
    }

    /// Per item, the stock that can be used (`UsableStock`: the rule readiness and release follow) and what is
    /// reserved of the item anywhere: the plant-wide position reorder nets.
    static func usableStock(today: String, in db: Database) throws -> [String: (onHand: Quantity, reserved: Quantity)] {
        var onHand: [String: Quantity] = [:], reserved: [String: Quantity] = [:]
        for row in try stockRows(in: db) {
            reserved[row.item, default: .zero] += row.reserved
            if UsableStock.isUsable(locationType: row.locationType, held: row.held, expiry: row.expiry, today: today) {
                onHand[row.item, default: .zero] += row.quantity
            }
        }
        return onHand.reduce(into: [:]) { stock, item in stock[item.key] = (item.value, reserved[item.key] ?? .zero) }
    }

    /// Every stock row with its location's type, its lot's status and expiry, and what is reserved of it: the input
    /// of `UsableStock`, the rule release's reservation follows too.
    static func stockRows(in db: Database) throws -> [UsableStock.Row] {
        try StockPositionRecord.fetchAll(db, sql: """
            SELECT s.item, s.location, s.quantity, loc.type, l.expiry, coalesce(l.status, 'available') AS status,
                (SELECT coalesce(sum(r.quantity), 0) FROM reservations r
                  WHERE r.item = s.item AND r.location = s.location AND r.lot = s.lot AND r.serial = s.serial) AS reserved
            FROM stock s JOIN locations loc ON loc.code = s.location LEFT JOIN lots l ON l.item = s.item AND l.lot = s.lot
            """).map { row in
            UsableStock.Row(
                item: row.item, location: row.location, locationType: LocationType(rawValue: row.type) ?? .storage,
                held: row.status == "quarantined", expiry: row.expiry, quantity: Quantity(micro: row.quantity),
                reserved: Quantity(micro: row.reserved))
        }
    }

    /// Open purchase order lines: what is still owed of each (received less returned), the part a supplier confirmed
    /// at its confirmed date and the rest at the line's due date (`SupplyLine.portions`).
    static func openSupply(in db: Database) throws -> [Readiness.Supply] {
        try OpenSupplyRecord.fetchAll(db, sql: """
            SELECT purchase_order, line, item, ordered, received, due, confirmed_due, confirmed_quantity
            FROM purchase_order_lines WHERE ordered > received
            """).flatMap { row in
            SupplyLine(
                item: row.item, source: "\(row.purchaseOrder)/\(row.line)", ordered: Quantity(micro: row.ordered),
                received: Quantity(micro: row.received), due: row.due, confirmedDue: row.confirmedDue,
                confirmedQuantity: row.confirmedQuantity.map(Quantity.init(micro:))).portions
        }
    }

    /// Moves a purchase order line's due date (a supplier's new commitment, an expedite): the supply readiness counts on.
    public func rescheduleSupply(order: String, line: Int, due: String?) async throws {
        let at = now()
        try await writer.write { db in
            let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM purchase_order_lines WHERE purchase_order = ? AND line = ?", arguments: [order, line]) ?? false
            try ProductionDefinitionRules.reschedule(order: order, line: line, due: due, lineExists: exists)
            try db.execute(sql: "UPDATE purchase_order_lines SET due = ? WHERE purchase_order = ? AND line = ?", arguments: [due, order, line])
            _ = try Self.append(PurchaseOrderLineRescheduled(order: order, line: line, due: due), occurredAt: at, recordedAt: at, in: db)
        }
    }
}
