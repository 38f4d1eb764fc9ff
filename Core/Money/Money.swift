import Foundation

/// An amount of one currency, exact: a `Decimal` amount, never binary floating point.
///
/// **Rounding rule (the only one):** an amount keeps the digits it was written or computed with. Parsing never
/// rounds and printing never rounds, so `"12.50"` reads and prints back as `"12.50"` and a unit price such as
/// `"0.0125"` keeps its four places. Where an amount is settled in the currency's smallest unit (a total, a
/// converted value, an amount in minor units), `roundedToMinorUnit()` rounds **half to even** (banker's
/// rounding) to the currency's `minorUnitExponent` places: 0.125 EUR → 0.12, 0.135 EUR → 0.14, 2.5 JPY → 2.
///
/// Two amounts are equal when their values and currencies are (`12.5` equals `12.50`); `amountText` keeps the
/// places as written so that what came in goes out unchanged.
public struct Money: Sendable, CustomStringConvertible {
    public var amount: Decimal
    public var currency: CurrencyCode
    /// Decimal places `amountText` prints: as written when parsed, else the currency's exponent (or more, when the
    /// amount has more).
    public var fractionDigits: Int

    /// `amount` of `currency`, printed with `fractionDigits` places (default: the currency's exponent, or the
    /// amount's own places when it has more).
    public init(amount: Decimal, currency: CurrencyCode, fractionDigits: Int? = nil) {
        self.amount = amount
        self.currency = currency
        self.fractionDigits = max(fractionDigits ?? currency.minorUnitExponent, Self.places(of: amount))
    }

    /// An amount given in the currency's minor units: 1250 EUR cents is 12.50 EUR, 1250 JPY is 1250 JPY.
    public init(minorUnits: Int64, currency: CurrencyCode) {
        self.init(amount: Decimal.scaled(minorUnits, exponent: -currency.minorUnitExponent), currency: currency)
    }

    /// Reads decimal text as written on the wire (`"12.50"`; optional minus, digits, optional point and digits, no
    /// exponent or grouping), keeping its places. Nil for text that is not such a number.
    public init?(text: String, currency: CurrencyCode) {
        guard let amount = DecimalText.parse(text) else { return nil }
        let places = text.firstIndex(of: ".").map { text.distance(from: $0, to: text.endIndex) - 1 } ?? 0
        self.init(amount: amount, currency: currency, fractionDigits: places)
    }

    /// Reads an amount and a currency code as the wire carries them; throws naming what is wrong.
    public init(text: String, currencyCode: String) throws(MoneyTextError) {
        let currency: CurrencyCode
        do { currency = try CurrencyCode(currencyCode) } catch { throw MoneyTextError(field: "currency", detail: error.description) }
        guard let money = Money(text: text, currency: currency) else {
            throw MoneyTextError(field: "amount", detail: "expected a decimal number as text, e.g. \"12.50\", got \"\(text)\"")
        }
        self = money
    }

    /// The amount as decimal text with `fractionDigits` places, exactly: `"12.50"`, `"1250"`, `"0.125"`.
    public var amountText: String {
        let scaled = amount * Self.power(fractionDigits)
        let negative = scaled < 0
        var digits = "\(negative ? -scaled : scaled)"
        if fractionDigits > 0 {
            if digits.count <= fractionDigits { digits = String(repeating: "0", count: fractionDigits - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -fractionDigits))
        }
        return (negative ? "-" : "") + digits
    }

    /// `"12.50 EUR"`: the amount text, a space and the code.
    public var description: String { "\(amountText) \(currency.code)" }

    /// The amount rounded half to even to the currency's minor unit, printed with that many places.
    public func roundedToMinorUnit() -> Money {
        var value = amount, rounded = Decimal()
        NSDecimalRound(&rounded, &value, currency.minorUnitExponent, .bankers)
        return Money(amount: rounded, currency: currency, fractionDigits: currency.minorUnitExponent)
    }

    /// The amount in minor units when it is a whole number of them (nil otherwise: round first).
    public var minorUnits: Int64? {
        if let whole = amount.wholeScaled(by: currency.minorUnitExponent) { return whole }
        let scaled = amount * Self.power(currency.minorUnitExponent)
        guard Self.places(of: scaled) == 0 else { return nil }
        return Int64("\(scaled)")
    }

    private static func power(_ exponent: Int) -> Decimal {
        var result = Decimal(1)
        for _ in 0..<max(exponent, 0) { result *= 10 }
        return result
    }

    /// The decimal places `value` needs to be printed exactly.
    private static func places(of value: Decimal) -> Int {
        if let places = value.placesIfSmall { return places }
        var places = 0, scaled = value
        while places < 38 {
            var whole = Decimal(), copy = scaled
            NSDecimalRound(&whole, &copy, 0, .plain)
            if whole == scaled { return places }
            scaled *= 10
            places += 1
        }
        return places
    }
}

extension Money: Hashable {
    public static func == (lhs: Money, rhs: Money) -> Bool {
        lhs.amount == rhs.amount && lhs.currency == rhs.currency
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(amount)
        hasher.combine(currency)
    }
}

extension Money: Codable {
    private enum CodingKeys: String, CodingKey { case amount, currency }

    /// Travels as `{"amount": "12.50", "currency": "EUR"}`, the amount as text so no digit is lost.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let currency = try container.decode(CurrencyCode.self, forKey: .currency)
        let text = try container.decode(String.self, forKey: .amount)
        guard let money = Money(text: text, currency: currency) else {
            throw DecodingError.dataCorruptedError(
                forKey: .amount, in: container, debugDescription: "expected a decimal number as text, e.g. \"12.50\", got \"\(text)\"")
        }
        self = money
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(amountText, forKey: .amount)
        try container.encode(currency, forKey: .currency)
    }
}

/// Why an amount and currency as the wire carries them are not money: the field at fault and what was expected.
public struct MoneyTextError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var detail: String

    public init(field: String, detail: String) {
        self.field = field
        self.detail = detail
    }

    public var description: String { "\(field): \(detail)" }
}
