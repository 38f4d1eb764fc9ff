import Foundation
import GantryCore
import Hummingbird

/// A company's statements, margin and working capital (docs/http-api.md, "Ledger reports"), each of one company
/// the principal may see (another company's is not found, as if it did not exist). Periods are fiscal period codes.
extension HubAPI {
    func respondStatements(to endpoint: HubEndpoint, query: Parameters, scope: CompanyScope) async throws -> Response {
        let csv = "text/csv; charset=utf-8"
        switch endpoint {
        case .balanceSheet: return try jsonResponse(try await balanceSheet(query, scope: scope))
        case .balanceSheetCSV: return textResponse(try await balanceSheet(query, scope: scope).csv(), contentType: csv)
        case .incomeStatement: return try jsonResponse(try await incomeStatement(query, scope: scope))
        case .incomeStatementCSV: return textResponse(try await incomeStatement(query, scope: scope).csv(), contentType: csv)
        case .inventoryReconciliation: return try jsonResponse(try await inventoryReconciliation(query, scope: scope))
        case .inventoryReconciliationCSV: return textResponse(try await inventoryReconciliation(query, scope: scope).csv(), contentType: csv)
        case .margin: return try jsonResponse(try await margin(query, scope: scope))
        case .marginCSV: return textResponse(try await margin(query, scope: scope).csv(), contentType: csv)
        case .workingCapital: return try jsonResponse(try await workingCapital(query, scope: scope))
        case .workingCapitalCSV: return textResponse(try await workingCapital(query, scope: scope).csv(), contentType: csv)
        case .ledgerExportBeancount: return textResponse(try await exportBeancount(query, scope: scope), contentType: "text/plain; charset=utf-8")
        default: return textResponse(try await exportCSV(query, scope: scope), contentType: csv)
        }
    }

    /// `GET /v1/ledger/balance-sheet?company=&at=PERIOD` (and `.csv`).
    func balanceSheet(_ query: Parameters, scope: CompanyScope) async throws -> BalanceSheetReport {
        try await store.balanceSheet(company: try ledgerCompany(query, scope: scope), at: try periodCode(query, "at"))
    }

    /// `GET /v1/ledger/income-statement?company=&from=PERIOD&to=PERIOD` (and `.csv`).
    func incomeStatement(_ query: Parameters, scope: CompanyScope) async throws -> IncomeStatementReport {
        let company = try ledgerCompany(query, scope: scope)
        return try await store.incomeStatement(company: company, from: try periodCode(query, "from"), to: try periodCode(query, "to"))
    }

    /// `GET /v1/ledger/margin?company=&from=PERIOD&to=PERIOD&by=item|customer|plant|company` (`by` defaults to item; and `.csv`).
    func margin(_ query: Parameters, scope: CompanyScope) async throws -> MarginReport {
        let company = try ledgerCompany(query, scope: scope)
        let from = try periodCode(query, "from"), to = try periodCode(query, "to")
        var by = MarginReport.Dimension.item
        if let text = query["by"].map(String.init) {
            guard let dimension = MarginReport.Dimension(rawValue: text) else {
                throw invalidQuery("by", "by is one of item, customer, plant, company; got \"\(text)\"")
            }
            by = dimension
        }
        return try await store.margin(company: company, from: from, to: to, by: by)
    }

    /// `GET /v1/ledger/working-capital?company=&at=PERIOD` (and `.csv`).
    func workingCapital(_ query: Parameters, scope: CompanyScope) async throws -> WorkingCapitalReport {
        try await store.workingCapital(company: try ledgerCompany(query, scope: scope), at: try periodCode(query, "at"))
    }
}
