import Foundation
@testable import GantryCore

/// The group of docs/consolidation.md: P (EUR, the parent) buys raw material, makes 1,000 widgets at a standard
/// cost of 15.00 and sells 600 to its subsidiary S (PLN) at 20.00, a markup of a third; S receives them at the
/// day's rate of 4.30 PLN per EUR and sells 400 at 120.00 PLN, so 200 are still in its stock at the period end.
/// S's capital of 40,000.00 PLN came in at 0.25 EUR per PLN; November's average is 0.2320, its closing rate
/// 0.2350. Amounts in minor units.
enum ConsolidationScenario {
    static let chart: [StatementAccount] = [
        .init(account: "1000", type: .asset), .init(account: "1100", type: .asset), .init(account: "1200", type: .asset),
        .init(account: "1400", type: .asset), .init(account: "1410", type: .asset, parent: "1400"),
        .init(account: "1420", type: .asset, parent: "1400"), .init(account: "1430", type: .asset, parent: "1400"),
        .init(account: "1450", type: .asset, parent: "1400"),
        .init(account: "2100", type: .liability), .init(account: "2200", type: .liability),
        .init(account: "3000", type: .equity), .init(account: "3900", type: .equity),
        .init(account: "4000", type: .revenue), .init(account: "4100", type: .revenue),
        .init(account: "5000", type: .expense), .init(account: "5100", type: .expense), .init(account: "5300", type: .expense),
        .init(account: "6000", type: .expense), .init(account: "6100", type: .expense), .init(account: "7900", type: .expense),
    ]

    static func account(_ code: String) -> StatementAccount { chart.first { $0.account == code }! }

    static let accounts = ConsolidationAccounts(
        cta: account("3900"), eliminations: EliminationAccounts(difference: account("7900"), costOfSales: account("5000")))

    static let widgets600 = Int64(600_000_000), widgets200 = Int64(200_000_000)

    static func entry(_ company: String, _ reference: String, _ kind: PostingKind, _ day: String, currency: CurrencyCode = .EUR,
                      functional: CurrencyCode = .EUR, _ lines: [JournalLine]) -> JournalEntry {
        JournalEntry(company: company, source: EntrySource(kind: .event, reference: reference, plant: company + "-1", sequence: 1),
                     kind: kind, postingDate: day, period: "2026-11", transactionCurrency: currency, functionalCurrency: functional,
                     lines: lines)
    }

    static func line(_ account: String, _ amount: Int64, _ functional: Int64? = nil, item: String? = nil, quantity: Int64? = nil,
                     partner: String? = nil) -> JournalLine {
        JournalLine(account: account, amount: amount, functionalAmount: functional ?? amount, item: item, quantity: quantity,
                    tradingPartner: partner)
    }

    /// P's entries from plant events (EUR).
    static let parentEntries: [JournalEntry] = [
        entry("P", "p-receipt", .receipt, "2026-11-02", [line("1410", 1_200_000, item: "RAW", quantity: 1_000_000_000), line("2100", -1_200_000)]),
        entry("P", "p-issue", .issueToProduction, "2026-11-03", [line("1450", 1_200_000), line("1410", -1_200_000, item: "RAW", quantity: -1_000_000_000)]),
        entry("P", "p-conversion", .conversionAbsorption, "2026-11-04", [line("1450", 300_000), line("5300", -300_000)]),
        entry("P", "p-output", .productionOutput, "2026-11-05", [line("1420", 1_500_000, item: "WIDGET", quantity: 1_000_000_000), line("1450", -1_500_000)]),
        entry("P", "p-ic-cost", .intercompanyCostOfSales, "2026-11-10", [
            line("5100", 900_000, item: "WIDGET", quantity: widgets600, partner: "S"),
            line("1420", -900_000, item: "WIDGET", quantity: -widgets600, partner: "S")]),
        entry("P", "p-ic-sale", .intercompanySale, "2026-11-10", [
            line("1200", 1_200_000, partner: "S"), line("4100", -1_200_000, item: "WIDGET", quantity: widgets600, partner: "S")]),
    ]

