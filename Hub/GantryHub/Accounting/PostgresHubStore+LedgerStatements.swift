import Foundation
import GantryCore
import PostgresNIO

/// A company's statements, reconciliation, margin, working capital and exports on PostgreSQL: the facts are read in
/// one transaction, the reports built by `LedgerStatements`.
extension PostgresHubStore {
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
        let facts = try await transaction { [logger] connection in
            var facts = LedgerStatementFacts(masters: try await self.ledgerMasters(in: connection, logger: logger))
            for try await (period, account, debit, credit) in try await connection.query("""
                SELECT period, account, sum(debit)::bigint, sum(credit)::bigint FROM ledger_balances WHERE company = \(company)
                GROUP BY period, account ORDER BY period, account
                """, logger: logger).decode((String, String, Int64, Int64).self) {
                facts.balances.append(LedgerStatementFacts.PeriodSum(period: period, account: account, debit: debit, credit: credit))
            }
            if let reconciliation {
                try await Self.readReconciliation(&facts, company: company, period: reconciliation, in: connection, logger: logger)
            }
            if let sales, let range = facts.masters.periodRange(of: company, from: sales.from, to: sales.to) {
                facts.saleLines = try await Self.saleLines(company, periods: range.map(\.key), in: connection, logger: logger)
            }
            return facts
        }
        return try LedgerStatements(company: company, facts: facts)
    }

    private static func saleLines(
        _ company: String, periods: [String], in connection: PostgresConnection, logger: Logger
    ) async throws -> [LedgerStatementFacts.SaleLine] {
        var lines: [LedgerStatementFacts.SaleLine] = []
        for try await (kind, plant, item, customer, partner, amount, hasQuantity) in try await connection.query("""
            SELECT e.kind, e.plant_id, l.item, l.customer, l.trading_partner, l.functional_amount, l.quantity IS NOT NULL
            FROM journal_lines l JOIN journal_entries e ON e.company = l.company AND e.source_key = l.source_key
            WHERE l.company = \(company) AND e.period = ANY(\(periods))
              AND e.kind = ANY(\(LedgerStatementFacts.saleKinds.map(\.rawValue))) AND l.item IS NOT NULL
            ORDER BY e.source_key COLLATE "C", l.line_no
            """, logger: logger).decode((String, String?, String, String?, String?, Int64, Bool).self) {
            lines.append(LedgerStatementFacts.SaleLine(
                kind: kind, plant: plant, item: item, customer: customer, tradingPartner: partner, functionalAmount: amount,
                hasQuantity: hasQuantity))
        }
        return lines
    }
}
