import Foundation

/// A quantity in an item's base unit, held exactly as millionths (integer "micro-units"): sums and
/// comparisons in SQL and Swift are exact, and six decimals cover grams of a kilogram-based item and
/// millimetres of a metre-based one. Written and read as decimal text ("12.5").
public struct Quantity: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let scale: Int64 = 1_000_000
    public var micro: Int64

    public init(micro: Int64) { self.micro = micro }

    public init(_ units: Int64) { micro = units * Self.scale }

    public static let zero = Quantity(micro: 0)

    /// Decimal text with at most six decimals; nil for anything else (more decimals, exponents, overflow).
    public init?(text: String) {
        if let micro = Self.plainMicro(text) {
            self.init(micro: micro)
            return
        }
        guard let decimal = DecimalText.parse(text) else { return nil }
        self.init(decimal: decimal)
    }

    /// The micro-units of plain text (an optional minus, 1 to 12 digits, optionally a point and 1 to 6 digits), read
    /// digit by digit; nil for anything else, which the general path above decides. Events carry quantities this way,
    /// and a catch-up reads millions of them.
    static func plainMicro(_ text: String) -> Int64? {
        var whole: Int64 = 0, fraction: Int64 = 0
        var wholeDigits = 0, fractionDigits = 0, negative = false, inFraction = false
        for (index, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "-") where index == 0:
                negative = true
            case UInt8(ascii: "."):
                guard !inFraction, wholeDigits > 0 else { return nil }
                inFraction = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = Int64(byte - UInt8(ascii: "0"))
                if inFraction {
                    fractionDigits += 1
                    guard fractionDigits <= 6 else { return nil }
                    fraction = fraction * 10 + digit
                } else {
                    wholeDigits += 1
                    guard wholeDigits <= 12 else { return nil }
                    whole = whole * 10 + digit
                }
            default:
                return nil
            }
        }
        guard wholeDigits > 0, !inFraction || fractionDigits > 0 else { return nil }
        for _ in fractionDigits..<6 { fraction *= 10 }
        let micro = whole * scale + fraction
        return negative ? -micro : micro
    }

    /// An exact decimal with at most six decimals.
    public init?(decimal: Decimal) {
        var scaled = decimal * Decimal(Self.scale), rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .plain)
        guard rounded == scaled, rounded.magnitude < Decimal(Int64.max / 2) else { return nil }
        micro = NSDecimalNumber(decimal: rounded).int64Value
    }

    public var decimal: Decimal { Decimal.scaled(micro, exponent: -6) }

    /// Canonical decimal text: no trailing zeros, no exponent ("12.5", "3", "-0.25").
    public var description: String {
        let sign = micro < 0 ? "-" : ""
        let magnitude = micro.magnitude
        let whole = magnitude / UInt64(Self.scale), fraction = magnitude % UInt64(Self.scale)
        guard fraction > 0 else { return "\(sign)\(whole)" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 6 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(sign)\(whole).\(digits)"
    }

    public var isPositive: Bool { micro > 0 }
    public var isWhole: Bool { micro % Self.scale == 0 }

    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.micro < rhs.micro }
    public static func + (lhs: Quantity, rhs: Quantity) -> Quantity { Quantity(micro: lhs.micro + rhs.micro) }
    public static func - (lhs: Quantity, rhs: Quantity) -> Quantity { Quantity(micro: lhs.micro - rhs.micro) }
    public static func += (lhs: inout Quantity, rhs: Quantity) { lhs.micro += rhs.micro }
    public static func -= (lhs: inout Quantity, rhs: Quantity) { lhs.micro -= rhs.micro }
    public static prefix func - (value: Quantity) -> Quantity { Quantity(micro: -value.micro) }

    /// `lhs + rhs`, held at the largest or smallest quantity instead of overflowing: for totals of other
    /// parties' figures, which must never stop the process that counts them.
    public static func saturating(_ lhs: Quantity, _ rhs: Quantity) -> Quantity {
        let (sum, overflow) = lhs.micro.addingReportingOverflow(rhs.micro)
        return Quantity(micro: overflow ? (rhs.micro > 0 ? .max : .min) : sum)
    }

    /// `self × factor` (a unit conversion), if the product is still exact at six decimals.
    public func times(_ factor: Decimal) -> Quantity? { Quantity(decimal: decimal * factor) }
}

extension Quantity: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let quantity = Quantity(text: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a quantity with at most six decimals: \(text)")
        }
        self = quantity
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Quantity {
    /// What `wanted` still lacks after `had`: their difference, or zero when `had` covers it.
    public static func shortfall(_ wanted: Quantity, _ had: Quantity) -> Quantity {
        wanted > had ? wanted - had : .zero
    }
}
