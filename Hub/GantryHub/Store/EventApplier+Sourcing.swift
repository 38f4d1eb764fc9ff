import Foundation
import GantryCore
import GRDB

extension EventApplier {
    /// Purchase order lines, then what changed them (in the plant's order), receipts and nonconformances.
    func apply(_ sourcing: EventProjection.SourcingFacts) throws {
        let insertLine = try db.cachedStatement(sql: """
            INSERT INTO supplier_order_lines (plant_id, purchase_order, line, seq, supplier, item, quantity, price, currency,
                                              ordered_at, due)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """)
        for line in sourcing.lines {
            try insertLine.execute(arguments: [
                plant, line.order, line.line, line.sequence, line.supplier, line.item, line.quantity, line.price, line.currency,
                Timestamp.format(line.orderedAt), line.due,
            ])
        }
        let reschedule = try db.cachedStatement(sql: """
            UPDATE supplier_order_lines SET due = ? WHERE plant_id = ? AND purchase_order = ? AND line = ?
            """)
        for change in sourcing.latestReschedules {
            try reschedule.execute(arguments: [change.due, plant, change.order, change.line])
        }
        let confirm = try db.cachedStatement(sql: """
            UPDATE supplier_order_lines SET confirmed_at = ?, confirmed_due = ?, confirmed_quantity = ?
            WHERE plant_id = ? AND purchase_order = ? AND line = ? AND confirmed_at IS NULL
            """)
        for confirmation in sourcing.firstConfirmations {
            try confirm.execute(arguments: [
                Timestamp.format(confirmation.at), confirmation.due, confirmation.quantity, plant, confirmation.order, confirmation.line,
            ])
        }
        let insertReceipt = try db.cachedStatement(sql: """
            INSERT INTO supplier_receipts (plant_id, seq, purchase_order, line, quantity, received_at) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for receipt in sourcing.receipts {
            try insertReceipt.execute(arguments: [
                plant, receipt.sequence, receipt.order, receipt.line, receipt.quantity, Timestamp.format(receipt.at),
            ])
        }
        let insertNonconformance = try db.cachedStatement(sql: """
            INSERT INTO supplier_nonconformances (plant_id, seq, supplier, item, quantity, opened_at) VALUES (?, ?, ?, ?, ?, ?)
            """)
        for nonconformance in sourcing.nonconformances {
            try insertNonconformance.execute(arguments: [
                plant, nonconformance.sequence, nonconformance.supplier, nonconformance.item, nonconformance.quantity,
                Timestamp.format(nonconformance.at),
            ])
        }
    }
}
