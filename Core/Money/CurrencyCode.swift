import Foundation

/// An ISO 4217 currency code with its minor-unit exponent: how many decimal places its smallest unit has
/// (JPY 0, EUR 2, BHD 3). Only codes in the table below are currencies; anything else is refused by name.
public struct CurrencyCode: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The three capital letters, e.g. `EUR`.
    public let code: String
    /// Decimal places of the minor unit: 2 for EUR (cents), 0 for JPY, 3 for BHD (fils).
    public let minorUnitExponent: Int

    /// The currency named by `code` (three capital letters); throws `UnknownCurrency` for a code ISO 4217 does not list.
    public init(_ code: String) throws(UnknownCurrency) {
        guard let exponent = Self.exponents[code] else { throw UnknownCurrency(code: code) }
        self.code = code
        self.minorUnitExponent = exponent
    }

    /// The currency named by `code`, or nil for a code ISO 4217 does not list.
    public init?(code: String) {
        guard let exponent = Self.exponents[code] else { return nil }
        self.code = code
        self.minorUnitExponent = exponent
    }

    public var description: String { code }

    public static func < (lhs: CurrencyCode, rhs: CurrencyCode) -> Bool { lhs.code < rhs.code }

    public static let EUR = known("EUR")
    public static let USD = known("USD")
    public static let GBP = known("GBP")
    public static let CHF = known("CHF")
    public static let JPY = known("JPY")
    public static let BHD = known("BHD")
    public static let PLN = known("PLN")

    private static func known(_ code: String) -> CurrencyCode {
        // The table holds every constant above.
        try! CurrencyCode(code)
    }

    /// Every active ISO 4217 currency (and fund code) with a minor unit, by code: its exponent.
    public static let exponents: [String: Int] = {
        var table: [String: Int] = [:]
        let zero = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
        let three = "BHD IQD JOD KWD LYD OMR TND"
        let four = "CLF UYW"
        let two = """
            AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF \
            CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG \
            HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK \
            MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE \
            SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR \
            ZMW ZWG ZWL
            """
        for (codes, exponent) in [(zero, 0), (two, 2), (three, 3), (four, 4)] {
            for code in codes.split(separator: " ") { table[String(code)] = exponent }
        }
        return table
    }()
}

/// A currency code ISO 4217 does not list (or that is not three capital letters).
public struct UnknownCurrency: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: String

    public init(code: String) {
        self.code = code
    }

    public var description: String {
        "\"\(code)\" is not an ISO 4217 currency code (three capital letters such as EUR, USD, JPY)"
    }
}

extension CurrencyCode: Codable {
    /// Travels as its code; an unknown code does not decode.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let code = try container.decode(String.self)
        do { try self.init(code) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(code)
    }
}
