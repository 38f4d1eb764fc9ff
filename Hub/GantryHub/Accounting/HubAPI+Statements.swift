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
        case .margin: return try jsonResponse(try await margin(query, scope: scope))
        case .workingCapital: return try jsonResponse(try await workingCapital(query, scope: scope))
        case .ledgerExportBeancount: return textResponse(try await exportBeancount(query, scope: scope), contentType: "text/plain; charset=utf-8")
        default: return textResponse(try await exportCSV(query, scope: scope), contentType: csv)
        }
    }

    /// `GET /v1/ledger/balance-sheet?company=&at=PERIOD` (and `.csv`).
    func balanceSheet(_ query: Parameters, scope: CompanyScope) async throws -> BalanceSheetReport {
        try await store.balanceSheet(company: try statementCompany(query, scope: scope), at: try statementPeriod(query, "at"))
    }

    /// `GET /v1/ledger/income-statement?company=&from=PERIOD&to=PERIOD` (and `.csv`).
    func incomeStatement(_ query: Parameters, scope: CompanyScope) async throws -> IncomeStatementReport {
        let company = try statementCompany(query, scope: scope)
        return try await store.incomeStatement(company: company, from: try statementPeriod(query, "from"), to: try statementPeriod(query, "to"))
    }

    /// `GET /v1/ledger/margin?company=&from=PERIOD&to=PERIOD&by=item|customer|plant|company` (`by` defaults to item).
    func margin(_ query: Parameters, scope: CompanyScope) async throws -> MarginReport {
        let company = try statementCompany(query, scope: scope)
        let from = try statementPeriod(query, "from"), to = try statementPeriod(query, "to")
        var by = MarginReport.Dimension.item
        if let text = query["by"].map(String.init) {
            guard let dimension = MarginReport.Dimension(rawValue: text) else {
                throw invalidQuery("by", "by is one of item, customer, plant, company; got \"\(text)\"")
            }
            by = dimension
        }
        return try await store.margin(company: company, from: from, to: to, by: by)
    }

    /// `GET /v1/ledger/working-capital?company=&at=PERIOD`.
    func workingCapital(_ query: Parameters, scope: CompanyScope) async throws -> WorkingCapitalReport {
        try await store.workingCapital(company: try statementCompany(query, scope: scope), at: try statementPeriod(query, "at"))
    }

    /// The `company` a report names, required: outside the principal's companies it is not found.
    func statementCompany(_ query: Parameters, scope: CompanyScope) throws -> String {
        guard let text = query["company"].map(String.init) else { throw invalidQuery("company", "company is required") }
        guard let code = try? PlantIdentity(company: text, code: "0").company, code == text else {
            throw invalidQuery("company", "company is a company code of 1 to 16 letters or digits, got \"\(text)\"")
        }
        guard scope.covers(code) else {
            throw ProblemDetails(code: "not-found", title: "Not found", status: 404, detail: "no company \(code)")
        }
        return code
    }

    /// A required fiscal period code.
    func statementPeriod(_ query: Parameters, _ name: String) throws -> String {
        guard let text = query[Substring(name)].map(String.init) else { throw invalidQuery(name, "\(name) is required: a fiscal period") }
        if let problem = MasterKey.problem(text) { throw invalidQuery(name, "\(name): \(problem)") }
        return text
    }
}
