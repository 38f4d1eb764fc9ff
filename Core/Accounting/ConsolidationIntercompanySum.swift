import Foundation

/// A member's intercompany lines already summed (the hub keeps these on apply, so a consolidation never reads the
/// journal): the functional amounts and quantities of its lines with one trading partner in entries of one kind, on
/// one account and item, over the range, and the name the sum is traced by.
public struct IntercompanySum: Sendable, Equatable, Codable {
    public var tradingPartner: String
    /// The kind of the entries the lines are in: with the account's type it gives the line's role.
    public var kind: PostingKind
    public var account: String
    public var item: String?
    /// In the member's functional currency, minor units, debit positive.
    public var functionalAmount: Int64
    /// Base units, micro; nil when no line summed carries one.
    public var quantity: Int64?
    /// What the sum is traced by (the hub: `COMPANY/PARTNER/ACCOUNT[/ITEM]`, whose source entries its drill-down
    /// lists); it stands in the `sources` of the intercompany line and eliminations it goes into.
    public var reference: String

    public init(tradingPartner: String, kind: PostingKind, account: String, item: String? = nil, functionalAmount: Int64,
                quantity: Int64? = nil, reference: String) {
        self.tradingPartner = tradingPartner
        self.kind = kind
        self.account = account
        self.item = item
        self.functionalAmount = functionalAmount
        self.quantity = quantity
        self.reference = reference
    }
}
