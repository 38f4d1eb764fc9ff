import Foundation

/// A `customer` master: who a company sells to, the currency its orders default to and its payment terms.
public struct CustomerMaster: MasterView, Equatable {
    public static let kind = MasterKind.customer
    public var key = ""
    public var company: String?
    public var active = true
    public var name: String
    public var currency: CurrencyCode
    public var paymentTermsDays: Int
    public var country: String?
    public var email: String?

    private enum CodingKeys: String, CodingKey { case name, currency, paymentTermsDays, country, email }
}

/// An `intercompany-price` master (key `BUYER:ITEM`, owned by the selling company): the transfer price at which the
/// seller sells an item to another company of the group.
public struct IntercompanyPriceMaster: MasterView, Equatable {
    public static let kind = MasterKind.intercompanyPrice
    public var key = ""
    public var company: String?
    public var active = true
    /// The buying company.
    public var buyer: String
    public var item: String
    /// Per base unit of the item.
    public var price: Money

    private enum CodingKeys: String, CodingKey { case buyer, item, price }
}
