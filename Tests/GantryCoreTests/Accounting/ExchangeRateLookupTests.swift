import Foundation
@testable import GantryCore
import Testing

/// The rate lookup: a daily rate falls back to the pair's latest in the 7 days before (weekends, holidays), a pair
/// given the other way round serves by its inverse, closing and average rates are exact; anything else is refused
/// naming the pair and the day.
@Suite struct ExchangeRateLookupTests {
    typealias B = Books

    /// EUR→USD daily rates on Thursday 3 and Friday 4 December 2026, and Monday 14 December; PLN given as EUR→PLN
    /// only. An inactive rate on Saturday 5 December and a zero rate on Sunday 6 December are never used.
    static let table: ExchangeRateTable = {
        var inactive = B.rate(.EUR, .USD, "9.99", on: "2026-12-05")
        inactive.active = false
        return ExchangeRateTable([
            B.rate(.EUR, .USD, "1.05", on: "2026-12-03"),
            B.rate(.EUR, .USD, "1.06", on: "2026-12-04"),
            inactive,
            B.rate(.EUR, .USD, "0", on: "2026-12-06"),
            B.rate(.EUR, .USD, "1.10", on: "2026-12-14"),
            B.rate(.USD, .EUR, "0.5", on: "2026-12-04"),
            B.rate(.EUR, .PLN, "4", on: "2026-12-04"),
            B.rate(.EUR, .PLN, "4.20", on: "2026-12-31", kind: .closing),
            B.rate(.EUR, .PLN, "4.10", on: "2026-12-01", kind: .average, through: "2026-12-31"),
        ])
    }()

    @Test(arguments: [
        // The day's own rate.
        (CurrencyCode.EUR, CurrencyCode.USD, "2026-12-03", "1.05", "2026-12-03"),
        // Saturday and Sunday: Friday's (the inactive and the zero rate are not used).
        (.EUR, .USD, "2026-12-05", "1.06", "2026-12-04"),
        (.EUR, .USD, "2026-12-06", "1.06", "2026-12-04"),
        // Seven days after Friday: still Friday's; never a later rate.
        (.EUR, .USD, "2026-12-11", "1.06", "2026-12-04"),
        (.EUR, .USD, "2026-12-14", "1.10", "2026-12-14"),
        // The direct pair wins over the inverse given the same day.
        (.USD, .EUR, "2026-12-04", "0.5", "2026-12-04"),
        // Given only the other way round: 1 / 4 = 0.25.
        (.PLN, .EUR, "2026-12-07", "0.25", "2026-12-04"),
        (.EUR, .EUR, "2026-12-07", "1", ""),
    ])
    func dailyRates(from: CurrencyCode, to: CurrencyCode, day: String, rate: String, on: String) throws {
        let applied = try Self.table.daily(from: from, to: to, on: day)
        #expect(applied.rate == Decimal(string: rate)! && applied.on == on && applied.kind == .daily)
        #expect(applied.from == from && applied.to == to)
    }

    @Test func anInverseSaysSo() throws {
        #expect(try Self.table.daily(from: .PLN, to: .EUR, on: "2026-12-04").source == "ECB (inverse)")
        #expect(try Self.table.daily(from: .EUR, to: .PLN, on: "2026-12-04").source == "ECB")
    }

    /// Eight days after Friday and before any rate: refused, naming the pair and the day asked for.
    @Test(arguments: [
        (CurrencyCode.EUR, CurrencyCode.USD, "2026-12-12"),
        (.EUR, .USD, "2026-12-02"),
        (.EUR, .GBP, "2026-12-04"),
        (.PLN, .EUR, "2026-12-12"),
    ])
    func aMissingDailyRateIsRefused(from: CurrencyCode, to: CurrencyCode, day: String) {
        do throws(AccountingRefusal) {
            let applied = try Self.table.daily(from: from, to: to, on: day)
            Issue.record("found \(applied.rate)")
        } catch {
            #expect(error.code == .missingRate)
            #expect(error.detail.contains("\(from.code)/\(to.code)") && error.detail.contains(day))
        }
    }

    /// Closing rates exact to the day, average rates exact to the range, either way round.
    @Test func closingAndAverageRatesAreExact() throws {
        #expect(try Self.table.closing(from: .EUR, to: .PLN, on: "2026-12-31").rate == Decimal(string: "4.20")!)
        #expect(try Self.table.closing(from: .PLN, to: .EUR, on: "2026-12-31").rate == 1 / Decimal(string: "4.20")!)
        #expect(try Self.table.average(from: .EUR, to: .PLN, start: "2026-12-01", end: "2026-12-31").rate == Decimal(string: "4.10")!)
        #expect(throws: AccountingRefusal(.missingRate, "no EUR/PLN closing rate on 2026-12-30")) {
            try Self.table.closing(from: .EUR, to: .PLN, on: "2026-12-30")
        }
        #expect(throws: AccountingRefusal(.missingRate, "no EUR/PLN average rate for 2026-12-01 to 2026-12-30")) {
            try Self.table.average(from: .EUR, to: .PLN, start: "2026-12-01", end: "2026-12-30")
        }
    }

    /// The lookback crosses months and years: 2 January looks back to 26 December.
    @Test func theLookbackCrossesTheYear() throws {
        let table = ExchangeRateTable([B.rate(.EUR, .USD, "1.07", on: "2026-12-26"), B.rate(.EUR, .USD, "1.08", on: "2026-12-25")])
        #expect(try table.daily(from: .EUR, to: .USD, on: "2027-01-02").rate == Decimal(string: "1.07")!)
        #expect(throws: AccountingRefusal.self) { try table.daily(from: .EUR, to: .USD, on: "2027-01-03") }
        #expect(throws: AccountingRefusal.self) { try table.daily(from: .EUR, to: .USD, on: "2027-13-01") }
    }
}
