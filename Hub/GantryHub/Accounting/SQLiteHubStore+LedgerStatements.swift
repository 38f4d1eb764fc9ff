import Foundation
import GantryCore
import GRDB

/// A company's statements, reconciliation, margin, working capital and exports on SQLite: the facts are read in
/// one transaction, the reports built by `LedgerStatements`.
extension SQLiteHubStore {
    public func balanceSheet(company: String, at period: String) async throws -> BalanceSheetReport {
        try await statements(company).balanceSheet(at: period)
    }

    public func incomeStatement(company: String, from: String, to: String) async throws -> IncomeStatementReport {
        try await statements(company).incomeStatement(from: from, to: to)
    }

    public func inventoryReconciliation(company: String, at period: String) async throws -> InventoryReconciliation {
        try await statements(company, reconciliation: period).reconciliation(at: period)
    }

    public func margin(company: String, from: String, to: String, by: MarginReport.Dimension) async throws -> MarginReport {
        try await statements(company, sales: (from, to)).margin(from: from, to: to, by: by)
    }

    public func workingCapital(company: String, at period: String) async throws -> WorkingCapitalReport {
        try await statements(company).workingCapital(at: period)
    }

    public func ledgerExport(company: String, from: String, to: String) async throws -> LedgerExport {
        try await statements(company).export(from: from, to: to) { try await journalEntries($0) }
    }

    /// The facts of `company`, with the sale lines of the periods `sales` spans, or what the reconciliation at the
    /// end of period `reconciliation` reads, when asked.
    private func statements(
        _ company: String, sales: (from: String, to: String)? = nil, reconciliation: String? = nil
    ) async throws -> LedgerStatements {
        let facts = try await pool.read { db in
            var facts = LedgerStatementFacts(masters: try self.ledgerMasters(in: db))
            facts.balances = try LedgerPeriodSumRow.fetchAll(db, sql: """
                SELECT period, account, sum(debit) AS debit, sum(credit) AS credit FROM ledger_balances WHERE company = ?
                GROUP BY period, account ORDER BY period, account
                """, arguments: [company]).map(\.sum)
            if let reconciliation { try Self.readReconciliation(&facts, company: company, period: reconciliation, in: db) }
            if let sales, let range = facts.masters.periodRange(of: company, from: sales.from, to: sales.to) {
                facts.saleLines = try Self.saleLines(company, periods: range.map(\.key), in: db)
            }
            return facts
        }
        return try LedgerStatements(company: company, facts: facts)
    }

    private static func saleLines(_ company: String, periods: [String], in db: Database) throws -> [LedgerStatementFacts.SaleLine] {
        let kinds = LedgerStatementFacts.saleKinds.map(\.rawValue)
        var arguments: StatementArguments = [company]
        arguments += StatementArguments(periods)
        arguments += StatementArguments(kinds)
        return try LedgerSaleLineRow.fetchAll(db, sql: """
            SELECT e.kind, e.plant_id, l.item, l.customer, l.trading_partner, l.functional_amount, l.quantity IS NOT NULL AS has_quantity
            FROM journal_lines l JOIN journal_entries e ON e.company = l.company AND e.source_key = l.source_key
            WHERE l.company = ? AND e.period IN (\(databaseQuestionMarks(count: periods.count)))
              AND e.kind IN (\(databaseQuestionMarks(count: kinds.count))) AND l.item IS NOT NULL
            ORDER BY e.source_key, l.line_no
            """, arguments: arguments).map(\.line)
    }
}
