import Foundation

/// One line of a journal entry: an account and a signed amount (debit positive, credit negative) in the entry's
/// transaction currency and in the company's functional currency, both in minor units (cents), so sums are exact
/// and cheap. `tradingPartner` is the other group company of an intercompany line (eliminations find lines by it);
/// `item` and `quantity` (base units, micro) tie inventory lines to stock for the sub-ledger reconciliation.
public struct JournalLine: Sendable, Equatable, Codable {
    public var account: String
    public var amount: Int64
    public var functionalAmount: Int64
    public var item: String?
    public var quantity: Int64?
    public var tradingPartner: String?
    public var customer: String?

    public init(account: String, amount: Int64, functionalAmount: Int64, item: String? = nil, quantity: Int64? = nil,
                tradingPartner: String? = nil, customer: String? = nil) {
        self.account = account
        self.amount = amount
        self.functionalAmount = functionalAmount
        self.item = item
        self.quantity = quantity
        self.tradingPartner = tradingPartner
        self.customer = customer
    }
}

/// Where an entry comes from: a plant event (exactly once per event and `part`), a supplier invoice, a settled
/// transfer discrepancy, or a reversal of another entry. The ledger's unique key is `(company, source.key)`.
public struct EntrySource: Sendable, Equatable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable { case event, invoice, settlement, reversal }
    public var kind: Kind
    /// The event's id, the invoice's id, the discrepancy's number (`TRANSFER/n`), or the reversed entry's key.
    public var reference: String
    /// The plant whose event it is (nil for hub documents).
    public var plant: String?
    public var sequence: Int64?
    /// One source can post several entries (a shipment: cost of sales and revenue): each has its own part.
    public var part: Int

    public init(kind: Kind, reference: String, plant: String? = nil, sequence: Int64? = nil, part: Int = 0) {
        self.kind = kind
        self.reference = reference
        self.plant = plant
        self.sequence = sequence
        self.part = part
    }

    /// Unique per company: `event:UUID:0`.
    public var key: String { "\(kind.rawValue):\(reference):\(part)" }
}

/// A balanced journal entry, never edited once written: a correction is a reversal plus a new entry.
public struct JournalEntry: Sendable, Equatable, Codable {
    public var company: String
    public var source: EntrySource
    public var kind: PostingKind
    /// The day it posts on (`YYYY-MM-DD`) and the fiscal period that day is in.
    public var postingDate: String
    public var period: String
    /// The day of the fact, when it differs from `postingDate` (an event from a closed period).
    public var originalDate: String?
    public var note: String?
    public var transactionCurrency: CurrencyCode
    public var functionalCurrency: CurrencyCode
    public var lines: [JournalLine]

    public init(company: String, source: EntrySource, kind: PostingKind, postingDate: String, period: String,
                originalDate: String? = nil, note: String? = nil, transactionCurrency: CurrencyCode,
                functionalCurrency: CurrencyCode, lines: [JournalLine]) {
        self.company = company
        self.source = source
        self.kind = kind
        self.postingDate = postingDate
        self.period = period
        self.originalDate = originalDate
        self.note = note
        self.transactionCurrency = transactionCurrency
        self.functionalCurrency = functionalCurrency
        self.lines = lines
    }

    /// Whether the lines sum to zero in both currencies.
    public var isBalanced: Bool {
        lines.reduce(0) { $0 + $1.amount } == 0 && lines.reduce(0) { $0 + $1.functionalAmount } == 0
    }

    /// The entry that undoes this one: every line's sign swapped, on `date` in `period`.
    public func reversal(on date: String, period: String, note: String) -> JournalEntry {
        JournalEntry(
            company: company, source: EntrySource(kind: .reversal, reference: source.key), kind: kind, postingDate: date,
            period: period, note: note, transactionCurrency: transactionCurrency, functionalCurrency: functionalCurrency,
            lines: lines.map { line in
                var line = line
                line.amount = -line.amount
                line.functionalAmount = -line.functionalAmount
                line.quantity = line.quantity.map { -$0 }
                return line
            })
    }
}
