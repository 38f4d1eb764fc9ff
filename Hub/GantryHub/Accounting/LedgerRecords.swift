import Foundation
import GantryCore

/// An event the ledger holds: applied at the hub, not posted, and why (`GET /v1/ledger/held`).
public struct HeldPostingRecord: Sendable, Equatable, Codable {
    public var plant: String
    public var sequence: Int64
    public var eventID: UUID
    public var company: String
    /// The refusal's code (`missing-mapping`, `missing-rate`, …) and what is missing.
    public var code: String
    public var detail: String
    public var heldAt: Date
}

/// What a retry of held postings did: how many posted, and what stays held with its current reason.
public struct LedgerRetryOutcome: Sendable, Equatable, Codable {
    public var posted: Int
    public var held: [HeldPostingRecord]
}

/// A company's fiscal period and whether it is closed (`GET /v1/ledger/periods`).
public struct FiscalPeriodStatus: Sendable, Equatable, Codable {
    public var company: String
    public var period: String
    public var start: String
    public var end: String
    public var fiscalYear: String
    public var closed: Bool
    public var closedAt: Date?
    public var closedBy: String?
}

/// Which journal entries to list: one company's, by posting date (inclusive), optionally those touching one account.
public struct JournalQuery: Sendable, Equatable {
    public var company: String
    public var from: String?
    public var to: String?
    public var account: String?
    public var offset: Int
    public var limit: Int
}

/// A journal entry as the hub holds it.
public struct JournalEntryRecord: Sendable, Equatable, Codable {
    public var company: String
    public var sourceKey: String
    public var kind: String
    public var plant: String?
    public var sequence: Int64?
    public var postingDate: String
    public var period: String
    public var originalDate: String?
    public var note: String?
    public var transactionCurrency: String
    public var functionalCurrency: String
    public var postedAt: Date
    public var lines: [JournalLine]
}

/// A page of journal entries, in posting date order; `next` is the offset of the next page, if any.
public struct JournalPage: Sendable, Equatable, Codable {
    public var entries: [JournalEntryRecord]
    public var offset: Int
    public var next: Int?
}

/// A trial balance from the balances kept on apply, in the company's functional currency (minor units).
public struct TrialBalanceReport: Sendable, Equatable, Codable {
    public struct Line: Sendable, Equatable, Codable {
        public var account: String
        public var name: String?
        public var type: String?
        public var debit: Int64
        public var credit: Int64
        /// Debit minus credit.
        public var balance: Int64
    }

    public var company: String
    public var currency: String
    public var from: String
    public var to: String
    public var lines: [Line]
    public var totalDebit: Int64
    public var totalCredit: Int64

    /// Built from per-account sums of debits and credits, with the chart of accounts' names and types.
    init(company: String, currency: String, from: String, to: String, sums: [(account: String, debit: Int64, credit: Int64)],
         accounts: [String: AccountMaster]) {
        self.company = company
        self.currency = currency
        self.from = from
        self.to = to
        lines = sums.sorted { $0.account < $1.account }.map { sum in
            Line(account: sum.account, name: accounts[sum.account]?.name, type: accounts[sum.account]?.type.rawValue, debit: sum.debit,
                 credit: sum.credit, balance: sum.debit - sum.credit)
        }
        totalDebit = lines.reduce(0) { $0 + $1.debit }
        totalCredit = lines.reduce(0) { $0 + $1.credit }
    }

    /// `account,name,type,debit,credit,balance` in major units of `currency` (`1234.50`).
    func csv() -> String {
        let exponent = CurrencyCode(code: currency)?.minorUnitExponent ?? 2
        var text = CSV.line(["account", "name", "type", "debit", "credit", "balance"])
        for line in lines {
            text += CSV.line([
                line.account, line.name ?? "", line.type ?? "", MinorUnits.major(line.debit, exponent), MinorUnits.major(line.credit, exponent),
                MinorUnits.major(line.balance, exponent),
            ])
        }
        return text
    }
}

/// Amounts in a currency's minor units written for people and CSV.
enum MinorUnits {
    /// Minor units as a decimal with exactly `exponent` places.
    static func major(_ minor: Int64, _ exponent: Int) -> String {
        let digits = String(minor.magnitude)
        guard exponent > 0 else { return (minor < 0 ? "-" : "") + digits }
        let padded = String(repeating: "0", count: max(0, exponent + 1 - digits.count)) + digits
        let split = padded.index(padded.endIndex, offsetBy: -exponent)
        return (minor < 0 ? "-" : "") + padded[..<split] + "." + padded[split...]
    }
}
