import Foundation
import GantryCore
import GRDB

/// Work orders at the plant: BOMs, routings and work centres, finite-capacity scheduling, release behind a hard
/// material gate, operations, consumption within reservations, output with genealogy, quality gates and
/// completion with schedule adherence. Each intent is one transaction with its events.
extension SQLitePlantStore {
    // MARK: Definitions

    public func defineWorkCentre(_ centre: WorkCentreDefined) async throws {
        let at = now()
        try await writer.write { db in
            guard Self.isCode(centre.code) else { throw ProductionRefusal(.invalid, "a work centre code is 1 to 64 letters, digits, '-', '_' or '.'") }
            _ = try centre.calendar.validated()
            try db.execute(sql: "INSERT OR REPLACE INTO work_centres (code, definition) VALUES (?, ?)", arguments: [centre.code, try centre.payloadJSON()])
            _ = try Self.append(centre, occurredAt: at, recordedAt: at, in: db)
        }
    }

    public func defineBOM(_ bom: BOMDefined) async throws {
        let at = now()
        try await writer.write { db in
            guard try Self.item(bom.item, in: db) != nil else { throw ProductionRefusal(.notFound, "no item \(bom.item) in this plant's masters") }
            guard !bom.lines.isEmpty else { throw ProductionRefusal(.invalid, "a bill of materials needs at least one line") }
            for line in bom.lines + bom.byProducts.map({ BOMDefined.Line(component: $0.item, quantity: $0.quantity) }) {
                guard try Self.item(line.component, in: db) != nil else {
                    throw ProductionRefusal(.notFound, "no item \(line.component) in this plant's masters")
                }
                guard line.quantity.isPositive, line.scrapPercent >= .zero else {
                    throw ProductionRefusal(.invalid, "\(line.component): the quantity must be positive and the scrap allowance not negative")
                }
            }
            var boms = try Self.boms(in: db)
            boms[bom.item] = bom
            _ = try BOMExplosion.explode(bom.item, quantity: Quantity(1), boms: boms)
            try db.execute(sql: "INSERT OR REPLACE INTO boms (item, definition) VALUES (?, ?)", arguments: [bom.item, try bom.payloadJSON()])
            _ = try Self.append(bom, occurredAt: at, recordedAt: at, in: db)
        }
    }

    public func defineRouting(_ routing: RoutingDefined) async throws {
        let at = now()
        try await writer.write { db in
            guard try Self.item(routing.item, in: db) != nil else { throw ProductionRefusal(.notFound, "no item \(routing.item) in this plant's masters") }
            guard !routing.operations.isEmpty, Set(routing.operations.map(\.sequence)).count == routing.operations.count else {
                throw ProductionRefusal(.invalid, "a routing needs operations with distinct sequence numbers")
            }
            for operation in routing.operations {
                guard try Self.workCentre(operation.workCentre, in: db) != nil else {
                    throw ProductionRefusal(.notFound, "no work centre \(operation.workCentre)")
                }
                guard operation.setupMinutes >= .zero, operation.runMinutesPerUnit.isPositive else {
                    throw ProductionRefusal(.invalid, "operation \(operation.sequence): times must not be negative, run time positive")
                }
            }
            try db.execute(sql: "INSERT OR REPLACE INTO routings (item, definition) VALUES (?, ?)", arguments: [routing.item, try routing.payloadJSON()])
            _ = try Self.append(routing, occurredAt: at, recordedAt: at, in: db)
        }
    }

    public func defineQualityPoint(_ point: QualityPointDefined) async throws {
        let at = now()
        try await writer.write { db in
            guard Self.isCode(point.point) else { throw ProductionRefusal(.invalid, "a quality point code is 1 to 64 letters, digits, '-', '_' or '.'") }
            guard try Self.item(point.item, in: db) != nil else { throw ProductionRefusal(.notFound, "no item \(point.item) in this plant's masters") }
            if point.kind == .measurement, point.lower == nil && point.upper == nil {
                throw ProductionRefusal(.invalid, "a measurement needs a lower or an upper limit")
            }
            try db.execute(sql: "INSERT OR REPLACE INTO quality_points (point, definition) VALUES (?, ?)", arguments: [point.point, try point.payloadJSON()])
            _ = try Self.append(point, occurredAt: at, recordedAt: at, in: db)
        }
    }

