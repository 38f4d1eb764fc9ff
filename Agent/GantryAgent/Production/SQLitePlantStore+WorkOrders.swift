import Foundation
import GantryCore
import GRDB

/// Work orders from creation to completion: the store reads the order inside its write transaction,
/// `WorkOrderPlanning`, `MaterialGate` and `WorkOrderLifecycle` decide, and the store writes the decision and its
/// events in the same transaction.
extension SQLitePlantStore {
    /// Creates a work order and schedules its routing forward from `earliest` on the work centres' calendars,
    /// after what is booked on them.
    public func createWorkOrder(
        _ workOrder: String, item: String, quantity: Quantity, due: Date?, source: String, output: String, earliest: Date
    ) async throws -> WorkOrderView {
        let at = now()
        return try await writer.write { db in
            try Self.createWorkOrder(workOrder, item: item, quantity: quantity, due: due, source: source, output: output, earliest: earliest, at: at, in: db)
        }
    }

    /// `createWorkOrder` inside the caller's write: every refusal comes before anything is written.
    static func createWorkOrder(
        _ workOrder: String, item: String, quantity: Quantity, due: Date?, source: String, output: String, earliest: Date, at: Date,
        in db: Database
    ) throws -> WorkOrderView {
        let exists = try PlantIdentity.isLocalCode(workOrder)
            && (Bool.fetchOne(db, sql: "SELECT 1 FROM work_orders WHERE work_order = ?", arguments: [workOrder]) ?? false)
        let routing = try WorkOrderPlanning.check(WorkOrderRequest(
            workOrder: workOrder, item: item, quantity: quantity, exists: exists, itemKnown: try Self.item(item, in: db) != nil,
            hasBOM: try Self.bom(item, in: db) != nil, routing: try Self.routing(item, in: db)))
        _ = try Self.location(source, in: db)
        _ = try Self.location(output, in: db)
        var calendars: [String: WorkCalendar] = [:], busy: [String: Date] = [:]
        for operation in routing.operations {
            calendars[operation.workCentre] = try Self.workCentre(operation.workCentre, in: db)?.calendar
            let booked = try String.fetchOne(db, sql: """
                SELECT max(o.planned_finish) FROM work_order_operations o JOIN work_orders w USING (work_order)
                WHERE o.work_centre = ? AND w.status <> ?
                """, arguments: [operation.workCentre, WorkOrderStatus.completed.rawValue])
            if let booked, let date = Timestamp.parse(booked) { busy[operation.workCentre] = date }
        }
        let slots = try WorkOrderPlanning.schedule(
            routing, item: item, quantity: quantity, earliest: earliest, now: at, calendars: calendars, busyUntil: busy)
        try db.execute(sql: """
            INSERT INTO work_orders (work_order, item, quantity, due, source_location, output_location, status, planned_start, planned_finish)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [workOrder, item, quantity.micro, due.map(Timestamp.format), source, output, WorkOrderStatus.planned.rawValue,
                             Timestamp.format(slots.first!.start), Timestamp.format(slots.last!.finish)])
        for slot in slots {
            try db.execute(sql: """
                INSERT INTO work_order_operations (work_order, sequence, work_centre, planned_start, planned_finish, status)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [workOrder, slot.sequence, slot.workCentre, Timestamp.format(slot.start), Timestamp.format(slot.finish),
                                 OperationStatus.pending.rawValue])
        }
        _ = try Self.append(WorkOrderCreated(
            workOrder: workOrder, item: item, quantity: quantity, due: due, sourceLocation: source, outputLocation: output, schedule: slots),
            occurredAt: at, recordedAt: at, in: db)
        return try Self.workOrder(workOrder, in: db)
    }

    /// The hard material gate (`MaterialGate`): release reserves every component for the whole quantity, or is
    /// refused with each short component's figures. An override by a permitted role, with a reason, releases short
    /// and is recorded.
    public func releaseWorkOrder(_ workOrder: String, override: Override?, permittedRoles: Set<String>) async throws -> WorkOrderView {
        let at = now()
        return try await writer.write { db in
            let order = try Self.workOrder(workOrder, in: db)
            let next = try WorkOrderLifecycle.release(order.state)
            try MaterialGate.checkReleaseOverride(override, permittedRoles: permittedRoles)
            let lines = try Self.componentLines(order, in: db)
            // Reserving is inventory's first-expiry-first rule; what it could not cover is the gate's input, and a
            // refusal rolls the reservations back with the transaction.
            let (reservations, shortages) = try Self.reserve(workOrder: workOrder, lines: lines, allowShort: true, at: at, in: db)
            let free: [Readiness.Place: Quantity] = try shortages.isEmpty ? [:] : UsableStock.free(Self.stockRows(in: db), today: Self.plantDay(at, in: db))
            let recorded = try MaterialGate.release(workOrder, source: order.sourceLocation, shortages: shortages, override: override, free: free)
            try db.execute(sql: "UPDATE work_orders SET status = ?, released_override = ? WHERE work_order = ?",
                           arguments: [next.rawValue, try override.map { String(decoding: try WireFormat.sharedEncoder.encode($0), as: UTF8.self) }, workOrder])
            _ = try Self.append(
                WorkOrderReleased(workOrder: workOrder, reservedLines: reservations.count, override: override, shortages: recorded),
                occurredAt: at, recordedAt: at, in: db)
            return try Self.workOrder(workOrder, in: db)
        }
    }

    /// Starts, pauses, resumes or finishes an operation; refuses steps out of order (`WorkOrderLifecycle.progress`).
    public func progressOperation(_ workOrder: String, sequence: Int, step: OperationProgressed.Step,
                                  good: Quantity?, scrap: Quantity?, rework: Quantity?, reasons: [String]) async throws -> WorkOrderView {
        let at = now()
        return try await writer.write { db in
            try WorkOrderLifecycle.checkCounts(good: good, scrap: scrap, rework: rework)
            let order = try Self.workOrder(workOrder, in: db)
            let blocking = try step == .finished ? Self.blockingCheck(workOrder, operation: sequence, in: db) : nil
            let change = try WorkOrderLifecycle.progress(order.state, sequence: sequence, step: step, blockingPoint: blocking)
            try Self.write(change, of: workOrder, scrap: scrap, rework: rework, at: at, in: db)
            _ = try Self.append(
                OperationProgressed(workOrder: workOrder, sequence: sequence, step: step, good: good, scrap: scrap, rework: rework, reasons: reasons),
                occurredAt: at, recordedAt: at, in: db)
            return try Self.workOrder(workOrder, in: db)
        }
    }

    /// Writes what a step changed: a start stamps the operation and (once) the order, a finish stamps the operation
    /// and adds scrap and rework to the order.
    private static func write(_ change: OperationChange, of workOrder: String, scrap: Quantity?, rework: Quantity?, at: Date, in db: Database) throws {
        let stamp = Timestamp.format(at)
        switch change.step {
        case .started:
            try db.execute(sql: "UPDATE work_order_operations SET status = ?, actual_start = ? WHERE work_order = ? AND sequence = ?",
                           arguments: [change.operation.rawValue, stamp, workOrder, change.sequence])
            try db.execute(sql: "UPDATE work_orders SET status = ?, actual_start = coalesce(actual_start, ?) WHERE work_order = ?",
                           arguments: [change.order.rawValue, stamp, workOrder])
        case .paused, .resumed:
            try db.execute(sql: "UPDATE work_order_operations SET status = ? WHERE work_order = ? AND sequence = ?",
                           arguments: [change.operation.rawValue, workOrder, change.sequence])
        case .finished:
            try db.execute(sql: "UPDATE work_order_operations SET status = ?, actual_finish = ? WHERE work_order = ? AND sequence = ?",
                           arguments: [change.operation.rawValue, stamp, workOrder, change.sequence])
            try db.execute(sql: "UPDATE work_orders SET scrap = scrap + ?, rework = rework + ? WHERE work_order = ?",
                           arguments: [(scrap ?? .zero).micro, (rework ?? .zero).micro, workOrder])
        }
    }

    /// Completes an order whose operations are finished: what is still reserved goes back, and planned against
    /// actual start, finish and quantity travel as `WorkOrderCompleted`.
    public func completeWorkOrder(_ workOrder: String) async throws -> WorkOrderView {
        let at = now()
        return try await writer.write { db in
            let next = try WorkOrderLifecycle.complete(try Self.workOrder(workOrder, in: db).state)
            try db.execute(sql: "UPDATE work_orders SET status = ?, actual_finish = ? WHERE work_order = ?",
                           arguments: [next.rawValue, Timestamp.format(at), workOrder])
            let left = try String.fetchAll(db, sql: "SELECT reservation_id FROM reservations WHERE work_order = ?", arguments: [workOrder])
            if !left.isEmpty {
                try db.execute(sql: "DELETE FROM reservations WHERE work_order = ?", arguments: [workOrder])
                _ = try Self.append(ReservationsReleased(workOrder: workOrder, reservationIds: left.compactMap(UUID.init(uuidString:)), reason: "work order completed"),
                                    occurredAt: at, recordedAt: at, in: db)
            }
            let done = try Self.workOrder(workOrder, in: db)
            _ = try Self.append(WorkOrderCompleted(
                workOrder: workOrder, item: done.item, plannedQuantity: done.quantity, good: done.good, scrap: done.scrap, rework: done.rework,
                plannedStart: done.plannedStart, plannedFinish: done.plannedFinish, actualStart: done.actualStart ?? at, actualFinish: at),
                occurredAt: at, recordedAt: at, in: db)
            return done
        }
    }

    public func workOrders() async throws -> [WorkOrderView] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT work_order FROM work_orders ORDER BY planned_start").map { try Self.workOrder($0, in: db) }
        }
    }

    public func workOrder(_ id: String) async throws -> WorkOrderView {
        try await pool.read { db in try Self.workOrder(id, in: db) }
    }
}

