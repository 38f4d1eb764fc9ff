import Foundation
import GantryCore
import GRDB

/// A group's consolidation on SQLite (`LedgerConsolidation` decides; this reads).
extension SQLiteHubStore {
    public func groupConsolidation(group: String, from: String, to: String, scope: CompanyScope) async throws -> GroupConsolidation {
        try await pool.read { db in
            let masters = try self.ledgerMasters(in: db)
            let record = try LedgerMasterRow.fetchOne(db, sql: """
                SELECT kind, company, key, active, data FROM masters WHERE kind = ? AND key = ?
                """, arguments: [MasterKind.group.rawValue, group])?.record
            let plan = try LedgerConsolidation.plan(record, masters: masters, from: from, to: to, scope: scope)
            var facts = LedgerConsolidation.Facts()
            for (company, periods) in plan.periods {
                var arguments: StatementArguments = [company]
                arguments += StatementArguments(periods)
                facts.sums[company] = try LedgerSumRow.fetchAll(db, sql: """
                    SELECT account, sum(debit) AS debit, sum(credit) AS credit FROM ledger_balances
                    WHERE company = ? AND period IN (\(databaseQuestionMarks(count: periods.count))) GROUP BY account ORDER BY account
                    """, arguments: arguments).map { ($0.account, $0.debit, $0.credit) }
                facts.entries[company] = try Self.intercompanyEntries(company, periods, in: db)
            }
            for key in LedgerConsolidation.equityNeeds(plan, masters: masters, facts: facts) {
                facts.firstPosted[key] = try String.fetchOne(db, sql: """
                    SELECT min(e.posting_date) FROM journal_lines l JOIN journal_entries e ON e.company = l.company AND e.source_key = l.source_key
                    WHERE l.company = ? AND l.account = ?
                    """, arguments: [key.company, key.account])
            }
            for key in LedgerConsolidation.stockNeeds(plan, masters: masters, facts: facts) {
                facts.quantities[key] = try Int64.fetchOne(db, sql: """
                    SELECT coalesce(sum(l.quantity), 0) FROM journal_lines l
                    JOIN journal_entries e ON e.company = l.company AND e.source_key = l.source_key
                    WHERE l.company = ? AND l.account = ? AND l.item = ? AND e.posting_date <= ?
                    """, arguments: [key.company, key.account, key.item, plan.end]) ?? 0
            }
            return try LedgerConsolidation.consolidate(plan, masters: masters, facts: facts)
        }
    }

    /// A member's entries of the periods that carry a trading partner, with every line of each.
    private static func intercompanyEntries(_ company: String, _ periods: [String], in db: Database) throws -> [JournalEntry] {
        var arguments: StatementArguments = [company]
        arguments += StatementArguments(periods)
        let rows = try ConsolidationEntryRow.fetchAll(db, sql: """
            SELECT source_key, source_kind, reference, kind, posting_date, period, transaction_currency, functional_currency
            FROM journal_entries e WHERE company = ? AND period IN (\(databaseQuestionMarks(count: periods.count)))
              AND EXISTS (SELECT 1 FROM journal_lines l WHERE l.company = e.company AND l.source_key = e.source_key
                          AND l.trading_partner IS NOT NULL)
            ORDER BY source_key
            """, arguments: arguments)
        let statement = try db.cachedStatement(sql: """
            SELECT \(LedgerLineRow.columns) FROM journal_lines WHERE company = ? AND source_key = ? ORDER BY line_no
            """)
        return try rows.compactMap { row in
            LedgerConsolidation.entry(
                company: company, sourceKey: row.sourceKey, sourceKind: row.sourceKind, reference: row.reference, kind: row.kind,
                date: row.postingDate, period: row.period, transaction: row.transactionCurrency, functional: row.functionalCurrency,
                lines: try LedgerLineRow.fetchAll(statement, arguments: [company, row.sourceKey]).map(\.line))
        }
    }
}

/// The columns of `journal_entries` consolidation reads.
struct ConsolidationEntryRow: Decodable, FetchableRecord {
    var sourceKey: String
    var sourceKind: String
    var reference: String
    var kind: String
    var postingDate: String
    var period: String
    var transactionCurrency: String
    var functionalCurrency: String
    enum CodingKeys: String, CodingKey {
        case sourceKey = "source_key", sourceKind = "source_kind", reference, kind, postingDate = "posting_date", period
        case transactionCurrency = "transaction_currency", functionalCurrency = "functional_currency"
    }
}
