import Foundation

/// One account translated into the presentation currency: what it was, at which rate (and why that rate), and
/// what it became, in minor units, debit positive.
public struct TranslationLine: Sendable, Equatable, Codable {
    /// Why a line has the rate it has (IAS 21.39–41).
    public enum Basis: String, Sendable, Codable {
        /// An asset or a liability: the closing rate.
        case closing
        /// Income or an expense: the period's average rate.
        case average
        /// An equity account: the rate it was contributed at.
        case historical
        /// An equity account carried at its translated amount (opening retained earnings): no rate.
        case carried
        /// The cumulative translation adjustment that makes the translated balances balance (OCI).
        case adjustment
    }

    public var account: String
    public var type: AccountMaster.AccountType
    public var parent: String?
    public var basis: Basis
    /// The rate used; nil for carried amounts and the adjustment.
    public var rate: AppliedRate?
    /// In the functional currency (0 for the adjustment).
    public var functionalAmount: Int64
    /// In the presentation currency, rounded half to even to its minor unit.
    public var amount: Int64

    /// The translated balance, for the statements.
    public var balance: AccountBalance { AccountBalance(account: account, type: type, parent: parent, amount: amount) }
}
