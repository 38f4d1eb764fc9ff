import Foundation

/// The statements made from account balances (functional or translated minor units, debit positive): a trial
/// balance, a balance sheet and an income statement, each rolled up by parent account. docs/consolidation.md
/// shows them on the group example.
public enum FinancialStatements {
    /// The balances the lines of `entries` leave per account (functional amounts), accounts typed by `chart`.
    /// A line on an account the chart does not have is refused by name.
    public static func balances(of entries: [JournalEntry], chart: [StatementAccount]) throws(AccountingRefusal) -> [AccountBalance] {
        let accounts = Dictionary(chart.map { ($0.account, $0) }, uniquingKeysWith: { first, _ in first })
        var sums: [String: Int64] = [:]
        for entry in entries {
            for line in entry.lines {
                guard accounts[line.account] != nil else {
                    throw AccountingRefusal(.invalid, "entry \(entry.source.key) of \(entry.company) posts to account \(line.account), which is not in the chart")
                }
                sums[line.account, default: 0] += line.functionalAmount
            }
        }
        return sums.keys.sorted().map { AccountBalance(accounts[$0]!, amount: sums[$0]!) }
    }

    /// Every account with its balance in the debit or the credit column, sorted by account, and the totals.
    public static func trialBalance(_ balances: [AccountBalance]) -> TrialBalance {
        let rows = merged(balances).map { balance in
            TrialBalance.Row(account: balance.account, type: balance.type, parent: balance.parent,
                             debit: max(balance.amount, 0), credit: max(-balance.amount, 0))
        }
        return TrialBalance(rows: rows, totalDebit: rows.reduce(0) { $0 + $1.debit }, totalCredit: rows.reduce(0) { $0 + $1.credit })
    }

    /// Assets, liabilities and equity rolled up by parent, and the period's result as current-year earnings.
    public static func balanceSheet(_ balances: [AccountBalance]) -> BalanceSheet {
        let tree = StatementTree(merged(balances))
        return BalanceSheet(
            assets: tree.roots(of: .asset), liabilities: tree.roots(of: .liability), equity: tree.roots(of: .equity),
            currentYearEarnings: incomeStatement(balances).result)
    }

    /// Revenue and expenses rolled up by parent, and the result.
    public static func incomeStatement(_ balances: [AccountBalance]) -> IncomeStatement {
        let tree = StatementTree(merged(balances))
        return IncomeStatement(revenue: tree.roots(of: .revenue), expenses: tree.roots(of: .expense))
    }

    /// One balance per account (amounts of repeated accounts summed), sorted by account.
    static func merged(_ balances: [AccountBalance]) -> [AccountBalance] {
        var byAccount: [String: AccountBalance] = [:]
        for balance in balances {
            if byAccount[balance.account] == nil {
                byAccount[balance.account] = balance
            } else {
                byAccount[balance.account]!.amount += balance.amount
            }
        }
        return byAccount.keys.sorted().map { byAccount[$0]! }
    }
}

/// Accounts arranged under their parents. A parent named but without a balance of its own is shown with amount
/// 0 and its child's type; a parent of another type, or a loop of parents, starts a tree of its own.
struct StatementTree {
    private var accounts: [String: AccountBalance] = [:]
    private var children: [String: [String]] = [:]
    private var roots: [String] = []

    init(_ balances: [AccountBalance]) {
        for balance in balances { accounts[balance.account] = balance }
        for balance in balances {
            var parent = balance.parent
            while let code = parent, accounts[code] == nil {
                accounts[code] = AccountBalance(account: code, type: balance.type, parent: nil, amount: 0)
                parent = nil
            }
        }
        for code in accounts.keys.sorted() {
            if let parent = rootParent(of: code) { children[parent, default: []].append(code) } else { roots.append(code) }
        }
    }

    /// The parent `code` hangs under, or nil when it is a root (no parent, a parent of another type, or a loop).
    private func rootParent(of code: String) -> String? {
        guard let account = accounts[code], let parent = account.parent, let above = accounts[parent], above.type == account.type
        else { return nil }
        var seen: Set<String> = [code]
        var next: String? = parent
        while let current = next {
            if seen.contains(current) { return nil }
            seen.insert(current)
            guard let node = accounts[current], let up = node.parent, accounts[up]?.type == node.type else { break }
            next = up
        }
        return parent
    }

    func roots(of type: AccountMaster.AccountType) -> [StatementLine] {
        roots.filter { accounts[$0]?.type == type }.map { line($0) }
    }

    private func line(_ code: String) -> StatementLine {
        let account = accounts[code]!
        let lines = (children[code] ?? []).map { line($0) }
        let own = account.amount * account.type.naturalSign
        return StatementLine(account: code, type: account.type, amount: own, total: own + lines.reduce(0) { $0 + $1.total }, children: lines)
    }
}
