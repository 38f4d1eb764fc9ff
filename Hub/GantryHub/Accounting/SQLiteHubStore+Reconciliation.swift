import Foundation
import GantryCore
import GRDB

/// What the reconciliation at a period reads on SQLite, inside the statements' read transaction.
extension SQLiteHubStore {
    /// The facts of the reconciliation at the end of `period` (nothing for a period the company does not have:
    /// `LedgerStatements` refuses it).
    static func readReconciliation(_ facts: inout LedgerStatementFacts, company: String, period code: String, in db: Database) throws {
        guard let end = facts.masters.period(code, of: company)?.end else { return }
        for row in try LedgerItemAmountRow.fetchAll(db, sql: """
            SELECT d.item, sum(d.quantity) AS quantity, 0 AS value FROM stock_days d JOIN plants p ON p.plant_id = d.plant_id
            WHERE p.company = ? AND d.day <= ? GROUP BY d.item
            """, arguments: [company, end]) {
            facts.stock[row.item] = row.quantity
        }
        facts.positionChanges = try LedgerStatementFacts.PositionSum.fetchAll(db, sql: """
            SELECT period, item, sum(quantity) AS quantity, sum(value) AS value FROM ledger_position_periods WHERE company = ?
            GROUP BY period, item ORDER BY period, item
            """, arguments: [company])
        facts.held = try LedgerHeldRow.fetchAll(db, sql: """
            SELECT \(LedgerHeldRow.columns) FROM ledger_held WHERE company = ? ORDER BY plant_id, seq
            """, arguments: [company]).map(\.record)
        for row in try ReconciliationHeldDayRow.fetchAll(db, sql: """
            SELECT h.plant_id, h.seq, e.occurred_at, p.time_zone FROM ledger_held h JOIN plants p ON p.plant_id = h.plant_id
            JOIN events e ON e.plant_id = h.plant_id AND e.seq = h.seq WHERE h.company = ?
            """, arguments: [company]) {
            guard let at = Timestamp.parse(row.occurredAt) else { continue }
            let day = ServiceLevel.day(of: at, timeZone: facts.masters.timeZone(of: row.plantID, enrolled: row.timeZone))
            facts.heldDays[LedgerStatementFacts.EventKey(plant: row.plantID, sequence: row.seq)] = day
        }
        facts.lateLines = try LedgerStatementFacts.LateLine.fetchAll(db, sql: """
            SELECT e.source_key, e.plant_id, e.seq, e.kind, e.period, e.original_date, e.note, l.account, l.item, l.quantity,
                   l.functional_amount
            FROM journal_entries e JOIN journal_lines l ON l.company = e.company AND l.source_key = e.source_key
            WHERE e.company = ? AND e.original_date IS NOT NULL AND e.original_date <= ?
            ORDER BY e.original_date, e.source_key, l.line_no
            """, arguments: [company, end])
        facts.transitChanges = try LedgerStatementFacts.TransitSum.fetchAll(db, sql: """
            SELECT transfer, line, period, quantity, value FROM ledger_transit_periods WHERE company = ? ORDER BY transfer, line, period
            """, arguments: [company])
    }
}

extension LedgerStatementFacts.PositionSum: FetchableRecord {}

extension LedgerStatementFacts.LateLine: FetchableRecord {}

extension LedgerStatementFacts.TransitSum: FetchableRecord {}

/// When a held posting's event happened, and its plant's enrolled zone.
struct ReconciliationHeldDayRow: Decodable, FetchableRecord {
    var plantID: String
    var seq: Int64
    var occurredAt: String
    var timeZone: String
    enum CodingKeys: String, CodingKey { case plantID = "plant_id", seq, occurredAt = "occurred_at", timeZone = "time_zone" }
}