    /// P's books outside plant events: capital paid in, wages paid.
    static let parentOther: [AccountBalance] = [
        AccountBalance(account("1000"), amount: 10_000_000 - 300_000), AccountBalance(account("3000"), amount: -10_000_000),
        AccountBalance(account("6000"), amount: 300_000),
    ]

    /// S's entries (PLN; the purchase in EUR at 4.30).
    static let subsidiaryEntries: [JournalEntry] = [
        entry("S", "s-ic-purchase", .intercompanyPurchase, "2026-11-10", currency: .EUR, functional: .PLN, [
            line("1430", 1_200_000, 5_160_000, item: "WIDGET", quantity: widgets600, partner: "P"), line("2200", -1_200_000, -5_160_000, partner: "P")]),
        entry("S", "s-transit-receipt", .transitReceipt, "2026-11-12", currency: .PLN, functional: .PLN, [
            line("1420", 5_160_000, item: "WIDGET", quantity: widgets600), line("1430", -5_160_000, item: "WIDGET", quantity: -widgets600)]),
        entry("S", "s-revenue", .revenue, "2026-11-20", currency: .PLN, functional: .PLN, [line("1100", 4_800_000), line("4000", -4_800_000)]),
        entry("S", "s-cost", .costOfSales, "2026-11-20", currency: .PLN, functional: .PLN, [
            line("5000", 3_440_000), line("1420", -3_440_000, item: "WIDGET", quantity: -400_000_000)]),
    ]

    /// S's other books: capital of 40,000.00 PLN, rent of 2,000.05 PLN paid.
    static let subsidiaryOther: [AccountBalance] = [
        AccountBalance(account("1000"), amount: 4_000_000 - 200_005), AccountBalance(account("3000"), amount: -4_000_000),
        AccountBalance(account("6100"), amount: 200_005),
    ]

    static let rates = ExchangeRateTable([
        ExchangeRateMaster(from: .PLN, to: .EUR, rateKind: .closing, on: "2026-11-30", rate: Decimal(string: "0.2350")!, source: "ECB"),
        ExchangeRateMaster(from: .PLN, to: .EUR, rateKind: .average, on: "2026-11-01", through: "2026-11-30", rate: Decimal(string: "0.2320")!, source: "ECB"),
    ])

    static let capitalRate = AppliedRate(from: .PLN, to: .EUR, kind: .daily, on: "2026-01-15", rate: Decimal(string: "0.25")!, source: "ECB")

    static func members() throws -> [ConsolidationMember] {
        let parent = try FinancialStatements.balances(of: parentEntries, chart: chart) + parentOther
        let subsidiary = try FinancialStatements.balances(of: subsidiaryEntries, chart: chart) + subsidiaryOther
        return [
            ConsolidationMember(
                company: "P", functionalCurrency: .EUR, balances: parent,
                rates: try TranslationRates.lookup(rates, from: .EUR, to: .EUR, periodStart: "2026-11-01", periodEnd: "2026-11-30"),
                intercompanyEntries: parentEntries.filter { $0.lines.contains { $0.tradingPartner != nil } }),
            ConsolidationMember(
                company: "S", functionalCurrency: .PLN, balances: subsidiary,
                rates: try TranslationRates.lookup(rates, from: .PLN, to: .EUR, periodStart: "2026-11-01", periodEnd: "2026-11-30",
                                                   historical: ["3000": capitalRate]),
                intercompanyEntries: subsidiaryEntries.filter { $0.lines.contains { $0.tradingPartner != nil } }),
        ]
    }

    static let holdings = [IntragroupHolding(seller: "P", buyer: "S", item: "WIDGET", account: "1420", quantity: widgets200)]
}
