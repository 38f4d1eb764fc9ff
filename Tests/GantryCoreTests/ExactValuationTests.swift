import Foundation
@testable import GantryCore
import Testing

/// Valuation in integers gives what the decimal path gives: the same minor units, rounded half to even, for every
/// currency exponent, and the same amounts and printed places for money built from minor units.
@Suite struct ExactValuationTests {
    static let currencies = ["EUR", "JPY", "BHD"].map { CurrencyCode(code: $0)! }

    func decimalPath(_ quantity: Quantity, _ price: Decimal, _ currency: CurrencyCode) -> Int64? {
        Money(amount: quantity.decimal * price, currency: currency).roundedToMinorUnit().minorUnits
    }

    @Test(arguments: ["1.25", "0.0125", "1.234567", "0.005", "0.125", "0.135", "-2.5", "1234567.891", "0.000000001", "100",
                      "0", "98765432109.87654321"])
    func integerValuationIsTheDecimalPath(price: String) throws {
        let unit = try #require(Decimal(string: price, locale: Locale(identifier: "en_US_POSIX")))
        let quantities: [Int64] = [0, 1, -1, 500_000, 1_000_000, 12_345_678, -999_999, 2_500_000, 5_000_000_000_000_000, Int64.max / 3]
        for currency in Self.currencies {
            for micro in quantities {
                let quantity = Quantity(micro: micro)
                #expect(Money.minorUnits(of: quantity, at: unit, in: currency) == decimalPath(quantity, unit, currency),
                        "\(quantity) at \(price) \(currency.code)")
            }
        }
    }

    @Test func tiesGoToTheEvenMinorUnit() {
        let eur = CurrencyCode(code: "EUR")!, jpy = CurrencyCode(code: "JPY")!
        // 1 × 0.125 = 0.125 → 0.12; 1 × 0.135 = 0.135 → 0.14; 0.5 × 0.125 = 0.0625 → 0.06; 2.5 × 1 JPY → 2; 3.5 → 4.
        #expect(Money.minorUnits(of: Quantity(1), at: Decimal(string: "0.125")!, in: eur) == 12)
        #expect(Money.minorUnits(of: Quantity(1), at: Decimal(string: "0.135")!, in: eur) == 14)
        #expect(Money.minorUnits(of: Quantity(micro: 500_000), at: Decimal(string: "0.125")!, in: eur) == 6)
        #expect(Money.minorUnits(of: Quantity(micro: 2_500_000), at: 1, in: jpy) == 2)
        #expect(Money.minorUnits(of: Quantity(micro: 3_500_000), at: 1, in: jpy) == 4)
        #expect(Money.minorUnits(of: Quantity(micro: -2_500_000), at: 1, in: jpy) == -2)
    }

    @Test(arguments: [Int64(0), 1, -1, 1250, -1250, 100, 123_456_789, Int64.max, Int64.min + 1])
    func moneyFromMinorUnitsKeepsItsValueAndPlaces(minor: Int64) {
        for currency in Self.currencies {
            var power = Decimal(1)
            for _ in 0..<currency.minorUnitExponent { power *= 10 }
            let money = Money(minorUnits: minor, currency: currency)
            #expect(money.amount == Decimal(minor) / power)
            #expect(money.minorUnits == minor)
            #expect(money.fractionDigits == currency.minorUnitExponent)
        }
    }

    @Test func placesAreCountedAsWritten() {
        let eur = CurrencyCode(code: "EUR")!
        #expect(Money(amount: Decimal(string: "0.0125")!, currency: eur).fractionDigits == 4)
        #expect(Money(amount: Decimal(string: "12.500")!, currency: eur).fractionDigits == 2)
        #expect(Money(amount: Decimal(string: "1.2345678901234567890123")!, currency: eur).fractionDigits == 22)
        #expect(Money(amount: Decimal(string: "0.005")!, currency: eur).minorUnits == nil)
        #expect(Money(amount: Decimal(string: "12345678901234567890123")!, currency: eur).minorUnits == nil)
    }

    /// The integer paths are taken on this platform: reading a decimal's parts from its storage checks out.
    @Test func theIntegerPathsAreTaken() {
        #expect(Decimal.storageReads)
        #expect(Decimal(string: "-12.345")!.smallParts! == (-12_345, -3))
        #expect(Decimal(string: "12345678901234567891")!.smallParts == nil)
    }

    @Test func quantitiesAsDecimalsAreExact() {
        for micro: Int64 in [0, 1, -1, 12_500_000, Int64.max / 2] {
            #expect(Quantity(micro: micro).decimal == Decimal(micro) / Decimal(1_000_000))
        }
    }
}
