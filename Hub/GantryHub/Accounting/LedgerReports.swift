import Foundation
import GantryCore

/// What the ledger's reports check before they read, for both databases.
enum LedgerReports {
    /// The period codes `from` through `to` of `company` and its functional currency; refuses a company without books
    /// and periods that are not its own or run backwards.
    static func range(_ masters: LedgerMasters, company: String, from: String, to: String) throws -> (periods: [String], currency: String) {
        guard let books = masters.companies[company] else {
            throw AccountingRefusal(.unknownCompany, "no company master for \(company)")
        }
        guard let periods = masters.periodRange(of: company, from: from, to: to), !periods.isEmpty else {
            throw AccountingRefusal(.invalid, "from and to are fiscal periods of \(company), from not after to; got \(from) to \(to)")
        }
        return (periods.map(\.key), books.currency.code)
    }
}
