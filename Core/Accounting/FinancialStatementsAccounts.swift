import Foundation

/// An account as the statements need it: its code, type and the account it rolls up into. Group statements
/// assume one chart of account codes across the group's companies (the hub's `account` masters).
public struct StatementAccount: Sendable, Equatable, Hashable, Codable {
    public var account: String
    public var type: AccountMaster.AccountType
    public var parent: String?

    public init(account: String, type: AccountMaster.AccountType, parent: String? = nil) {
        self.account = account
        self.type = type
        self.parent = parent
    }

    /// The account an `account` master describes.
    public init(_ master: AccountMaster) {
        self.init(account: master.key, type: master.type, parent: master.parent)
    }
}

/// One account's balance: its functional (or, translated, presentation) amount in minor units, debit positive.
/// Balance-sheet accounts carry the balance at the period end, income and expense accounts the period's movement.
public struct AccountBalance: Sendable, Equatable, Codable {
    public var account: String
    public var type: AccountMaster.AccountType
    public var parent: String?
    public var amount: Int64

    public init(account: String, type: AccountMaster.AccountType, parent: String? = nil, amount: Int64) {
        self.account = account
        self.type = type
        self.parent = parent
        self.amount = amount
    }

    public init(_ account: StatementAccount, amount: Int64) {
        self.init(account: account.account, type: account.type, parent: account.parent, amount: amount)
    }

    /// What the account is, without its amount.
    public var statementAccount: StatementAccount { StatementAccount(account: account, type: type, parent: parent) }
}

extension AccountMaster.AccountType {
    /// +1 where a debit balance is shown positive (assets, expenses), −1 where a credit balance is.
    public var naturalSign: Int64 {
        switch self {
        case .asset, .expense: 1
        case .liability, .equity, .revenue: -1
        }
    }

    /// Whether the account is on the balance sheet (as opposed to the income statement).
    public var isBalanceSheet: Bool { self == .asset || self == .liability || self == .equity }
}