    public func explodeBOM(item: String, quantity: Quantity) async throws -> [BOMExplosion.Requirement] {
        try await pool.read { db in try BOMExplosion.explode(item, quantity: quantity, boms: try Self.boms(in: db)) }
    }

    // MARK: Work orders

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
        guard Self.isCode(workOrder) else { throw ProductionRefusal(.invalid, "a work order id is 1 to 64 letters, digits, '-', '_' or '.'") }
        guard try Row.fetchOne(db, sql: "SELECT 1 FROM work_orders WHERE work_order = ?", arguments: [workOrder]) == nil else {
            throw ProductionRefusal(.invalid, "work order \(workOrder) exists already")
        }
        guard quantity.isPositive else { throw ProductionRefusal(.invalid, "the quantity must be positive") }
        guard try Self.item(item, in: db) != nil else { throw ProductionRefusal(.notFound, "no item \(item) in this plant's masters") }
        guard try Self.bom(item, in: db) != nil else { throw ProductionRefusal(.notFound, "no bill of materials for \(item) at this plant") }
        guard let routing = try Self.routing(item, in: db) else { throw ProductionRefusal(.notFound, "no routing for \(item) at this plant") }
        _ = try Self.location(source, in: db)
        _ = try Self.location(output, in: db)
        // A year of work on one routing is a typo or a misunderstanding, not a work order.
        let seconds = routing.operations.reduce(0) { $0 + $1.seconds(for: quantity) }
        guard seconds <= 366 * 86_400 else {
            throw ProductionRefusal(.invalid, "\(quantity) of \(item) takes \(Int(seconds / 86_400)) days of work on its routing; split it into smaller orders")
        }
        var calendars: [String: WorkCalendar] = [:], busy: [String: Date] = [:]
        for operation in routing.operations {
            calendars[operation.workCentre] = try Self.workCentre(operation.workCentre, in: db)?.calendar
            let booked = try String.fetchOne(db, sql: """
                SELECT max(o.planned_finish) FROM work_order_operations o JOIN work_orders w USING (work_order)
                WHERE o.work_centre = ? AND w.status <> 'completed'
                """, arguments: [operation.workCentre])
            if let booked, let date = Timestamp.parse(booked) { busy[operation.workCentre] = date }
        }
        let slots = Scheduler.schedule(routing.operations, quantity: quantity, earliest: max(earliest, at), calendars: calendars, busyUntil: &busy)
        try db.execute(sql: """
            INSERT INTO work_orders (work_order, item, quantity, due, source_location, output_location, status, planned_start, planned_finish)
            VALUES (?, ?, ?, ?, ?, ?, 'planned', ?, ?)
            """, arguments: [workOrder, item, quantity.micro, due.map(Timestamp.format), source, output,
                             Timestamp.format(slots.first!.start), Timestamp.format(slots.last!.finish)])
        for slot in slots {
            try db.execute(sql: """
                INSERT INTO work_order_operations (work_order, sequence, work_centre, planned_start, planned_finish, status)
                VALUES (?, ?, ?, ?, ?, 'pending')
                """, arguments: [workOrder, slot.sequence, slot.workCentre, Timestamp.format(slot.start), Timestamp.format(slot.finish)])
        }
        _ = try Self.append(WorkOrderCreated(
            workOrder: workOrder, item: item, quantity: quantity, due: due, sourceLocation: source, outputLocation: output, schedule: slots),
            occurredAt: at, recordedAt: at, in: db)
        return try Self.workOrder(workOrder, in: db)
    }

    /// The hard material gate: release reserves every component for the whole quantity, or is refused with each
    /// short component's figures. An override by a permitted role, with a reason, releases short and is recorded.
    public func releaseWorkOrder(_ workOrder: String, override: Override?, permittedRoles: Set<String>) async throws -> WorkOrderView {
        let at = now()
        return try await writer.write { db in
            let order = try Self.workOrder(workOrder, in: db)
            guard order.status == "planned" else {
                throw ProductionRefusal(.invalidTransition, "\(workOrder) is \(order.status); only a planned work order is released")
            }
            if let override {
                guard permittedRoles.contains(override.role) else {
                    throw ProductionRefusal(.overridePermission, "the role \(override.role) may not override the material gate (allowed: \(permittedRoles.sorted().joined(separator: ", ")))")
                }
                guard !override.reason.trimmingCharacters(in: .whitespaces).isEmpty, !override.by.isEmpty else {
                    throw ProductionRefusal(.invalid, "an override names who overrides and why")
                }
            }
            let lines = try Self.componentLines(order, in: db)
            let (reservations, shortages) = try Self.reserve(workOrder: workOrder, lines: lines, allowShort: true, at: at, in: db)
            if !shortages.isEmpty && override == nil {
                let elsewhere = UsableStock.free(try Self.stockRows(in: db), today: try Self.plantDay(at, in: db))
                throw ProductionRefusal(
                    .shortage, "\(workOrder) cannot be released: " + shortages.map { shortage in
                        "\(shortage.item) needs \(shortage.needed), \(shortage.onHand) on hand at \(order.sourceLocation), \(shortage.reservedElsewhere) reserved elsewhere, \(shortage.short) short"
                            + Self.toMove(shortage.item, to: order.sourceLocation, free: elsewhere)
                    }.joined(separator: "; "),
                    shortages: shortages)
            }
            try db.execute(sql: "UPDATE work_orders SET status = 'released', released_override = ? WHERE work_order = ?",
                           arguments: [try override.map { String(decoding: try WireFormat.sharedEncoder.encode($0), as: UTF8.self) }, workOrder])
            _ = try Self.append(
                WorkOrderReleased(workOrder: workOrder, reservedLines: reservations.count, override: override, shortages: override == nil ? [] : shortages),
                occurredAt: at, recordedAt: at, in: db)
            return try Self.workOrder(workOrder, in: db)
        }
    }

    /// Starts, pauses, resumes or finishes an operation; refuses steps out of order.
    public func progressOperation(_ workOrder: String, sequence: Int, step: OperationProgressed.Step,
                                  good: Quantity?, scrap: Quantity?, rework: Quantity?, reasons: [String]) async throws -> WorkOrderView {
        let at = now()
        return try await writer.write { db in
            guard [good, scrap, rework].allSatisfy({ ($0 ?? .zero) >= .zero }) else {
                throw ProductionRefusal(.invalid, "good, scrap and rework are never negative")
            }
            let order = try Self.workOrder(workOrder, in: db)
            guard order.status == "released" || order.status == "in-progress" else {
                throw ProductionRefusal(.invalidTransition, "\(workOrder) is \(order.status); operations run only on a released work order")
            }
            guard let operation = order.operations.first(where: { $0.sequence == sequence }) else {
                throw ProductionRefusal(.notFound, "\(workOrder) has no operation \(sequence)")
            }
            let stamp = Timestamp.format(at)
            switch (step, operation.status) {
            case (.started, "pending"):
                if let earlier = order.operations.first(where: { $0.sequence < sequence && $0.status != "finished" }) {
                    throw ProductionRefusal(.invalidTransition, "operation \(earlier.sequence) of \(workOrder) is not finished yet")
                }
                try db.execute(sql: "UPDATE work_order_operations SET status = 'running', actual_start = ? WHERE work_order = ? AND sequence = ?",
                               arguments: [stamp, workOrder, sequence])
                try db.execute(sql: "UPDATE work_orders SET status = 'in-progress', actual_start = coalesce(actual_start, ?) WHERE work_order = ?",
                               arguments: [stamp, workOrder])
            case (.paused, "running"), (.resumed, "paused"):
                try db.execute(sql: "UPDATE work_order_operations SET status = ? WHERE work_order = ? AND sequence = ?",
                               arguments: [step == .paused ? "paused" : "running", workOrder, sequence])
            case (.finished, "running"):
                if let blocking = try Self.blockingCheck(workOrder, operation: sequence, in: db) {
                    throw ProductionRefusal(.blockedByQuality, "quality point \(blocking) failed for \(workOrder) and blocks the operation: record a passing check first")
                }
                try db.execute(sql: "UPDATE work_order_operations SET status = 'finished', actual_finish = ? WHERE work_order = ? AND sequence = ?",
                               arguments: [stamp, workOrder, sequence])
                try db.execute(sql: "UPDATE work_orders SET scrap = scrap + ?, rework = rework + ? WHERE work_order = ?",
                               arguments: [(scrap ?? .zero).micro, (rework ?? .zero).micro, workOrder])
            default:
                throw ProductionRefusal(.invalidTransition, "operation \(sequence) of \(workOrder) is \(operation.status); it cannot be \(step.rawValue)")
            }
            _ = try Self.append(
                OperationProgressed(workOrder: workOrder, sequence: sequence, step: step, good: good, scrap: scrap, rework: rework, reasons: reasons),
                occurredAt: at, recordedAt: at, in: db)
            return try Self.workOrder(workOrder, in: db)
        }
    }

    /// Consumes a component by scan: within what is reserved for the order, or beyond it only with a permitted override.
    public func consume(_ intent: IssueIntent, override: Override?, permittedRoles: Set<String>, allowExpired: Bool) async throws -> MoveAnswer {
        let at = now()
        return try await writer.write { db in
            try Self.idempotent(intent.requestID, kind: "consume", fingerprint: [intent.workOrder, intent.unit.fingerprint, intent.from], in: db) {
                let order = try Self.workOrder(intent.workOrder, in: db)
                guard order.status == "released" || order.status == "in-progress" else {
                    throw ProductionRefusal(.invalidTransition, "\(intent.workOrder) is \(order.status); components are consumed only by a released work order")
                }
                let unit = try Self.resolve(intent.unit, in: db)
                let reserved = try Self.reserved(for: intent.workOrder, item: unit.item.key, in: db)
                if unit.quantity > reserved {
                    guard let override else {
                        throw ProductionRefusal(.beyondReservation, "\(intent.workOrder) has \(reserved) of \(unit.item.key) reserved; consuming \(unit.quantity) needs an override with a reason")
                    }
                    guard permittedRoles.contains(override.role), !override.reason.isEmpty else {
                        throw ProductionRefusal(.overridePermission, "the role \(override.role) may not consume beyond the reservation")
                    }
                }
                var answer = try Self.issue(intent, allowExpired: allowExpired, at: at, in: db)
                if let override, unit.quantity > reserved {
                    answer.message += " Beyond the reservation by \(unit.quantity - reserved), allowed by \(override.by) (\(override.role)): \(override.reason)."
                }
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
                guard order.status == "in-progress" else {
                    throw ProductionRefusal(.invalidTransition, "\(intent.workOrder) is \(order.status); output is reported while it is in progress")
                }
                if let blocking = try Self.blockingCheck(intent.workOrder, operation: nil, in: db) {
                    throw ProductionRefusal(.blockedByQuality, "quality point \(blocking) failed for \(intent.workOrder): record a passing check before reporting output")
                }
                var spec = intent.unit
                if spec.item == nil && spec.scanned?.gtin == nil { spec.item = order.item }
                let answer = try Self.output(OutputIntent(requestID: intent.requestID, workOrder: intent.workOrder, unit: spec, to: intent.to), at: at, in: db)
                // The order's item counts as good output; a by-product of its BOM goes into stock beside it.
                let byProducts = Set(try Self.bom(order.item, in: db)?.byProducts.map(\.item) ?? [])
                guard answer.item == order.item || byProducts.contains(answer.item) else {
                    throw ProductionRefusal(.invalid, "\(intent.workOrder) makes \(order.item)"
                        + (byProducts.isEmpty ? "" : " and by-products \(byProducts.sorted().joined(separator: ", "))") + ", not \(answer.item)")
                }
                if answer.item == order.item {
                    try db.execute(sql: "UPDATE work_orders SET good = good + ? WHERE work_order = ?", arguments: [answer.quantity.micro, intent.workOrder])
                }
                return answer
            }
        }
    }

    /// Completes an order whose operations are finished: what is still reserved goes back, and planned against
    /// actual start, finish and quantity travel as `WorkOrderCompleted`.
    public func completeWorkOrder(_ workOrder: String) async throws -> WorkOrderView {
        let at = now()
        return try await writer.write { db in
            let order = try Self.workOrder(workOrder, in: db)
            guard order.status == "in-progress" else {
                throw ProductionRefusal(.invalidTransition, "\(workOrder) is \(order.status); only an order in progress is completed")
            }
            if let open = order.operations.first(where: { $0.status != "finished" }) {
                throw ProductionRefusal(.invalidTransition, "operation \(open.sequence) of \(workOrder) is \(open.status)")
            }
            try db.execute(sql: "UPDATE work_orders SET status = 'completed', actual_finish = ? WHERE work_order = ?", arguments: [Timestamp.format(at), workOrder])
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

    // MARK: Quality

    /// Records a check at a quality point. A failure opens a nonconformance; a `quarantine` point moves the
    /// quantity of the lot to `quarantineLocation` and holds the lot, a `block` point blocks the order until a pass.
    public func recordQualityCheck(
        point name: String, workOrder: String?, lot: String?, location: String?, quantity: Quantity?, passed: Bool?, value: Quantity?,
        quarantineLocation: String?, supplier: String?
    ) async throws -> QualityCheckRecorded {
        let at = now()
        return try await writer.write { db in
            guard let text = try String.fetchOne(db, sql: "SELECT definition FROM quality_points WHERE point = ?", arguments: [name]) else {
                throw ProductionRefusal(.notFound, "no quality point \(name)")
            }
            let point = try QualityPointDefined(payload: JSONValue.parse(text))
            let result: Bool
            switch point.kind {
            case .passFail:
                guard let passed else { throw ProductionRefusal(.invalid, "\(name) is pass/fail: give passed") }
                result = passed
            case .measurement:
                guard let value else { throw ProductionRefusal(.invalid, "\(name) measures \(point.characteristic): give the value") }
                result = (point.lower.map { value >= $0 } ?? true) && (point.upper.map { value <= $0 } ?? true)
            }
            if let workOrder { _ = try Self.workOrder(workOrder, in: db) }
            var nonconformance: UUID?
            if !result {
                let id = UUID()
                nonconformance = id
                let amount = quantity ?? .zero
                var disposition = "blocked"
                if point.onFailure == .quarantine {
                    guard let lot, let location, let quarantine = quarantineLocation, amount.isPositive else {
                        throw ProductionRefusal(.invalid, "\(name) sends failures to quarantine: give lot, location, quantity and quarantineLocation")
                    }
                    guard try Self.location(quarantine, in: db).type == .quarantine else {
                        throw ProductionRefusal(.invalid, "\(quarantine) is not a quarantine location")
                    }
                    let unit = try Self.resolve(UnitSpec(item: point.item, lot: lot, quantity: amount), in: db)
                    _ = try Self.move(.move, unit, from: location, to: quarantine, reference: workOrder.map { MoveReference(kind: .workOrder, id: $0) },
                                      scan: nil, reason: "quality point \(name) failed", requestID: nil, at: at, in: db)
                    try db.execute(sql: """
                        INSERT INTO lots (item, lot, status) VALUES (?, ?, 'quarantined') ON CONFLICT (item, lot) DO UPDATE SET status = 'quarantined'
                        """, arguments: [point.item, lot])
                    _ = try Self.append(LotStatusChanged(item: point.item, lot: lot, status: .quarantined, reason: "quality point \(name) failed"),
                                        occurredAt: at, recordedAt: at, in: db)
                    try Self.releaseReservations(
                        item: point.item, lot: lot, reason: "lot \(lot) of \(point.item) failed quality point \(name)", at: at, in: db)
                    disposition = "quarantined"
                }
                let supplier = try supplier ?? lot.flatMap { try Self.supplier(ofLot: $0, item: point.item, in: db) }
                let reason = point.kind == .measurement
                    ? "\(point.characteristic) \(value!) outside \(point.lower.map(\.description) ?? "-")…\(point.upper.map(\.description) ?? "-")"
                    : "\(point.characteristic) failed"
                try db.execute(sql: """
                    INSERT INTO nonconformances (nonconformance, work_order, supplier, item, lot, quantity, reason, disposition, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id.uuidString, workOrder, supplier, point.item, lot, amount.micro, reason, disposition, Timestamp.format(at)])
                _ = try Self.append(NonconformanceOpened(
                    nonconformance: id, workOrder: workOrder, supplier: supplier, item: point.item, lot: lot, quantity: amount, reason: reason,
                    disposition: disposition), occurredAt: at, recordedAt: at, in: db)
            }
            let check = QualityCheckRecorded(
                checkId: UUID(), point: name, workOrder: workOrder, item: point.item, lot: lot, passed: result, value: value, nonconformance: nonconformance)
            try db.execute(sql: """
                INSERT INTO quality_checks (check_id, point, work_order, item, lot, passed, blocking, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [check.checkId.uuidString, name, workOrder, point.item, lot, result, point.onFailure == .block, Timestamp.format(at)])
            _ = try Self.append(check, occurredAt: at, recordedAt: at, in: db)
            return check
        }
    }

    public func nonconformances() async throws -> [NonconformanceOpened] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM nonconformances ORDER BY at").map { row in
                NonconformanceOpened(
                    nonconformance: UUID(uuidString: row["nonconformance"])!, workOrder: row["work_order"], supplier: row["supplier"],
                    item: row["item"], lot: row["lot"], quantity: Quantity(micro: row["quantity"]), reason: row["reason"], disposition: row["disposition"])
            }
        }
    }

    public func rescheduleSupply(order: String, line: Int, due: String?) async throws {
        let at = now()
        try await writer.write { db in
            if let due, due.count != 10 || Timestamp.parse(due + "T00:00:00Z") == nil {
                throw ProductionRefusal(.invalid, "due is a date YYYY-MM-DD")
            }
            try db.execute(sql: "UPDATE purchase_order_lines SET due = ? WHERE purchase_order = ? AND line = ?", arguments: [due, order, line])
            guard db.changesCount > 0 else { throw ProductionRefusal(.notFound, "no purchase order line \(order)/\(line)") }
            _ = try Self.append(PurchaseOrderLineRescheduled(order: order, line: line, due: due), occurredAt: at, recordedAt: at, in: db)
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

    // MARK: Inside the transaction

    static func boms(in db: Database) throws -> [String: BOMDefined] {
        var boms: [String: BOMDefined] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT item, definition FROM boms") {
            boms[row["item"]] = try BOMDefined(payload: JSONValue.parse(row["definition"] as String))
        }
        return boms
    }

    static func bom(_ item: String, in db: Database) throws -> BOMDefined? {
        try String.fetchOne(db, sql: "SELECT definition FROM boms WHERE item = ?", arguments: [item]).map { try BOMDefined(payload: JSONValue.parse($0)) }
    }

    static func routing(_ item: String, in db: Database) throws -> RoutingDefined? {
        try String.fetchOne(db, sql: "SELECT definition FROM routings WHERE item = ?", arguments: [item]).map { try RoutingDefined(payload: JSONValue.parse($0)) }
    }

    static func workCentre(_ code: String, in db: Database) throws -> WorkCentreDefined? {
        try String.fetchOne(db, sql: "SELECT definition FROM work_centres WHERE code = ?", arguments: [code]).map { try WorkCentreDefined(payload: JSONValue.parse($0)) }
    }

    /// The order's first-level components for its whole quantity, scrap allowances included, from its source location.
    static func componentLines(_ order: WorkOrderView, in db: Database) throws -> [ReservationLine] {
        guard let bom = try bom(order.item, in: db) else { return [] }
        return try bom.lines.map { line in
            guard let needed = Quantity(decimal: BOMExplosion.roundedUp(order.quantity.decimal * line.quantity.decimal * (1 + line.scrapPercent.decimal / 100)))
            else { throw ProductionRefusal(.invalid, "\(order.workOrder) needs more \(line.component) than can be counted") }
            return ReservationLine(item: line.component, quantity: needed, location: order.sourceLocation)
        }
    }

    /// What is reserved of an item for a work order, wherever it lies.
    static func reserved(for workOrder: String, item: String, in db: Database) throws -> Quantity {
        Quantity(micro: try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT coalesce(sum(quantity), 0) FROM reservations WHERE work_order = ? AND item = ?
            """), arguments: [workOrder, item]) ?? 0)
    }

    /// A failed blocking check at the order with no pass at that point after it. Finishing `operation` is blocked
    /// by points of that operation and by points of no operation; reporting output (`operation` nil) by any.
    static func blockingCheck(_ workOrder: String, operation: Int?, in db: Database) throws -> String? {
        let failing = try String.fetchAll(db, sql: """
            SELECT DISTINCT c.point FROM quality_checks c WHERE c.work_order = ? AND c.passed = 0 AND c.blocking = 1
              AND NOT EXISTS (SELECT 1 FROM quality_checks p WHERE p.work_order = c.work_order AND p.point = c.point AND p.passed = 1 AND p.at >= c.at)
            ORDER BY c.point
            """, arguments: [workOrder])
        guard let operation else { return failing.first }
        for name in failing {
            guard let text = try String.fetchOne(db, sql: "SELECT definition FROM quality_points WHERE point = ?", arguments: [name]) else { continue }
            let point = try QualityPointDefined(payload: JSONValue.parse(text))
            if point.operation == nil || point.operation == operation { return name }
        }
        return nil
    }

    static func workOrder(_ id: String, in db: Database) throws -> WorkOrderView {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM work_orders WHERE work_order = ?", arguments: [id]) else {
            throw ProductionRefusal(.notFound, "no work order \(id)")
        }
        let operations = try Row.fetchAll(db, sql: "SELECT * FROM work_order_operations WHERE work_order = ? ORDER BY sequence", arguments: [id]).map { op in
            WorkOrderView.Operation(
                sequence: op["sequence"], workCentre: op["work_centre"], status: op["status"],
                plannedStart: Timestamp.parse(op["planned_start"]) ?? .distantPast, plannedFinish: Timestamp.parse(op["planned_finish"]) ?? .distantPast,
                actualStart: (op["actual_start"] as String?).flatMap(Timestamp.parse), actualFinish: (op["actual_finish"] as String?).flatMap(Timestamp.parse))
        }
        let override = try (row["released_override"] as String?).map { try WireFormat.sharedDecoder.decode(Override.self, from: Data($0.utf8)) }
        return WorkOrderView(
            workOrder: id, item: row["item"], quantity: Quantity(micro: row["quantity"]), status: row["status"],
            due: (row["due"] as String?).flatMap(Timestamp.parse), sourceLocation: row["source_location"], outputLocation: row["output_location"],
            plannedStart: Timestamp.parse(row["planned_start"]) ?? .distantPast, plannedFinish: Timestamp.parse(row["planned_finish"]) ?? .distantPast,
            actualStart: (row["actual_start"] as String?).flatMap(Timestamp.parse), actualFinish: (row["actual_finish"] as String?).flatMap(Timestamp.parse),
            good: Quantity(micro: row["good"]), scrap: Quantity(micro: row["scrap"]), rework: Quantity(micro: row["rework"]),
            releasedWith: override, operations: operations)
    }
}

/// A work order as the local API shows it.
public struct WorkOrderView: Sendable, Equatable, Codable {
    public struct Operation: Sendable, Equatable, Codable {
        public var sequence: Int
        public var workCentre: String
        public var status: String
        public var plannedStart: Date
        public var plannedFinish: Date
        public var actualStart: Date?
        public var actualFinish: Date?
    }

    public var workOrder: String
    public var item: String
    public var quantity: Quantity
    public var status: String
    public var due: Date?
    public var sourceLocation: String
    public var outputLocation: String
    public var plannedStart: Date
    public var plannedFinish: Date
    public var actualStart: Date?
    public var actualFinish: Date?
    public var good: Quantity
    public var scrap: Quantity
    public var rework: Quantity
    /// The override that released it short, if one did.
    public var releasedWith: Override?
    public var operations: [Operation]
}

/// Whether a work order can run: its material, the earliest day the material can be there, and machine delays.
public struct WorkOrderReadiness: Sendable, Equatable, Codable {
    public var workOrder: String
    public var item: String
    public var status: String
    public var plannedStart: Date
    public var materialReady: Bool
    /// `YYYY-MM-DD`; nil when open supply does not cover what is short.
    public var materialReadyBy: String?
    /// The material will not be at the source location by the planned start day, or a machine of its work centres
    /// is down (`Readiness.atRisk`).
    public var atRisk: Bool
    public var components: [Readiness.Component]
    public var delays: [String]
}
