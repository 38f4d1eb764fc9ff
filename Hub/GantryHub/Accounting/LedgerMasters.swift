import Foundation
import GantryCore

/// The masters posting reads, decoded once per master version (`LedgerMasterCache`): each company's books, item
/// costs, exchange rates, transfer prices, work-centre rates, the chart of accounts and the plants' time zones.
/// Inactive records are left out (a retired rate or mapping posts nothing).
struct LedgerMasters: Sendable {
    /// The kinds read; every other kind changes nothing posting sees.
    static let kinds: [MasterKind] = [
        .company, .plant, .account, .accountMapping, .item, .fiscalPeriod, .exchangeRate, .itemCost, .intercompanyPrice, .workCentreRate,
    ]

    var companies: [String: CompanyMaster] = [:]
    var mappings: [String: [PostingKind: CompanyBooks.AccountPair]] = [:]
    /// Per company, sorted by start.
    var periods: [String: [FiscalPeriodMaster]] = [:]
    var accounts: [String: [String: AccountMaster]] = [:]
    var itemCosts: [CompanyItem: ItemCostMaster] = [:]
    /// The items' own `standardCost`, by owning company ('' for shared items), read as an item cost: it stands in for
    /// a company without an `item-cost` of the item when it is in the company's currency.
    var itemStandardCosts: [CompanyItem: ItemCostMaster] = [:]
    /// The items' weight per base unit in kilograms (`unitWeightKg`), by owning company ('' for shared items), for
    /// landed costs split by weight.
    var itemWeights: [CompanyItem: Decimal] = [:]
    var rates = ExchangeRateTable([])
    var intercompanyPrices: [IntercompanyPriceKey: Money] = [:]
    var workCentreRates: [String: WorkCentreRateMaster] = [:]
    /// The plant master's time zone, by plant id (the enrolment's stands in without one: `timeZone(of:enrolled:)`).
    var timeZones: [String: String] = [:]

    /// The zone a plant's days are in for its postings, stock days, periods and reports: its plant master's, else
    /// `enrolled`, the one given when it was enrolled.
    func timeZone(of plant: String, enrolled: String) -> String { timeZones[plant] ?? enrolled }

    init(_ records: [MasterRecord] = []) {
        var rates: [ExchangeRateMaster] = []
        for record in records where record.active {
            let company = record.company ?? ""
            switch record.kind {
            case .company:
                if let master = CompanyMaster(record) { companies[record.key] = master }
            case .plant:
                if let master = PlantMaster(record) { timeZones[record.key] = master.timeZone }
            case .account:
                if let master = AccountMaster(record) { accounts[company, default: [:]][record.key] = master }
            case .accountMapping:
                if let master = AccountMappingMaster(record), let kind = PostingKind(rawValue: record.key) {
                    mappings[company, default: [:]][kind] = CompanyBooks.AccountPair(debit: master.debit, credit: master.credit)
                }
            case .fiscalPeriod:
                if let master = FiscalPeriodMaster(record) { periods[company, default: []].append(master) }
            case .exchangeRate:
                if let master = ExchangeRateMaster(record) { rates.append(master) }
            case .item:
                if case .object(let fields) = record.data, case .string(let text)? = fields["unitWeightKg"],
                   let weight = DecimalText.parse(text) {
                    itemWeights[CompanyItem(company: company, item: record.key)] = weight
                }
                if case .object(let fields) = record.data, let cost = fields["standardCost"],
                   let master = ItemCostMaster(MasterRecord(
                       kind: .itemCost, company: record.company, key: record.key, active: true, plants: [],
                       data: .object(["standardCost": cost]), version: record.version, updatedAt: record.updatedAt, updatedBy: record.updatedBy)) {
                    itemStandardCosts[CompanyItem(company: company, item: record.key)] = master
                }
            case .itemCost:
                if let master = ItemCostMaster(record) { itemCosts[CompanyItem(company: company, item: record.key)] = master }
            case .intercompanyPrice:
                if let master = IntercompanyPriceMaster(record) {
                    intercompanyPrices[IntercompanyPriceKey(seller: company, buyer: master.buyer, item: master.item)] = master.price
                }
            case .workCentreRate:
                if let master = WorkCentreRateMaster(record) { workCentreRates[record.key] = master }
            default:
                break
            }
        }
        for company in periods.keys { periods[company]?.sort { $0.start < $1.start } }
        self.rates = ExchangeRateTable(rates.sorted { $0.key < $1.key })
    }

    /// Whether the hub keeps `company`'s books: it has a fiscal calendar (at least one `fiscal-period`). Accounting
    /// is taken up company by company: the events of a company without one post nothing and are not held.
    func keepsBooks(_ company: String) -> Bool {
        !(periods[company] ?? []).isEmpty
    }

    /// A company's books with `closed` periods, or nil when it has no company master or keeps no books at the hub.
    func books(_ company: String, closed: Set<String>) -> CompanyBooks? {
        guard let master = companies[company], keepsBooks(company) else { return nil }
        return CompanyBooks(
            company: company, functionalCurrency: master.currency, valuation: master.valuationMethod, mapping: mappings[company] ?? [:],
            periods: periods[company] ?? [], closedPeriods: closed)
    }

    /// The cost a company values an item at: its `item-cost`, else the item's own standard cost (the company's item,
    /// then the shared one) when that is in the company's currency.
    func itemCost(_ item: CompanyItem) -> ItemCostMaster? {
        if let cost = itemCosts[item] { return cost }
        guard let currency = companies[item.company]?.currency else { return nil }
        let own = itemStandardCosts[item] ?? itemStandardCosts[CompanyItem(company: "", item: item.item)]
        return own?.standardCost.currency == currency ? own : nil
    }

    /// An item's weight per base unit in kilograms: the company's item, then the shared one.
    func unitWeight(_ item: CompanyItem) -> Decimal? {
        itemWeights[item] ?? itemWeights[CompanyItem(company: "", item: item.item)]
    }

    /// A company's period by code.
    func period(_ code: String, of company: String) -> FiscalPeriodMaster? {
        periods[company]?.first { $0.key == code }
    }

    /// The codes of a company's periods from `from` through `to` (by start), or nil when either is not its period.
    func periodRange(of company: String, from: String, to: String) -> [FiscalPeriodMaster]? {
        guard let first = period(from, of: company), let last = period(to, of: company), first.start <= last.start else { return nil }
        return (periods[company] ?? []).filter { first.start <= $0.start && $0.start <= last.start }
    }
}
