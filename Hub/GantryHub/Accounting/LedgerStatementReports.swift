import Foundation
import GantryCore

/// A company's reports from its ledger (docs/accounting.md, "Reports"): statements, the inventory sub-ledger
/// reconciliation, margin, working capital and the exports. Each reads in one transaction; periods are the
/// company's fiscal periods, and a company without books or a period not its own is refused (`AccountingRefusal`).
public protocol LedgerStatementReports: Sendable {
    /// Assets, liabilities and equity at the end of `period`, current-year earnings from its fiscal year.
    func balanceSheet(company: String, at period: String) async throws -> BalanceSheetReport
    /// Revenue and expenses over the periods `from` through `to`.
    func incomeStatement(company: String, from: String, to: String) async throws -> IncomeStatementReport
    /// The stock's value against the inventory accounts' balance at the end of `period`, the difference named.
    func inventoryReconciliation(company: String, at period: String) async throws -> InventoryReconciliation
    /// Revenue less cost of sales over `from` through `to`, grouped by `by`.
    func margin(company: String, from: String, to: String, by: MarginReport.Dimension) async throws -> MarginReport
    /// Inventory, goods received not invoiced, receivables and payables at the end of `period`.
    func workingCapital(company: String, at period: String) async throws -> WorkingCapitalReport
    /// The journal entries posted in `from` through `to`, with the chart that names their accounts.
    func ledgerExport(company: String, from: String, to: String) async throws -> LedgerExport
}
