import Foundation

/// A trial balance: every account with its debit or credit balance, and the two totals, which are equal when
/// the books balance.
public struct TrialBalance: Sendable, Equatable, Codable {
    /// One account's row: its balance in the debit column (positive balances) or the credit column (negative).
    public struct Row: Sendable, Equatable, Codable {
        public var account: String
        public var type: AccountMaster.AccountType
        public var parent: String?
        public var debit: Int64
        public var credit: Int64

        /// The balance, debit positive.
        public var balance: Int64 { debit - credit }
    }

    public var rows: [Row]
    public var totalDebit: Int64
    public var totalCredit: Int64

    /// Whether debits equal credits.
    public var isBalanced: Bool { totalDebit == totalCredit }

    /// The row of `account`, if it has one.
    public func row(_ account: String) -> Row? { rows.first { $0.account == account } }
}

/// A line of a statement: an account with its own amount and the accounts that roll up into it, shown with its
/// natural sign (assets and expenses debit positive; liabilities, equity and revenue credit positive).
public struct StatementLine: Sendable, Equatable, Codable {
    public var account: String
    public var type: AccountMaster.AccountType
    /// The account's own balance, natural sign.
    public var amount: Int64
    /// `amount` plus the totals of every child.
    public var total: Int64
    public var children: [StatementLine]

    /// This line or a line under it, by account.
    public func line(_ code: String) -> StatementLine? {
        if account == code { return self }
        for child in children { if let found = child.line(code) { return found } }
        return nil
    }
}

/// A balance sheet at a period end, natural signs: assets = liabilities + equity, where equity includes the
/// result of the period so far as current-year earnings.
public struct BalanceSheet: Sendable, Equatable, Codable {
    public var assets: [StatementLine]
    public var liabilities: [StatementLine]
    public var equity: [StatementLine]
    /// Revenue less expenses of the period (the income statement's result), shown within equity.
    public var currentYearEarnings: Int64

    public var totalAssets: Int64 { assets.reduce(0) { $0 + $1.total } }
    public var totalLiabilities: Int64 { liabilities.reduce(0) { $0 + $1.total } }
    /// Equity accounts plus current-year earnings.
    public var totalEquity: Int64 { equity.reduce(0) { $0 + $1.total } + currentYearEarnings }
    public var isBalanced: Bool { totalAssets == totalLiabilities + totalEquity }

    /// The line of `account` in any section.
    public func line(_ account: String) -> StatementLine? {
        for root in assets + liabilities + equity { if let found = root.line(account) { return found } }
        return nil
    }
}

/// An income statement for a period, natural signs: result = revenue − expenses.
public struct IncomeStatement: Sendable, Equatable, Codable {
    public var revenue: [StatementLine]
    public var expenses: [StatementLine]

    public var totalRevenue: Int64 { revenue.reduce(0) { $0 + $1.total } }
    public var totalExpenses: Int64 { expenses.reduce(0) { $0 + $1.total } }
    /// Profit positive, loss negative.
    public var result: Int64 { totalRevenue - totalExpenses }

    public func line(_ account: String) -> StatementLine? {
        for root in revenue + expenses { if let found = root.line(account) { return found } }
        return nil
    }
}
