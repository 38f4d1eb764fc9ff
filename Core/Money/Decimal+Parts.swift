import Foundation

/// Exact integer views of a `Decimal` whose digits fit 64 bits, for the hot paths of valuation: most amounts, prices
/// and quantities are such numbers, and integer arithmetic on them is exact and far cheaper than `Decimal`'s.
/// Every function answers nil where the integer view does not hold, and the caller then takes `Decimal`'s path.
extension Decimal {
    /// `significand × 10^exponent == self`, with the significand in 64 bits; nil for NaN or longer significands.
    ///
    /// Foundation keeps the parts a `Decimal` is made of internal, so they are read from its storage (the layout of
    /// `NSDecimal`: the exponent, a byte of length and sign, two reserved bytes, then the significand's 16-bit words).
    /// That reading is checked against the public API once (`storageReads`); where it does not hold, this answers
    /// nil and every caller takes `Decimal`'s own path, so a different layout costs speed, never a wrong figure.
    var smallParts: (significand: Int64, exponent: Int)? {
        Self.storageReads ? Self.parts(fromStorageOf: self) : nil
    }

    private static func parts(fromStorageOf value: Decimal) -> (significand: Int64, exponent: Int)? {
        withUnsafeBytes(of: value) { storage -> (significand: Int64, exponent: Int)? in
            guard storage.count == 20 else { return nil }
            let exponent = Int(Int8(bitPattern: storage[0]))
            let length = Int(storage[1] >> 4), negative = storage[1] & 0x08 != 0
            guard length > 0 else { return negative ? nil : (0, 0) }
            guard length <= 4 else { return nil }
            var magnitude: UInt64 = 0
            for word in 0..<length {
                magnitude |= (UInt64(storage[4 + 2 * word]) | UInt64(storage[5 + 2 * word]) << 8) << (16 * word)
            }
            guard magnitude <= UInt64(Int64.max) else { return nil }
            return (negative ? -Int64(magnitude) : Int64(magnitude), exponent)
        }
    }

    /// Whether reading the storage gives the parts the public API gives, for numbers of every shape the fast paths
    /// meet: signs, exponents both ways, one to four words, zero, and NaN refused.
    static let storageReads: Bool = {
        let samples = ["-1.25", "0.000001", "1234567890123456789", "-9223372036854775807", "65536", "4294967296", "1e20", "0"]
        for text in samples {
            guard let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")),
                  let (significand, exponent) = parts(fromStorageOf: value),
                  Decimal(sign: significand < 0 ? .minus : .plus, exponent: exponent, significand: Decimal(significand.magnitude)) == value
            else { return false }
        }
        return parts(fromStorageOf: .nan) == nil
    }()

    /// `self × 10^shift` when that is a whole number within Int64; nil when it is not whole, or too large to tell here.
    func wholeScaled(by shift: Int) -> Int64? {
        guard var (value, exponent) = smallParts else { return nil }
        exponent += shift
        while exponent > 0 {
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = product
            exponent -= 1
        }
        while exponent < 0 {
            guard value % 10 == 0 else { return nil }
            value /= 10
            exponent += 1
        }
        return value
    }

    /// The decimal places needed to print `self` exactly; nil when the significand is beyond 64 bits.
    var placesIfSmall: Int? {
        guard var (value, exponent) = smallParts else { return nil }
        guard value != 0 else { return 0 }
        while exponent < 0, value % 10 == 0 {
            value /= 10
            exponent += 1
        }
        return max(0, -exponent)
    }

    /// `Int64(value) × 10^exponent` built from its parts, without a division.
    static func scaled(_ value: Int64, exponent: Int) -> Decimal {
        Decimal(sign: value < 0 ? .minus : .plus, exponent: exponent, significand: Decimal(value.magnitude))
    }
}

extension Int64 {
    /// `self / divisor` rounded half to even (divisor > 0).
    func dividedRoundingHalfToEven(by divisor: Int64) -> Int64 {
        let quotient = self / divisor, remainder = self % divisor
        guard remainder != 0 else { return quotient }
        let twice = remainder.magnitude * 2
        let away = twice > divisor.magnitude || (twice == divisor.magnitude && quotient % 2 != 0)
        return away ? quotient + (self < 0 ? -1 : 1) : quotient
    }
}

extension Money {
    /// `quantity` (micro-units) at `unitPrice` per unit, in minor units of `currency`, rounded half to even: what
    /// `Money(amount: quantity.decimal × unitPrice).roundedToMinorUnit().minorUnits` gives, in integers where the
    /// figures allow (nil only where that path gives nil, beyond Int64).
    public static func minorUnits(of quantity: Quantity, at unitPrice: Decimal, in currency: CurrencyCode) -> Int64? {
        if let (significand, exponent) = unitPrice.smallParts {
            // quantity.micro × 10^-6 × significand × 10^exponent, in units of 10^-minorUnitExponent.
            let (product, overflow) = quantity.micro.multipliedReportingOverflow(by: significand)
            let shift = exponent - 6 + currency.minorUnitExponent
            if !overflow, shift <= 0, shift >= -18 {
                var divisor: Int64 = 1
                for _ in 0..<(-shift) { divisor *= 10 }
                return product.dividedRoundingHalfToEven(by: divisor)
            }
            if !overflow, shift > 0, shift <= 18 {
                var whole: Int64? = product
                for _ in 0..<shift {
                    whole = whole.flatMap { value in
                        let (next, overflow) = value.multipliedReportingOverflow(by: 10)
                        return overflow ? nil : next
                    }
                }
                if let whole { return whole }
            }
        }
        return Money(amount: quantity.decimal * unitPrice, currency: currency).roundedToMinorUnit().minorUnits
    }
}
