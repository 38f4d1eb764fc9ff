import Foundation
@testable import GantryCore
import Testing

/// Money reads and prints exactly, knows each currency's minor unit and rounds half to even only when asked.
@Suite struct MoneyTests {
    @Test(arguments: [
        ("JPY", 0), ("KRW", 0), ("EUR", 2), ("USD", 2), ("GBP", 2), ("CHF", 2), ("SEK", 2), ("NOK", 2), ("DKK", 2), ("PLN", 2),
        ("CZK", 2), ("HUF", 2), ("CNY", 2), ("INR", 2), ("BRL", 2), ("MXN", 2), ("CAD", 2), ("AUD", 2),
        ("BHD", 3), ("KWD", 3), ("JOD", 3), ("OMR", 3), ("TND", 3),
    ])
    func everyCurrencyAManufacturerMeetsHasItsExponent(code: String, exponent: Int) throws {
        #expect(try CurrencyCode(code).minorUnitExponent == exponent)
    }

    @Test(arguments: ["XYZ", "eur", "EURO", "", "E1R"])
    func anUnknownCodeIsRefusedByName(code: String) {
        #expect(throws: UnknownCurrency(code: code)) { try CurrencyCode(code) }
        #expect(UnknownCurrency(code: code).description.contains("ISO 4217"))
        #expect(throws: MoneyTextError.self) { try Money(text: "1", currencyCode: code) }
    }

    /// Text as written, the currency, what it prints back as, and its minor units (nil: not a whole number of them).
    @Test(arguments: [
        ("12.50", "EUR", "12.50", Int64(1250)), ("12.5", "EUR", "12.5", 1250), ("0.0125", "EUR", "0.0125", nil), ("100", "EUR", "100", 10000),
        ("-3.10", "EUR", "-3.10", -310), ("1250", "JPY", "1250", 1250), ("12.5", "JPY", "12.5", nil),
        ("1.250", "BHD", "1.250", 1250), ("0.005", "BHD", "0.005", 5), ("0.0005", "BHD", "0.0005", nil),
    ] as [(String, String, String, Int64?)])
    func textReadsAndPrintsBackExactly(text: String, code: String, printed: String, minor: Int64?) throws {
        let money = try Money(text: text, currencyCode: code)
        #expect(money.amountText == printed)
        #expect(money.description == "\(printed) \(code)")
        #expect(money.minorUnits == minor)
    }

    @Test(arguments: [
        (Int64(1250), "EUR", "12.50"), (5, "EUR", "0.05"), (-7, "EUR", "-0.07"), (1250, "JPY", "1250"), (1250, "BHD", "1.250"), (0, "BHD", "0.000"),
    ])
    func minorUnitsPrintWithTheCurrencysPlaces(minor: Int64, code: String, printed: String) throws {
        let money = Money(minorUnits: minor, currency: try CurrencyCode(code))
        #expect(money.amountText == printed && money.minorUnits == minor)
    }

    /// Half to even, at the currency's minor unit, and only when asked.
    @Test(arguments: [
        ("0.125", "EUR", "0.12"), ("0.135", "EUR", "0.14"), ("0.1251", "EUR", "0.13"), ("-0.125", "EUR", "-0.12"), ("12.50", "EUR", "12.50"),
        ("2.5", "JPY", "2"), ("3.5", "JPY", "4"), ("0.0005", "BHD", "0.000"), ("0.0015", "BHD", "0.002"), ("1.2345", "BHD", "1.234"),
    ])
    func roundingIsHalfToEvenAtTheMinorUnit(text: String, code: String, rounded: String) throws {
        let money = try Money(text: text, currencyCode: code)
        #expect(money.roundedToMinorUnit().amountText == rounded)
        #expect(money.amountText == text, "reading never rounds")
    }

    @Test(arguments: ["", "1,5", "1e3", "1.", ".5", "abc", "--1"])
    func malformedAmountsAreRefusedNamingTheAmount(text: String) {
        #expect(throws: MoneyTextError.self) { try Money(text: text, currencyCode: "EUR") }
        #expect(Money(text: text, currency: .EUR) == nil)
    }

    @Test func equalValuesAreEqualMoneyWhateverTheirPlaces() throws {
        #expect(try Money(text: "12.5", currencyCode: "EUR") == Money(text: "12.50", currencyCode: "EUR"))
        #expect(try Money(text: "12.5", currencyCode: "EUR") != Money(text: "12.5", currencyCode: "USD"))
        #expect(Set([try Money(text: "12.5", currencyCode: "EUR"), try Money(text: "12.50", currencyCode: "EUR")]).count == 1)
    }

    @Test func moneyTravelsAsAmountTextAndCode() throws {
        let money = try Money(text: "0.10", currencyCode: "EUR")
        let text = String(decoding: try WireFormat.encoder().encode(money), as: UTF8.self)
        #expect(text == #"{"amount":"0.10","currency":"EUR"}"#)
        #expect(try JSONDecoder().decode(Money.self, from: Data(text.utf8)).amountText == "0.10")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Money.self, from: Data(#"{"amount":"1","currency":"XYZ"}"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Money.self, from: Data(#"{"amount":"1.2.3","currency":"EUR"}"#.utf8)) }
    }
}