extension SQLitePlantStore {
    /// The order with its operations, or `not-found`.
    static func workOrder(_ id: String, in db: Database) throws -> WorkOrderView {
        let record = try WorkOrderLifecycle.found(
            try WorkOrderRecord.fetchOne(db, sql: "SELECT * FROM work_orders WHERE work_order = ?", arguments: [id]), id)
        let operations = try OperationRecord.fetchAll(
            db, sql: "SELECT * FROM work_order_operations WHERE work_order = ? ORDER BY sequence", arguments: [id]
        ).map { op in
            WorkOrderView.Operation(
                sequence: op.sequence, workCentre: op.workCentre, status: try Self.status(op.status, of: "operation"),
                plannedStart: Timestamp.parse(op.plannedStart) ?? .distantPast, plannedFinish: Timestamp.parse(op.plannedFinish) ?? .distantPast,
                actualStart: op.actualStart.flatMap(Timestamp.parse), actualFinish: op.actualFinish.flatMap(Timestamp.parse))
        }
        let override = try record.releasedOverride.map { try WireFormat.sharedDecoder.decode(Override.self, from: Data($0.utf8)) }
        return WorkOrderView(
            workOrder: id, item: record.item, quantity: Quantity(micro: record.quantity), status: try Self.status(record.status, of: "work order"),
            due: record.due.flatMap(Timestamp.parse), sourceLocation: record.sourceLocation, outputLocation: record.outputLocation,
            plannedStart: Timestamp.parse(record.plannedStart) ?? .distantPast, plannedFinish: Timestamp.parse(record.plannedFinish) ?? .distantPast,
            actualStart: record.actualStart.flatMap(Timestamp.parse), actualFinish: record.actualFinish.flatMap(Timestamp.parse),
            good: Quantity(micro: record.good), scrap: Quantity(micro: record.scrap), rework: Quantity(micro: record.rework),
            releasedWith: override, operations: operations)
    }

    /// A status as stored; the tables' CHECK constraints allow only the enums' values.
    private static func status<Status: RawRepresentable>(_ text: String, of what: String) throws -> Status where Status.RawValue == String {
        guard let status = Status(rawValue: text) else { throw StoreError(.unusable, "a \(what) has the unknown status \(text)") }
        return status
    }
}
