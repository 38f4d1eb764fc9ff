import Foundation
import GantryCore
import GRDB

/// Quality checks at the plant: the store reads the point and the order, `QualityRules` decides the outcome, and
/// the check, its nonconformance and a quarantine move are written with their events in one transaction.
extension SQLitePlantStore {
    /// Records a check at a quality point. A failure opens a nonconformance; a `quarantine` point moves the
    /// quantity of the lot to `quarantineLocation` and holds the lot, a `block` point blocks the order until a pass.
    public func recordQualityCheck(
        point name: String, workOrder: String?, lot: String?, location: String?, quantity: Quantity?, passed: Bool?, value: Quantity?,
        quarantineLocation: String?, supplier: String?
    ) async throws -> QualityCheckRecorded {
        let at = now()
        return try await writer.write { db in
            let orderFound = try workOrder.map { try Bool.fetchOne(db, sql: "SELECT 1 FROM work_orders WHERE work_order = ?", arguments: [$0]) ?? false } ?? true
            let outcome = try QualityRules.outcome(
                at: try Self.qualityPoint(name, in: db), named: name, passed: passed, value: value, workOrder: workOrder, workOrderFound: orderFound,
                lot: lot, location: location, quantity: quantity, quarantineLocation: quarantineLocation)
            let item = outcome.item
            var nonconformance: UUID?
            if let reason = outcome.reason, let disposition = outcome.disposition {
                let id = UUID()
                nonconformance = id
                if let quarantine = outcome.quarantine {
                    try Self.quarantine(quarantine, item: item, point: name, workOrder: workOrder, at: at, in: db)
                }
                let supplier = try supplier ?? lot.flatMap { try Self.supplier(ofLot: $0, item: item, in: db) }
                let amount = quantity ?? .zero
                try db.execute(sql: """
                    INSERT INTO nonconformances (nonconformance, work_order, supplier, item, lot, quantity, reason, disposition, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id.uuidString, workOrder, supplier, item, lot, amount.micro, reason, disposition, Timestamp.format(at)])
                _ = try Self.append(NonconformanceOpened(
                    nonconformance: id, workOrder: workOrder, supplier: supplier, item: item, lot: lot, quantity: amount, reason: reason,
                    disposition: disposition), occurredAt: at, recordedAt: at, in: db)
            }
            let check = QualityCheckRecorded(
                checkId: UUID(), point: name, workOrder: workOrder, item: item, lot: lot, passed: outcome.passed, value: value,
                nonconformance: nonconformance)
            try db.execute(sql: """
                INSERT INTO quality_checks (check_id, point, work_order, item, lot, passed, blocking, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [check.checkId.uuidString, name, workOrder, item, lot, outcome.passed, outcome.blocks, Timestamp.format(at)])
            _ = try Self.append(check, occurredAt: at, recordedAt: at, in: db)
            return check
        }
    }

    /// Moves a failed quantity to quarantine, holds its lot and gives back what was reserved of the lot.
    private static func quarantine(
        _ quarantine: QualityOutcome.Quarantine, item: String, point name: String, workOrder: String?, at: Date, in db: Database
    ) throws {
        try QualityRules.checkQuarantine(quarantine.to, type: try Self.location(quarantine.to, in: db).type)
        let unit = try Self.resolve(UnitSpec(item: item, lot: quarantine.lot, quantity: quarantine.quantity), in: db)
        _ = try Self.move(.move, unit, from: quarantine.from, to: quarantine.to, reference: workOrder.map { MoveReference(kind: .workOrder, id: $0) },
                          scan: nil, reason: "quality point \(name) failed", requestID: nil, at: at, in: db)
        try db.execute(sql: """
            INSERT INTO lots (item, lot, status) VALUES (?, ?, 'quarantined') ON CONFLICT (item, lot) DO UPDATE SET status = 'quarantined'
            """, arguments: [item, quarantine.lot])
        _ = try Self.append(LotStatusChanged(item: item, lot: quarantine.lot, status: .quarantined, reason: "quality point \(name) failed"),
                            occurredAt: at, recordedAt: at, in: db)
        try Self.releaseReservations(
            item: item, lot: quarantine.lot, reason: "lot \(quarantine.lot) of \(item) failed quality point \(name)", at: at, in: db)
    }

    public func nonconformances() async throws -> [NonconformanceOpened] {
        try await pool.read { db in
            try NonconformanceRecord.fetchAll(db, sql: "SELECT * FROM nonconformances ORDER BY at").map { row in
                NonconformanceOpened(
                    nonconformance: UUID(uuidString: row.nonconformance)!, workOrder: row.workOrder, supplier: row.supplier,
                    item: row.item, lot: row.lot, quantity: Quantity(micro: row.quantity), reason: row.reason, disposition: row.disposition)
            }
        }
    }

    /// A failed blocking check at the order with no pass at that point after it (`QualityRules.blockingPoint`).
    /// Finishing `operation` is blocked by points of that operation and by points of no operation; reporting output
    /// (`operation` nil) by any.
    static func blockingCheck(_ workOrder: String, operation: Int?, in db: Database) throws -> String? {
        let failing = try String.fetchAll(db, sql: """
            SELECT DISTINCT c.point FROM quality_checks c WHERE c.work_order = ? AND c.passed = 0 AND c.blocking = 1
              AND NOT EXISTS (SELECT 1 FROM quality_checks p WHERE p.work_order = c.work_order AND p.point = c.point AND p.passed = 1 AND p.at >= c.at)
            ORDER BY c.point
            """, arguments: [workOrder])
        guard operation != nil else { return QualityRules.blockingPoint(failing.map { ($0, nil) }, operation: nil) }
        let points = try failing.compactMap { name in try qualityPoint(name, in: db).map { (point: name, operation: $0.operation) } }
        return QualityRules.blockingPoint(points, operation: operation)
    }
}
