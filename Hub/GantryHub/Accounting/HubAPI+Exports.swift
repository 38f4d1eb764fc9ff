import Foundation
import GantryCore
import Hummingbird

extension HubAPI {
    /// `GET /v1/ledger/export.beancount?company=&from=PERIOD&to=PERIOD`: the entries as a file `bean-check` accepts.
    func exportBeancount(_ query: Parameters, scope: CompanyScope) async throws -> String {
        let export = try await ledgerExport(query, scope: scope)
        return try Beancount.file(export.entries, chart: export.chart, title: "\(export.company) ledger")
    }

    /// `GET /v1/ledger/export.csv?company=&from=PERIOD&to=PERIOD`: one row per journal line (`Beancount.journalLinesCSV`).
    func exportCSV(_ query: Parameters, scope: CompanyScope) async throws -> String {
        Beancount.journalLinesCSV(try await ledgerExport(query, scope: scope).entries)
    }

    private func ledgerExport(_ query: Parameters, scope: CompanyScope) async throws -> LedgerExport {
        let company = try ledgerCompany(query, scope: scope)
        return try await store.ledgerExport(company: company, from: try periodCode(query, "from"), to: try periodCode(query, "to"))
    }
}
