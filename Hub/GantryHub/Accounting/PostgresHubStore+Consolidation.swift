import Foundation
import GantryCore
import PostgresNIO

/// A group's consolidation on PostgreSQL (`LedgerConsolidation` decides; this reads).
extension PostgresHubStore {
    public func groupConsolidation(group: String, from: String, to: String, scope: CompanyScope) async throws -> GroupConsolidation {
        try await run { [logger] connection in
            let masters = try await self.ledgerMasters(in: connection, logger: logger)
            var record: MasterRecord?
            for try await (kind, company, key, active, data) in try await connection.query("""
                SELECT kind, company, key, active, data::text FROM masters WHERE kind = \(MasterKind.group.rawValue) AND key = \(group)
                """, logger: logger).decode((String, String, String, Bool, String).self) {
                record = LedgerMasterRow(kind: kind, company: company, key: key, active: active, data: data).record
            }
            let plan = try LedgerConsolidation.plan(record, masters: masters, from: from, to: to, scope: scope)
            var facts = LedgerConsolidation.Facts()
            for (company, periods) in plan.periods {
                var sums: [(account: String, debit: Int64, credit: Int64)] = []
                for try await (account, debit, credit) in try await connection.query("""
                    SELECT account, sum(debit)::bigint, sum(credit)::bigint FROM ledger_balances
                    WHERE company = \(company) AND period = ANY(\(periods)) GROUP BY account ORDER BY account COLLATE "C"
                    """, logger: logger).decode((String, Int64, Int64).self) {
                    sums.append((account, debit, credit))
                }
                facts.sums[company] = sums
                facts.entries[company] = try await Self.intercompanyEntries(company, periods, in: connection, logger: logger)
            }
            for key in LedgerConsolidation.equityNeeds(plan, masters: masters, facts: facts) {
                for try await day in try await connection.query("""
                    SELECT min(e.posting_date) FROM journal_lines l JOIN journal_entries e ON e.company = l.company AND e.source_key = l.source_key
                    WHERE l.company = \(key.company) AND l.account = \(key.account)
                    """, logger: logger).decode(String?.self) {
                    facts.firstPosted[key] = day
                }
            }
            for key in LedgerConsolidation.stockNeeds(plan, masters: masters, facts: facts) {
                for try await quantity in try await connection.query("""
                    SELECT coalesce(sum(l.quantity), 0)::bigint FROM journal_lines l
                    JOIN journal_entries e ON e.company = l.company AND e.source_key = l.source_key
                    WHERE l.company = \(key.company) AND l.account = \(key.account) AND l.item = \(key.item) AND e.posting_date <= \(plan.end)
                    """, logger: logger).decode(Int64.self) {
                    facts.quantities[key] = quantity
                }
            }
            return try LedgerConsolidation.consolidate(plan, masters: masters, facts: facts)
        }
    }

    /// A member's entries of the periods that carry a trading partner, with every line of each.
    private static func intercompanyEntries(_ company: String, _ periods: [String], in connection: PostgresConnection,
                                            logger: Logger) async throws -> [JournalEntry] {
        var rows: [(key: String, sourceKind: String, reference: String, kind: String, date: String, period: String,
                    transaction: String, functional: String)] = []
        for try await row in try await connection.query("""
            SELECT source_key, source_kind, reference, kind, posting_date, period, transaction_currency, functional_currency
            FROM journal_entries e WHERE company = \(company) AND period = ANY(\(periods))
              AND EXISTS (SELECT 1 FROM journal_lines l WHERE l.company = e.company AND l.source_key = e.source_key
                          AND l.trading_partner IS NOT NULL)
            ORDER BY source_key COLLATE "C"
            """, logger: logger).decode((String, String, String, String, String, String, String, String).self) {
            rows.append(row)
        }
        var lines: [String: [JournalLine]] = [:]
        if !rows.isEmpty {
            for try await (key, account, amount, functional, item, quantity, partner, customer) in try await connection.query("""
                SELECT source_key, account, amount, functional_amount, item, quantity, trading_partner, customer FROM journal_lines
                WHERE company = \(company) AND source_key = ANY(\(rows.map(\.key))) ORDER BY source_key, line_no
                """, logger: logger).decode((String, String, Int64, Int64, String?, Int64?, String?, String?).self) {
                lines[key, default: []].append(JournalLine(
                    account: account, amount: amount, functionalAmount: functional, item: item, quantity: quantity,
                    tradingPartner: partner, customer: customer))
            }
        }
        return rows.compactMap { row in
            LedgerConsolidation.entry(
                company: company, sourceKey: row.key, sourceKind: row.sourceKind, reference: row.reference, kind: row.kind, date: row.date,
                period: row.period, transaction: row.transaction, functional: row.functional, lines: lines[row.key] ?? [])
        }
    }
}
