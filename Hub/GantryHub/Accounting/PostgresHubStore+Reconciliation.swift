import Foundation
import GantryCore
import PostgresNIO

/// What the reconciliation at a period reads on PostgreSQL, inside the statements' transaction.
extension PostgresHubStore {
    /// The facts of the reconciliation at the end of `period` (nothing for a period the company does not have:
    /// `LedgerStatements` refuses it).
    static func readReconciliation(
        _ facts: inout LedgerStatementFacts, company: String, period code: String, in connection: PostgresConnection, logger: Logger
    ) async throws {
        guard let end = facts.masters.period(code, of: company)?.end else { return }
        for try await (item, quantity) in try await connection.query("""
            SELECT d.item, sum(d.quantity)::bigint FROM stock_days d JOIN plants p ON p.plant_id = d.plant_id
            WHERE p.company = \(company) AND d.day <= \(end) GROUP BY d.item
            """, logger: logger).decode((String, Int64).self) {
            facts.stock[item] = quantity
        }
        for try await (period, item, quantity, value) in try await connection.query("""
            SELECT period, item, sum(quantity)::bigint, sum(value)::bigint FROM ledger_position_periods WHERE company = \(company)
            GROUP BY period, item ORDER BY period COLLATE "C", item COLLATE "C"
            """, logger: logger).decode((String, String, Int64, Int64).self) {
            facts.positionChanges.append(LedgerStatementFacts.PositionSum(period: period, item: item, quantity: quantity, value: value))
        }
        for try await (plant, sequence, id, code, detail, at, occurred, zone) in try await connection.query("""
            SELECT h.plant_id, h.seq, h.event_id, h.code, h.detail, h.held_at, e.occurred_at, p.time_zone
            FROM ledger_held h JOIN plants p ON p.plant_id = h.plant_id LEFT JOIN events e ON e.plant_id = h.plant_id AND e.seq = h.seq
            WHERE h.company = \(company) ORDER BY h.plant_id COLLATE "C", h.seq
            """, logger: logger).decode((String, Int64, UUID, String, String, Date, Date?, String).self) {
            facts.held.append(HeldPostingRecord(
                plant: plant, sequence: sequence, eventID: id, company: company, code: code, detail: detail, heldAt: at))
            if let occurred {
                let day = ServiceLevel.day(of: occurred, timeZone: facts.masters.timeZone(of: plant, enrolled: zone))
                facts.heldDays[LedgerStatementFacts.EventKey(plant: plant, sequence: sequence)] = day
            }
        }
        let lines = try await connection.query("""
            SELECT e.source_key, e.plant_id, e.seq, e.kind, e.period, e.original_date, e.note, l.account, l.item, l.quantity,
                   l.functional_amount
            FROM journal_entries e JOIN journal_lines l ON l.company = e.company AND l.source_key = e.source_key
            WHERE e.company = \(company) AND e.original_date IS NOT NULL AND e.original_date <= \(end)
            ORDER BY e.original_date, e.source_key COLLATE "C", l.line_no
            """, logger: logger)
        for try await (key, plant, sequence, kind, period, original, note, account, item, quantity, amount) in lines
            .decode((String, String?, Int64?, String, String, String, String?, String, String?, Int64?, Int64).self) {
            facts.lateLines.append(LedgerStatementFacts.LateLine(
                sourceKey: key, plant: plant, sequence: sequence, kind: kind, period: period, originalDate: original, note: note,
                account: account, item: item, quantity: quantity, functionalAmount: amount))
        }
        for try await (transfer, line, period, quantity, value) in try await connection.query("""
            SELECT transfer, line::bigint, period, quantity, value FROM ledger_transit_periods WHERE company = \(company)
            ORDER BY transfer COLLATE "C", line, period COLLATE "C"
            """, logger: logger).decode((String, Int64, String, Int64, Int64).self) {
            facts.transitChanges.append(LedgerStatementFacts.TransitSum(
                transfer: transfer, line: line, period: period, quantity: quantity, value: value))
        }
    }
}
