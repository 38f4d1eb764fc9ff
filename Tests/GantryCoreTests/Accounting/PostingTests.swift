import Foundation
@testable import GantryCore

/// What the posting tests share: two companies (DE01 in EUR at standard cost, PL01 in PLN at moving average), three
/// monthly periods, every posting kind mapped to readable account names, and builders for sources and moves.
enum Books {
    static let accounts: [PostingKind: CompanyBooks.AccountPair] = [
        .receipt: pair("inventory", "grni"),
        .purchasePriceVariance: pair("ppv", "grni"),
        .returnToSupplier: pair("grni", "inventory"),
        .issueToProduction: pair("wip", "inventory"),
        .conversionAbsorption: pair("wip", "absorbed"),
        .productionOutput: pair("finished", "wip"),
        .materialUsageVariance: pair("usage", "wip"),
        .productionVariance: pair("production-variance", "wip"),
        .scrap: pair("scrap-expense", "inventory"),
        .inventoryAdjustment: pair("inventory", "adjustment"),
        .quarantine: pair("quarantined", "inventory"),
        .costOfSales: pair("cogs", "inventory"),
        .revenue: pair("receivable", "revenue"),
        .intercompanyCostOfSales: pair("ic-cogs", "inventory"),
        .intercompanySale: pair("ic-receivable", "ic-revenue"),
        .intercompanyPurchase: pair("in-transit", "ic-payable"),
        .transitOut: pair("in-transit", "inventory"),
        .transitReceipt: pair("inventory", "in-transit"),
        .transitLoss: pair("transit-loss", "in-transit"),
    ]

    static func pair(_ debit: String, _ credit: String) -> CompanyBooks.AccountPair {
        CompanyBooks.AccountPair(debit: debit, credit: credit)
    }

    static func period(_ key: String, _ start: String, _ end: String) -> FiscalPeriodMaster {
        var period = FiscalPeriodMaster(start: start, end: end, fiscalYear: "FY2026")
        period.key = key
        return period
    }

    static let periods = [
        period("2026-11", "2026-11-01", "2026-11-30"),
        period("2026-12", "2026-12-01", "2026-12-31"),
        period("2027-01", "2027-01-01", "2027-01-31"),
    ]

    static func company(_ code: String, _ currency: CurrencyCode, _ valuation: InventoryValuation,
                        without: Set<PostingKind> = [], closed: Set<String> = []) -> CompanyBooks {
        CompanyBooks(company: code, functionalCurrency: currency, valuation: valuation,
                     mapping: accounts.filter { !without.contains($0.key) }, periods: periods, closedPeriods: closed)
    }

    static let de01 = company("DE01", .EUR, .standard)
    static let pl01 = company("PL01", .PLN, .movingAverage)

    static func money(_ text: String, _ currency: CurrencyCode = .EUR) -> Money {
        Money(text: text, currency: currency)!
    }

    static func quantity(_ text: String) -> Quantity {
        Quantity(text: text)!
    }

    static func cost(_ text: String, _ currency: CurrencyCode = .EUR) -> ItemCostMaster {
        ItemCostMaster(standardCost: money(text, currency))
    }

    static func snapshot(_ books: [CompanyBooks] = [de01, pl01]) -> PostingSnapshot {
        PostingSnapshot(books: Dictionary(uniqueKeysWithValues: books.map { ($0.company, $0) }))
    }

    static func rate(_ from: CurrencyCode, _ to: CurrencyCode, _ rate: String, on day: String = "2026-12-03",
                     kind: ExchangeRateMaster.RateKind = .daily, through: String? = nil) -> ExchangeRateMaster {
        ExchangeRateMaster(from: from, to: to, rateKind: kind, on: day, through: through, rate: Decimal(string: rate)!, source: "ECB")
    }

    /// A source of `company` at plant `plant`, at noon UTC of `day` in Berlin.
    static func source(_ event: PostingSource.Event, company: String = "DE01", plant: String = "P1", day: String = "2026-12-03",
                       id: Int = 1) -> PostingSource {
        let formatter = ISO8601DateFormatter()
        return PostingSource(
            eventID: UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", id))!, plant: plant, sequence: Int64(id),
            company: company, occurredAt: formatter.date(from: "\(day)T12:00:00Z")!, timeZone: "Europe/Berlin", event: event)
    }

    static func move(_ kind: MoveKind, _ item: String, _ quantity: String, from: String? = nil, to: String? = nil,
                     reference: MoveReference? = nil) -> PostingSource.Event {
        .stockMoved(StockMoved(
            moveId: UUID(), kind: kind, item: item, lot: nil, serial: nil, expiry: nil, quantity: self.quantity(quantity), uom: "EA",
            from: from, to: to, reference: reference, scan: nil, reason: nil))
    }

    static func orderLine(_ id: String = "PO-1/1") -> MoveReference {
        MoveReference(kind: .purchaseOrderLine, id: id)
    }

    static func workOrder(_ id: String = "WO-1") -> MoveReference {
        MoveReference(kind: .workOrder, id: id)
    }
}

extension JournalEntry {
    /// Functional amounts per account, summed.
    var functional: [String: Int64] {
        lines.reduce(into: [:]) { $0[$1.account, default: 0] += $1.functionalAmount }
    }

    /// Transaction-currency amounts per account, summed.
    var transaction: [String: Int64] {
        lines.reduce(into: [:]) { $0[$1.account, default: 0] += $1.amount }
    }
}

extension PostingOutcome {
    func entries(_ kind: PostingKind) -> [JournalEntry] {
        entries.filter { $0.kind == kind }
    }

    var allBalanced: Bool {
        entries.allSatisfy(\.isBalanced)
    }
}

extension CompanyItem {
    /// The position of this company's item at `plant` (the valuation area is the plant).
    func at(_ plant: String) -> ValuationKey { ValuationKey(company: company, plant: plant, item: item) }
}
