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

extension InventoryReconciliation {
    /// `section,key,quantity,value,detail`, amounts in major units of the functional currency, quantities in base
    /// units: a row per item (`item`: the valuation in `detail`, no value when unvalued), per held posting (`held`: the
    /// plant and sequence, the refusal in `detail`), per item of a late entry (`late`: its source key and reason), per
    /// transfer line in transit (`in-transit`: `TRANSFER/LINE`); then the totals as rows of section `total`.
    func csv() -> String {
        let places = LedgerStatementCSV.exponent(currency)
        func major(_ amount: Int64?) -> String { amount.map { MinorUnits.major($0, places) } ?? "" }
        var text = CSV.line(["section", "key", "quantity", "value", "detail"])
        for item in items {
            text += CSV.line(["item", item.item, item.quantity.description, major(item.value), item.valuation])
        }
        for posting in held {
            text += CSV.line(["held", "\(posting.plant)/\(posting.sequence)", "", "", "\(posting.code): \(posting.detail)"])
        }
        for entry in late {
            for item in entry.items {
                text += CSV.line(["late", item.item, item.quantity?.description ?? "", major(item.value), "\(entry.sourceKey): \(entry.reason)"])
            }
        }
        for line in inTransit {
            text += CSV.line(["in-transit", "\(line.transfer)/\(line.line)", line.quantity.description, major(line.value), ""])
        }
        for (name, amount) in [
            ("stock-value", stockValue), ("ledger-value", ledgerValue), ("difference", difference), ("late-value", lateValue),
            ("in-transit-value", inTransitValue),
        ] {
            text += CSV.line(["total", name, "", major(amount), ""])
        }
        text += CSV.line(["total", "matches", "", "", matches ? "true" : "false"])
        return text
    }
}

extension MarginReport {
    /// `key,intercompany,revenue,cost_of_sales,margin` per row in major units, then the totals as key `total`.
    func csv() -> String {
        let places = LedgerStatementCSV.exponent(currency)
        var text = CSV.line([by.rawValue, "intercompany", "revenue", "cost_of_sales", "margin"])
        for row in rows {
            text += CSV.line([row.key, row.intercompany ? "true" : "false", MinorUnits.major(row.revenue, places),
                              MinorUnits.major(row.costOfSales, places), MinorUnits.major(row.margin, places)])
        }
        text += CSV.line(["total", "", MinorUnits.major(revenue, places), MinorUnits.major(costOfSales, places), MinorUnits.major(margin, places)])
        return text
    }
}

extension WorkingCapitalReport {
    /// `figure,accounts,amount`: each figure with its accounts (space-separated) in major units, then working capital.
    func csv() -> String {
        let places = LedgerStatementCSV.exponent(currency)
        var text = CSV.line(["figure", "accounts", "amount"])
        for (name, figure) in [
            ("inventory", inventory), ("in-transit", inTransit), ("goods-received-not-invoiced", goodsReceivedNotInvoiced),
            ("receivables", receivables), ("payables", payables),
        ] {
            text += CSV.line([name, figure.accounts.joined(separator: " "), MinorUnits.major(figure.amount, places)])
        }
        text += CSV.line(["working-capital", "", MinorUnits.major(workingCapital, places)])
        return text
    }
}
