import Foundation
import GantryCore
import GRDB

/// A group's consolidation on SQLite (`LedgerConsolidation` decides; this reads only kept sums).
extension SQLiteHubStore {
    public func groupConsolidation(group: String, from: String, to: String, scope: CompanyScope) async throws -> GroupConsolidation {
        try await pool.read { db in
            let (masters, plan) = try self.consolidationPlan(group, from: from, to: to, scope: scope, in: db)
            var facts = LedgerConsolidation.Facts()
            for company in plan.periods.keys.sorted() {
                let periods = plan.through(company)
                var arguments: StatementArguments = [company]
                arguments += StatementArguments(periods)
                let marks = databaseQuestionMarks(count: periods.count)
                facts.sums[company] = try LedgerPeriodSumRow.fetchAll(db, sql: """
                    SELECT period, account, sum(debit) AS debit, sum(credit) AS credit FROM ledger_balances
                    WHERE company = ? AND period IN (\(marks)) GROUP BY period, account ORDER BY period, account
                    """, arguments: arguments).map(\.sum)
                facts.intercompany[company] = try IntercompanySumRow.fetchAll(db, sql: """
                    SELECT period, partner, kind, account, item, sum(amount) AS amount, sum(quantity) AS quantity,
                           sum(quantity_lines) AS quantity_lines
                    FROM ledger_intercompany WHERE company = ? AND period IN (\(marks))
                    GROUP BY period, partner, kind, account, item ORDER BY period, partner, kind, account, item
                    """, arguments: arguments).compactMap { row in
                    LedgerConsolidation.intercompanySum(
                        company: company, partner: row.partner, kind: row.kind, account: row.account, item: row.item, amount: row.amount,
                        quantity: row.quantity, quantityLines: row.quantityLines
                    ).map { LedgerConsolidation.PeriodIntercompany(period: row.period, sum: $0) }
                }
            }
            for key in LedgerConsolidation.equityNeeds(plan, masters: masters, facts: facts) {
                facts.firstPosted[key] = try String.fetchOne(db, sql: """
                    SELECT posting_date FROM ledger_first_postings WHERE company = ? AND account = ?
                    """, arguments: [key.company, key.account])
            }
            for key in LedgerConsolidation.stockNeeds(plan, masters: masters, facts: facts) {
                let stock = try StockHeldRow.fetchOne(db, sql: """
                    SELECT coalesce(sum(quantity), 0) AS closing,
                           coalesce(sum(CASE WHEN posting_date < ? THEN quantity ELSE 0 END), 0) AS opening
                    FROM ledger_stock WHERE company = ? AND account = ? AND item = ? AND posting_date <= ?
                    """, arguments: [plan.start, key.company, key.account, key.item, plan.end])
                facts.quantities[key] = stock?.closing ?? 0
                facts.openingQuantities[key] = stock?.opening ?? 0
            }
            return try LedgerConsolidation.consolidate(plan, masters: masters, facts: facts)
        }
    }

    public func consolidationSources(group: String, from: String, to: String, source: String, offset: Int, limit: Int,
                                     scope: CompanyScope) async throws -> ConsolidationSources {
        try await pool.read { db in
            let (masters, plan) = try self.consolidationPlan(group, from: from, to: to, scope: scope, in: db)
            let sum = try LedgerConsolidation.source(source, plan: plan, masters: masters)
            var arguments: StatementArguments = [sum.company, sum.partner, sum.kind ?? "", sum.account, sum.item]
            arguments += StatementArguments(sum.periods)
            let filter = """
                company = ? AND partner = ? AND kind = ? AND account = ? AND item = ? AND period IN (\(databaseQuestionMarks(count: sum.periods.count)))
                """
            let total = try Int64.fetchOne(db, sql: "SELECT coalesce(sum(entries), 0) FROM ledger_intercompany WHERE \(filter)",
                                           arguments: arguments) ?? 0
            let keys = try String.fetchAll(db, sql: """
                SELECT source_key FROM ledger_intercompany_entries WHERE \(filter) ORDER BY posting_date, source_key LIMIT ? OFFSET ?
                """, arguments: arguments + [limit + 1, offset])
            let entry = try db.cachedStatement(sql: "SELECT \(LedgerEntryRow.columns) FROM journal_entries WHERE company = ? AND source_key = ?")
            let lines = try db.cachedStatement(sql: """
                SELECT \(LedgerLineRow.columns) FROM journal_lines WHERE company = ? AND source_key = ? ORDER BY line_no
                """)
            let entries = try keys.prefix(limit).compactMap { key in
                try LedgerEntryRow.fetchOne(entry, arguments: [sum.company, key])?.record(
                    lines: try LedgerLineRow.fetchAll(lines, arguments: [sum.company, key]).map(\.line))
            }
            return ConsolidationSources(
                group: group, from: from, to: to, source: source, company: sum.company, tradingPartner: sum.partner, account: sum.account,
                item: sum.item.isEmpty ? nil : sum.item, total: total, entries: entries, offset: offset,
                next: keys.count > limit ? offset + limit : nil)
        }
    }

    /// The masters and the plan of a group's consolidation (a group the principal may not see all of is not found).
    private func consolidationPlan(_ group: String, from: String, to: String, scope: CompanyScope,
                                   in db: Database) throws -> (LedgerMasters, LedgerConsolidation.Plan) {
        let masters = try ledgerMasters(in: db)
        let record = try LedgerMasterRow.fetchOne(db, sql: """
            SELECT kind, company, key, active, data FROM masters WHERE kind = ? AND key = ?
            """, arguments: [MasterKind.group.rawValue, group])?.record
        return (masters, try LedgerConsolidation.plan(record, masters: masters, from: from, to: to, scope: scope))
    }
}

/// A `ledger_intercompany` sum of a period.
struct IntercompanySumRow: Decodable, FetchableRecord {
    var period: String
    var partner: String
    var kind: String
    var account: String
    var item: String
    var amount: Int64
    var quantity: Int64
    var quantityLines: Int64
    enum CodingKeys: String, CodingKey {
        case period, partner, kind, account, item, amount, quantity, quantityLines = "quantity_lines"
    }
}

/// The net quantity of an item on an account at the end of a range and before its first day.
struct StockHeldRow: Decodable, FetchableRecord {
    var closing: Int64
    var opening: Int64
}
