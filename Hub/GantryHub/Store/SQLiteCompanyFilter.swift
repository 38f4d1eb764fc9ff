import GantryCore
import GRDB

/// The SQLite store's one way of keeping a query to a principal's companies: a condition on a company column, with
/// its arguments, or none for a principal of every company.
struct SQLiteCompanyFilter {
    /// `column IN (?, …)`, or `(shared OR column IN (?, …))` when rows matching `shared` are everyone's; nil for all.
    var condition: String?
    var arguments: StatementArguments

    init(_ scope: CompanyScope, column: String, shared: String? = nil) {
        guard let companies = scope.companies else {
            condition = nil
            arguments = []
            return
        }
        let list = "\(column) IN (\(Array(repeating: "?", count: companies.count).joined(separator: ", ")))"
        condition = shared.map { "(\($0) OR \(list))" } ?? list
        arguments = StatementArguments(companies.sorted())
    }

    /// ` AND condition`, or nothing: to append to a WHERE clause.
    var and: String { condition.map { " AND \($0)" } ?? "" }
}
