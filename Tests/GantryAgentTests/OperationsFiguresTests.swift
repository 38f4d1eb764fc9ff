import Foundation
@testable import GantryAgent
import GantryCore
import GantryTestSupport
import GRDB
import Testing

/// The plant's operations elements read from its own store, as the hub sums them from its events: the plant's
/// pages show them with the WAN down. Figures worked out by hand below.
@Suite struct OperationsFiguresTests {
    /// 2030-03-17T17:46:40Z; the plant has no `plant` master yet, so its days are UTC days.
    static let clock = SourcingStoreTests.clock
    static func at(_ hours: Double) -> String { Timestamp.format(clock.addingTimeInterval(hours * 3600)) }

    @Test func workOrdersCountsMaintenanceAndOwedLinesMakeTheFigures() async throws {
        try await withTemporaryDirectory { dir in
            let store = try await SourcingStoreTests.store(in: dir)
            // PO-1 due 2030-04-01, confirmed; PO-2 due 2030-03-10 (overdue on the 17th); PO-3 due the 10th but received.
            try await store.placePurchaseOrder(SourcingStoreTests.order("PO-1"))
            try await store.placePurchaseOrder(PurchaseOrderPlaced(order: "PO-2", supplier: "S1", lines: [
                PurchaseOrderLine(line: 1, item: "BOLT", quantity: Quantity(10), tolerancePercent: Quantity(0), due: "2030-03-10"),
            ]))
            try await store.placePurchaseOrder(PurchaseOrderPlaced(order: "PO-3", supplier: "S1", lines: [
                PurchaseOrderLine(line: 1, item: "BOLT", quantity: Quantity(10), tolerancePercent: Quantity(0), due: "2030-03-10"),
            ]))
            _ = try await store.recordCommitment(order: "PO-1", line: 1, due: "2030-04-01", quantity: Quantity(100))
            try await store.pool.write { db in
                try db.execute(sql: "UPDATE purchase_order_lines SET received = ordered WHERE purchase_order = 'PO-3'")
                // Completed: WO-1 on time and in full (2 h ago), WO-2 late (1 h ago), WO-3 in full but outside the window.
                for (order, quantity, good, planned, finished) in [
                    ("WO-1", 100, 100, -1.0, -2.0), ("WO-2", 50, 50, -3.0, -1.0), ("WO-3", 10, 10, -40.0, -30.0),
                ] {
                    try db.execute(sql: """
                        INSERT INTO work_orders (work_order, item, quantity, source_location, output_location, status, planned_start,
                                                 planned_finish, actual_start, actual_finish, good)
                        VALUES (?, 'BOLT', ?, 'A1', 'A2', 'completed', ?, ?, ?, ?, ?)
                        """, arguments: [order, quantity * 1_000_000, Self.at(planned - 2), Self.at(planned), Self.at(finished - 2),
                                         Self.at(finished), good * 1_000_000])
                }
                try db.execute(sql: """
                    INSERT INTO work_orders (work_order, item, quantity, source_location, output_location, status, planned_start, planned_finish)
                    VALUES ('WO-4', 'BOLT', 5000000, 'A1', 'A2', 'released', ?, ?)
                    """, arguments: [Self.at(-1), Self.at(1)])
                try db.execute(sql: "INSERT INTO stock_counts (count_id, location, at, lines, exact_lines, seq) VALUES ('c1', 'A1', ?, 5, 4, 1)",
                               arguments: [Self.at(-3)])
                try db.execute(sql: "INSERT INTO stock_counts (count_id, location, at, lines, exact_lines, seq) VALUES ('c2', 'A1', ?, 3, 3, 2)",
                               arguments: [Self.at(-4)])
                for (id, kind) in [("r1", "corrective"), ("r2", "preventive"), ("r3", "corrective")] {
                    try db.execute(sql: """
                        INSERT INTO maintenance_requests (request_id, line, machine, kind, trigger, opened_at) VALUES (?, 'L1', ?, ?, 'manual', ?)
                        """, arguments: [id, "press-\(id)", kind, Self.at(id == "r3" ? -50 : -1)])
                }
            }
            let elements = try await store.operationsElements(
                from: Self.clock.addingTimeInterval(-24 * 3600), to: Self.clock.addingTimeInterval(3600))
            #expect(elements.workOrdersCompleted == 2 && elements.workOrdersOnTime == 1 && elements.workOrdersInFull == 2)
            #expect(elements.workOrdersOnTimeInFull == 1)
            #expect(elements.countLines == 8 && elements.countLinesExact == 7)
            #expect(elements.maintenanceInterruptions == 1)
            #expect(elements.purchaseLinesOpen == 2 && elements.purchaseLinesConfirmed == 1 && elements.purchaseLinesOverdue == 1)
            #expect(elements.scheduleAdherence == 0.5 && elements.cycleCountAccuracy == 0.875)
        }
    }
}
