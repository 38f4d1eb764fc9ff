import Foundation

/// A `company` master: the legal entity, its currency and country.
public struct CompanyMaster: MasterView, Equatable {
    public static let kind = MasterKind.company
    public var key = ""
    public var company: String?
    public var active = true
    public var legalName: String
    public var currency: CurrencyCode
    /// ISO 3166 alpha-2.
    public var country: String?
    /// How its inventory is valued (standard cost when not set).
    public var valuation: InventoryValuation?
    /// How far an invoice may be above the PO price × received quantity, in percent, before it is held (the
    /// three-way match); 0 when not set.
    public var matchTolerancePercent: Decimal?

    /// The valuation method in force.
    public var valuationMethod: InventoryValuation { valuation ?? .standard }

    private enum CodingKeys: String, CodingKey { case legalName, currency, country, valuation, matchTolerancePercent }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        legalName = try container.decode(String.self, forKey: .legalName)
        currency = try container.decode(CurrencyCode.self, forKey: .currency)
        country = try container.decodeIfPresent(String.self, forKey: .country)
        valuation = try container.decodeIfPresent(InventoryValuation.self, forKey: .valuation)
        matchTolerancePercent = try container.decimalTextIfPresent(forKey: .matchTolerancePercent)
    }
}

/// A `plant` master: a plant of a company (key `COMPANY-PLANT`), its name and time zone.
public struct PlantMaster: MasterView, Equatable {
    public static let kind = MasterKind.plant
    public var key = ""
    public var company: String?
    public var active = true
    public var name: String
    /// An IANA time zone name, e.g. `Europe/Berlin`.
    public var timeZone: String
    public var address: String?
    /// The GS1 company prefix the plant allocates SSCCs under (6 to 12 digits).
    public var gs1CompanyPrefix: GS1CompanyPrefix?

    private enum CodingKeys: String, CodingKey { case name, timeZone, address, gs1CompanyPrefix }
}

/// An `account` master: a ledger account of a company's chart.
public struct AccountMaster: MasterView, Equatable {
    public enum AccountType: String, Sendable, Codable, CaseIterable { case asset, liability, equity, revenue, expense }

    public static let kind = MasterKind.account
    public var key = ""
    public var company: String?
    public var active = true
    public var name: String
    public var type: AccountType
    /// The account it rolls up into.
    public var parent: String?

    private enum CodingKeys: String, CodingKey { case name, type, parent }
}

/// An `account-mapping` master: which accounts a kind of business event posts to.
public struct AccountMappingMaster: MasterView, Equatable {
    public static let kind = MasterKind.accountMapping
    public var key = ""
    public var company: String?
    public var active = true
    public var description: String?
    public var debit: String
    public var credit: String

    private enum CodingKeys: String, CodingKey { case description, debit, credit }
}
