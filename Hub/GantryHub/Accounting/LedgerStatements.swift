import Foundation
import GantryCore

/// A company's reports built from `LedgerStatementFacts`, the same for both databases (docs/accounting.md,
/// "Reports"). The statements themselves come from Core's `FinancialStatements`.
struct LedgerStatements {
    let company: String
    let facts: LedgerStatementFacts
    let books: CompanyMaster

    /// Refuses a company without a company master.
    init(company: String, facts: LedgerStatementFacts) throws {
        guard let books = facts.masters.companies[company] else {
            throw AccountingRefusal(.unknownCompany, "no company master for \(company)")
        }
        self.company = company
        self.facts = facts
        self.books = books
    }

    var currency: String { books.currency.code }

    /// The company's period `code`, or a refusal naming it.
    func period(_ code: String) throws -> FiscalPeriodMaster {
        guard let period = facts.masters.period(code, of: company) else {
            throw AccountingRefusal(.invalid, "\(code) is not a fiscal period of \(company)")
        }
        return period
    }

    /// The codes of the periods starting on or before `period` starts (balances at its end).
    func periods(through period: FiscalPeriodMaster) -> Set<String> {
        Set((facts.masters.periods[company] ?? []).filter { $0.start <= period.start }.map(\.key))
    }

    /// Per account, the balance (debit positive) over `periods`, typed by the chart; an account with a balance
    /// but no `account` master is refused by name.
    func balances(_ periods: Set<String>) throws -> [AccountBalance] {
        var sums: [String: Int64] = [:]
        for sum in facts.balances where periods.contains(sum.period) { sums[sum.account, default: 0] += sum.debit - sum.credit }
        let chart = facts.masters.accounts[company] ?? [:]
        return try sums.keys.sorted().map { account in
            guard let master = chart[account] else {
                throw AccountingRefusal(.invalid, "account \(account) of \(company) has postings but no account master: add it to the chart")
            }
            return AccountBalance(StatementAccount(master), amount: sums[account]!)
        }
    }

    func balanceSheet(at code: String) throws -> BalanceSheetReport {
        let end = try period(code)
        let all = (facts.masters.periods[company] ?? []).filter { $0.start <= end.start }
        let thisYear = Set(all.filter { $0.fiscalYear == end.fiscalYear }.map(\.key))
        let earlier = Set(all.map(\.key)).subtracting(thisYear)
        let cumulative = try balances(Set(all.map(\.key))).filter(\.type.isBalanceSheet)
        let yearToDate = try balances(thisYear).filter { !$0.type.isBalanceSheet }
        let sheet = FinancialStatements.balanceSheet(cumulative + yearToDate)
        let retained = FinancialStatements.incomeStatement(try balances(earlier).filter { !$0.type.isBalanceSheet }).result
        let equity = sheet.totalEquity + retained
        return BalanceSheetReport(
            company: company, currency: currency, at: code, fiscalYear: end.fiscalYear, statement: sheet, retainedEarnings: retained,
            totalAssets: sheet.totalAssets, totalLiabilities: sheet.totalLiabilities, totalEquity: equity,
            balanced: sheet.totalAssets == sheet.totalLiabilities + equity)
    }

    func incomeStatement(from: String, to: String) throws -> IncomeStatementReport {
        let range = try LedgerReports.range(facts.masters, company: company, from: from, to: to)
        let statement = FinancialStatements.incomeStatement(try balances(Set(range.periods)).filter { !$0.type.isBalanceSheet })
        return IncomeStatementReport(
            company: company, currency: currency, from: from, to: to, statement: statement, totalRevenue: statement.totalRevenue,
            totalExpenses: statement.totalExpenses, result: statement.result)
    }

    /// Debit accounts of `kinds` in the company's mapping, sorted, without repeats.
    func debits(_ kinds: [PostingKind]) -> [String] {
        Set(kinds.compactMap { facts.masters.mappings[company]?[$0]?.debit }).sorted()
    }

    func credits(_ kinds: [PostingKind]) -> [String] {
        Set(kinds.compactMap { facts.masters.mappings[company]?[$0]?.credit }).sorted()
    }

    /// The accounts holding stock: what receipts, production output, transit receipts and quarantine debit.
    var inventoryAccounts: [String] { debits([.receipt, .productionOutput, .transitReceipt, .quarantine]) }

    /// The sum of `accounts`' balances through `period`, debit positive.
    func balance(of accounts: [String], through period: FiscalPeriodMaster) -> Int64 {
        let periods = periods(through: period), wanted = Set(accounts)
        return facts.balances.filter { periods.contains($0.period) && wanted.contains($0.account) }.reduce(0) { $0 + $1.debit - $1.credit }
    }

    func workingCapital(at code: String) throws -> WorkingCapitalReport {
        let end = try period(code)
        func figure(_ accounts: [String], sign: Int64) -> WorkingCapitalReport.Figure {
            WorkingCapitalReport.Figure(accounts: accounts, amount: sign * balance(of: accounts, through: end))
        }
        let inventory = figure(inventoryAccounts, sign: 1), transit = figure(debits([.transitOut, .intercompanyPurchase]), sign: 1)
        let grni = figure(credits([.receipt]), sign: -1), receivables = figure(debits([.revenue, .intercompanySale]), sign: 1)
        let payables = figure(credits([.supplierInvoice, .invoicePriceVariance, .landedCost, .intercompanyPurchase]), sign: -1)
        return WorkingCapitalReport(
            company: company, currency: currency, at: code, inventory: inventory, inTransit: transit, goodsReceivedNotInvoiced: grni,
            receivables: receivables, payables: payables,
            workingCapital: inventory.amount + transit.amount + receivables.amount - grni.amount - payables.amount)
    }

    /// Revenue: the item-carrying lines of revenue and intercompany-sale entries (the sold lines; the receivable line
    /// carries no item), credit positive. Cost of sales: the item-carrying lines without a quantity of cost-of-sales
    /// entries (the expense side; the inventory side carries the quantity given up).
    func margin(from: String, to: String, by dimension: MarginReport.Dimension) throws -> MarginReport {
        _ = try LedgerReports.range(facts.masters, company: company, from: from, to: to)
        var rows: [String: MarginReport.Row] = [:]
        for line in facts.saleLines {
            let sale = line.kind == PostingKind.revenue.rawValue || line.kind == PostingKind.intercompanySale.rawValue
            guard sale || !line.hasQuantity else { continue }
            let intercompany = line.tradingPartner != nil && line.tradingPartner != company
            let key: String = switch dimension {
            case .item: line.item
            case .customer: (intercompany ? line.tradingPartner : line.customer) ?? ""
            case .plant: line.plant ?? ""
            case .company: company
            }
            let id = "\(intercompany ? 1 : 0)\u{1}\(key)"
            var row = rows[id] ?? MarginReport.Row(key: key, intercompany: intercompany, revenue: 0, costOfSales: 0, margin: 0)
            if sale { row.revenue -= line.functionalAmount } else { row.costOfSales += line.functionalAmount }
            row.margin = row.revenue - row.costOfSales
            rows[id] = row
        }
        let sorted = rows.keys.sorted().map { rows[$0]! }
        return MarginReport(
            company: company, currency: currency, from: from, to: to, by: dimension, rows: sorted, revenue: sorted.reduce(0) { $0 + $1.revenue },
            costOfSales: sorted.reduce(0) { $0 + $1.costOfSales }, margin: sorted.reduce(0) { $0 + $1.margin })
    }
}
