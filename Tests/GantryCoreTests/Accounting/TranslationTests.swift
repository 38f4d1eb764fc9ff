import Foundation
@testable import GantryCore
import Testing

/// IAS 21 translation: rates by account type, rounding per line into the CTA, and refusals.
@Suite struct TranslationTests {
    private static let cta = StatementAccount(account: "3900", type: .equity)
    private static func rate(_ from: CurrencyCode, _ to: CurrencyCode, _ kind: ExchangeRateMaster.RateKind, _ text: String) -> AppliedRate {
        AppliedRate(from: from, to: to, kind: kind, on: "2026-11-30", rate: Decimal(string: text)!, source: "test")
    }

    /// One asset translated at the closing rate: functional minor units, the pair and rate, presentation minor units
    /// rounded half to even by hand.
    @Test(arguments: [
        (Int64(100), CurrencyCode.PLN, CurrencyCode.EUR, "0.235", Int64(24)),   // 0.235 EUR → 23.5 cents → 24 (even)
        (300, .PLN, .EUR, "0.235", 70),                                           // 70.5 → 70 (even)
        (-300, .PLN, .EUR, "0.235", -70),
        (12_345, .EUR, .JPY, "160.5", 19_814),                                    // 123.45 × 160.5 = 19,813.725 JPY
        (1_000, .EUR, .BHD, "0.41235", 4_124),                                    // 10 × 0.41235 = 4.1235 BHD → 4.124 (even)
        (7, .JPY, .EUR, "0.00625", 4),                                            // 7 × 0.00625 = 0.04375 EUR → 4 cents
    ])
    func eachLineRoundsHalfToEvenAtThePresentationMinorUnit(minor: Int64, from: CurrencyCode, to: CurrencyCode, text: String, expected: Int64) throws {
        let rates = TranslationRates(closing: Self.rate(from, to, .closing, text), average: Self.rate(from, to, .average, text))
        let translation = try Translation.translate(
            company: "S", balances: [AccountBalance(account: "1000", type: .asset, amount: minor)], from: from, to: to, rates: rates, cta: Self.cta)
        #expect(translation.lines.first?.amount == expected)
        #expect(translation.cta == -expected, "the CTA balances the translated lines")
    }

    @Test func equityCarriedAtItsTranslatedAmountIsNotRetranslated() throws {
        let rates = TranslationRates(closing: Self.rate(.PLN, .EUR, .closing, "0.24"), average: Self.rate(.PLN, .EUR, .average, "0.23"),
                                     historical: ["3000": Self.rate(.PLN, .EUR, .daily, "0.25")])
        let balances = [AccountBalance(account: "1000", type: .asset, amount: 1_500_000),
                        AccountBalance(account: "3000", type: .equity, amount: -1_000_000),
                        AccountBalance(account: "3100", type: .equity, amount: -500_000)]
        let translation = try Translation.translate(company: "S", balances: balances, from: .PLN, to: .EUR, rates: rates,
                                                    carriedEquity: ["3100": -118_000], cta: Self.cta)
        // Assets 15,000 × 0.24 = 3,600; capital 10,000 × 0.25 = 2,500; retained earnings carried at 1,180: the
        // CTA is a debit of 80 (a loss).
        #expect(translation.lines.map(\.basis) == [.closing, .historical, .carried, .adjustment])
        #expect(translation.lines.map(\.amount) == [360_000, -250_000, -118_000, 8_000])
        #expect(translation.cta == 8_000 && translation.ctaRounding == 0)
    }

