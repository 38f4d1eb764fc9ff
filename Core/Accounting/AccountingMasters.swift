import Foundation

/// How a company values its inventory.
public enum InventoryValuation: String, Sendable, Codable, CaseIterable {
    /// At the item's standard cost (`item-cost`); differences go to variance accounts.
    case standard
    /// At the moving average of what was paid (AVCO), per company, plant and item (the valuation area is the plant).
    case movingAverage = "moving-average"
}

/// A `fiscal-period` master (key: the period's code, e.g. `2026-12` or `FY27-P04`): a company's period, from
/// `start` to `end` (both `YYYY-MM-DD`, inclusive). Periods need not be calendar months; a company's periods do not
/// overlap. Whether a period is closed is not a master field: closing is an audited ledger action.
public struct FiscalPeriodMaster: MasterView, Equatable {
    public static let kind = MasterKind.fiscalPeriod
    public var key = ""
    public var company: String?
    public var active = true
    public var start: String
    public var end: String
    /// The fiscal year it belongs to (e.g. `FY2027`), for year-to-date reports and the year-end close.
    public var fiscalYear: String

    private enum CodingKeys: String, CodingKey { case start, end, fiscalYear }
}

/// An `exchange-rate` master, shared by all companies: one `from` unit is `rate` `to` units. Its key is
/// `FROM.TO.KIND.DATE` (`EUR.PLN.daily.2026-12-03`), so one record exists per pair, kind and date.
public struct ExchangeRateMaster: MasterView, Equatable {
    public enum RateKind: String, Sendable, Codable, CaseIterable {
        /// The rate of one day (`on`), for transactions of that day.
        case daily
        /// The average over `on` to `through`, for income and expenses of a period when translating.
        case average
        /// The rate at the end of `on`, for assets and liabilities at a period end.
        case closing
    }

    public static let kind = MasterKind.exchangeRate
    public var key = ""
    public var company: String?
    public var active = true
    public var from: CurrencyCode
    public var to: CurrencyCode
    public var rateKind: RateKind
    public var on: String
    /// The last day an `average` rate covers.
    public var through: String?
    public var rate: Decimal
    /// Where the rate comes from (`ECB`, `NBP table A 233/A/NBP/2026`), shown beside every figure it makes.
    public var source: String

    private enum CodingKeys: String, CodingKey { case from, to, rateKind = "kind", on, through, rate, source }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        from = try container.decode(CurrencyCode.self, forKey: .from)
        to = try container.decode(CurrencyCode.self, forKey: .to)
        rateKind = try container.decode(RateKind.self, forKey: .rateKind)
        on = try container.decode(String.self, forKey: .on)
        through = try container.decodeIfPresent(String.self, forKey: .through)
        rate = try container.decimalText(forKey: .rate)
        source = try container.decode(String.self, forKey: .source)
    }

    public init(from: CurrencyCode, to: CurrencyCode, rateKind: RateKind, on: String, through: String? = nil,
                rate: Decimal, source: String) {
        self.from = from
        self.to = to
        self.rateKind = rateKind
        self.on = on
        self.through = through
        self.rate = rate
        self.source = source
        key = "\(from.code).\(to.code).\(rateKind.rawValue).\(on)"
    }
}

/// An `item-cost` master (key: the item): a company's standard cost of one base unit of the item, in the
/// company's functional currency, and the part of it that is labour and overhead (the rest is material).
/// Under moving average it is the cost stock is valued at until the first priced receipt.
public struct ItemCostMaster: MasterView, Equatable {
    public static let kind = MasterKind.itemCost
    public var key = ""
    public var company: String?
    public var active = true
    public var standardCost: Money
    public var labour: Money?
    public var overhead: Money?

    private enum CodingKeys: String, CodingKey { case standardCost, labour, overhead }
}

/// A `work-centre-rate` master (key: `PLANT.WORKCENTRE`, company-scoped): the cost of an hour of a work centre,
/// labour and overhead, absorbed into a work order from its routing times.
public struct WorkCentreRateMaster: MasterView, Equatable {
    public static let kind = MasterKind.workCentreRate
    public var key = ""
    public var company: String?
    public var active = true
    public var labourPerHour: Money
    public var overheadPerHour: Money?

    private enum CodingKeys: String, CodingKey { case labourPerHour, overheadPerHour }
}

/// A `group` master (shared; key: the group's code): the companies consolidated together, the currency the group
/// reports in, and each member's ownership. Every member is held at 100 % in this release; a minority interest
/// would add a non-controlling-interest share of each subsidiary's equity and result (docs/accounting.md).
public struct GroupMaster: MasterView, Equatable {
    public struct Member: Sendable, Equatable, Codable {
        public var company: String
        /// Percent, as decimal text on the wire (`"100"`).
        public var ownershipPercent: Decimal

        private enum CodingKeys: String, CodingKey { case company, ownershipPercent }

        public init(company: String, ownershipPercent: Decimal = 100) {
            self.company = company
            self.ownershipPercent = ownershipPercent
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            company = try container.decode(String.self, forKey: .company)
            ownershipPercent = try container.decimalTextIfPresent(forKey: .ownershipPercent) ?? 100
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(company, forKey: .company)
            try container.encode("\(ownershipPercent)", forKey: .ownershipPercent)
        }
    }

    public static let kind = MasterKind.group
    public var key = ""
    public var company: String?
    public var active = true
    public var name: String
    public var presentationCurrency: CurrencyCode
    /// The parent company.
    public var parent: String
    public var members: [Member]

    private enum CodingKeys: String, CodingKey { case name, presentationCurrency, parent, members }
}
