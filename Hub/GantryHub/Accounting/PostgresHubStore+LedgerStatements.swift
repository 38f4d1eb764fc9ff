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
        try await statements(company).reconciliation(at: period)
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

    /// The facts of `company`, with the sale lines of the periods `sales` spans when asked.
    private func statements(_ company: String, sales: (from: String, to: String)? = nil) async throws -> LedgerStatements {
        let facts = try await transaction { [logger] connection in
            var facts = LedgerStatementFacts(masters: try await self.ledgerMasters(in: connection, logger: logger))
            for try await (period, account, debit, credit) in try await connection.query("""
                SELECT period, account, sum(debit)::bigint, sum(credit)::bigint FROM ledger_balances WHERE company = \(company)
                GROUP BY period, account ORDER BY period, account
                """, logger: logger).decode((String, String, Int64, Int64).self) {
                facts.balances.append(LedgerStatementFacts.PeriodSum(period: period, account: account, debit: debit, credit: credit))
            }
            for try await (item, quantity) in try await connection.query("""
                SELECT b.item, sum(b.quantity)::bigint FROM stock_balances b JOIN plants p ON p.plant_id = b.plant_id
                WHERE p.company = \(company) GROUP BY b.item
                """, logger: logger).decode((String, Int64).self) {
                facts.stock[item] = quantity
            }
            for try await (item, quantity, value) in try await connection.query(
                "SELECT item, sum(quantity)::bigint, sum(value)::bigint FROM ledger_positions WHERE company = \(company) GROUP BY item", logger: logger
            ).decode((String, Int64, Int64).self) {
                facts.positions[item] = (quantity, value)
            }
            for try await (plant, sequence, id, code, detail, at) in try await connection.query("""
                SELECT plant_id, seq, event_id, code, detail, held_at FROM ledger_held WHERE company = \(company)
                ORDER BY plant_id COLLATE "C", seq
                """, logger: logger).decode((String, Int64, UUID, String, String, Date).self) {
                facts.held.append(HeldPostingRecord(
                    plant: plant, sequence: sequence, eventID: id, company: company, code: code, detail: detail, heldAt: at))
            }
            for try await (transfer, line, quantity, value) in try await connection.query("""
                SELECT transfer, line::bigint, quantity, value FROM ledger_in_transit WHERE company = \(company)
                ORDER BY transfer COLLATE "C", line
                """, logger: logger).decode((String, Int64, Int64, Int64).self) {
                facts.inTransit.append(InventoryReconciliation.Transit(
                    transfer: transfer, line: line, quantity: Quantity(micro: quantity), value: value))
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