    /// Earlier periods' results carried as retained earnings: each at its own period's average, rounded on its own.
    /// 100.05 PLN × 0.235 = 23.51175 → 23.51; 200.10 PLN × 0.245 = 49.0245 → 49.02; −0.50 PLN × 0.25 = −0.125 → −0.12
    /// (even): 72.41 EUR, where the sum 299.65 PLN at one rate would not say which.
    @Test func earlierResultsAreCarriedEachAtItsOwnRate() throws {
        let results = [(result: Int64(10_005), rate: Self.rate(.PLN, .EUR, .average, "0.235")),
                       (result: Int64(20_010), rate: Self.rate(.PLN, .EUR, .average, "0.245")),
                       (result: Int64(-50), rate: Self.rate(.PLN, .EUR, .average, "0.25"))]
        #expect(try Translation.carried(results, from: .PLN, to: .EUR) == 2_351 + 4_902 - 12)
        #expect(try Translation.carried([(result: 10_005, rate: Self.rate(.EUR, .EUR, .average, "1"))], from: .EUR, to: .EUR) == 10_005)
        #expect(throws: AccountingRefusal.self) {
            try Translation.carried([(result: 10_005, rate: Self.rate(.EUR, .PLN, .average, "4.2"))], from: .PLN, to: .EUR)
        }
    }

    @Test func theSameCurrencyTranslatesAsItIs() throws {
        let balances = ConsolidationScenario.parentOther
        let rates = try TranslationRates.lookup(ExchangeRateTable([]), from: .EUR, to: .EUR, periodStart: "2026-11-01", periodEnd: "2026-11-30")
        let translation = try Translation.translate(company: "P", balances: balances, from: .EUR, to: .EUR, rates: rates, cta: Self.cta)
        #expect(translation.cta == 0)
        #expect(translation.lines.dropLast().map(\.amount) == translation.lines.dropLast().map(\.functionalAmount))
    }

    /// Rates that cannot translate, and the refusal code each gets.
    @Test(arguments: [
        ("no historical rate for capital", AccountingRefusal.Code.missingRate),
        ("closing rate the wrong way round", .invalid),
        ("average rate given as the closing one", .invalid),
        ("historical rate of another pair", .invalid),
    ])
    func ratesThatCannotTranslateAreRefused(kase: String, code: AccountingRefusal.Code) {
        var rates = TranslationRates(closing: Self.rate(.PLN, .EUR, .closing, "0.24"), average: Self.rate(.PLN, .EUR, .average, "0.23"),
                                     historical: ["3000": Self.rate(.PLN, .EUR, .daily, "0.25")])
        switch kase {
        case "no historical rate for capital": rates.historical = [:]
        case "closing rate the wrong way round": rates.closing = Self.rate(.EUR, .PLN, .closing, "4.2")
        case "average rate given as the closing one": rates.closing = Self.rate(.PLN, .EUR, .average, "0.23")
        default: rates.historical["3000"] = Self.rate(.USD, .EUR, .daily, "0.9")
        }
        let balances = [AccountBalance(account: "1000", type: .asset, amount: 100), AccountBalance(account: "3000", type: .equity, amount: -100)]
        #expect(throws: AccountingRefusal.self) {
            do throws(AccountingRefusal) {
                _ = try Translation.translate(company: "S", balances: balances, from: .PLN, to: .EUR, rates: rates, cta: Self.cta)
            } catch {
                #expect(error.code == code, "\(kase): \(error.detail)")
                throw error
            }
        }
    }

    @Test func anAmountBeyondTheLedgerOnceTranslatedIsRefused() {
        // 46,116,860,184,273,879.03 EUR at 1,000 JPY is more yen than an Int64 holds.
        let rates = TranslationRates(closing: Self.rate(.EUR, .JPY, .closing, "1000"), average: Self.rate(.EUR, .JPY, .average, "1000"))
        let balances = [AccountBalance(account: "1000", type: .asset, amount: Int64.max / 2)]
        do throws(AccountingRefusal) {
            _ = try Translation.translate(company: "S", balances: balances, from: .EUR, to: .JPY, rates: rates, cta: Self.cta)
            Issue.record("translated beyond the ledger")
        } catch {
            #expect(error.code == .outOfRange)
        }
    }
}
