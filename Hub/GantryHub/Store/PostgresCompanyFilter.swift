import GantryCore

/// The PostgreSQL store's one way of keeping a query to a principal's companies: bound as
/// `(\(filter.everyCompany) OR company = ANY(\(filter.companies)))`, so the statement is the same for every scope.
struct PostgresCompanyFilter {
    /// True for a principal of every company: the condition holds for every row.
    var everyCompany: Bool
    /// The principal's companies, sorted (empty for every company).
    var companies: [String]

    init(_ scope: CompanyScope) {
        everyCompany = scope.companies == nil
        companies = scope.companies.map { $0.sorted() } ?? []
    }
}
