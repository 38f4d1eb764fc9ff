import Foundation
import GantryCore

/// The statements as CSV: `section,account,type,parent,level,amount,total`, one row per account (children under
/// their parent, level 0 for a root) in major units of the functional currency, natural signs; then the totals
/// as rows of section `total` with the figure's name as account.
enum LedgerStatementCSV {
    static let header = ["section", "account", "type", "parent", "level", "amount", "total"]

    static func rows(_ section: String, _ lines: [StatementLine], parent: String? = nil, level: Int = 0, exponent: Int) -> String {
        var text = ""
        for line in lines {
            text += CSV.line([
                section, line.account, line.type.rawValue, parent ?? "", "\(level)", MinorUnits.major(line.amount, exponent),
                MinorUnits.major(line.total, exponent),
            ])
            text += rows(section, line.children, parent: line.account, level: level + 1, exponent: exponent)
        }
        return text
    }

    static func total(_ name: String, _ amount: Int64, exponent: Int) -> String {
        CSV.line(["total", name, "", "", "", "", MinorUnits.major(amount, exponent)])
    }

    static func exponent(_ currency: String) -> Int { CurrencyCode(code: currency)?.minorUnitExponent ?? 2 }
}

extension BalanceSheetReport {
    /// Assets, liabilities and equity rows, then the totals (current-year and retained earnings among them).
    func csv() -> String {
        let places = LedgerStatementCSV.exponent(currency)
        var text = CSV.line(LedgerStatementCSV.header)
        text += LedgerStatementCSV.rows("assets", statement.assets, exponent: places)
        text += LedgerStatementCSV.rows("liabilities", statement.liabilities, exponent: places)
        text += LedgerStatementCSV.rows("equity", statement.equity, exponent: places)
        for (name, amount) in [
            ("retained-earnings", retainedEarnings), ("current-year-earnings", statement.currentYearEarnings), ("assets", totalAssets),
            ("liabilities", totalLiabilities), ("equity", totalEquity),
        ] {
            text += LedgerStatementCSV.total(name, amount, exponent: places)
        }
        return text
    }
}

extension IncomeStatementReport {
    /// Revenue and expense rows, then the totals and the result.
    func csv() -> String {
        let places = LedgerStatementCSV.exponent(currency)
        var text = CSV.line(LedgerStatementCSV.header)
        text += LedgerStatementCSV.rows("revenue", statement.revenue, exponent: places)
        text += LedgerStatementCSV.rows("expenses", statement.expenses, exponent: places)
        for (name, amount) in [("revenue", totalRevenue), ("expenses", totalExpenses), ("result", result)] {
            text += LedgerStatementCSV.total(name, amount, exponent: places)
        }
        return text
    }
}
