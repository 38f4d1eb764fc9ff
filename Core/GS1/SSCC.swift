import Foundation

/// A Serial Shipping Container Code (GS1 AI 00): 18 digits that name one logistic unit (a pallet, a case) for its
/// whole life. Extension digit, the GS1 company prefix (6 to 12 digits), a serial reference filling the rest, and the
/// mod-10 check digit of the 17 before it.
public struct SSCC: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    /// The 18 digits.
    public let digits: String

    /// Reads 18 digits with a valid check digit; an `(00)` or `00` prefix is accepted and dropped.
    public init(_ text: String) throws(SSCCError) {
        var text = text.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("(00)") { text.removeFirst(4) } else if text.count == 20, text.hasPrefix("00") { text.removeFirst(2) }
        text.removeAll { $0 == " " }
        guard text.count == 18, text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw SSCCError("an SSCC is 18 digits, got \"\(text)\"")
        }
        let expected = Self.checkDigit(of: text.prefix(17))
        guard let actual = text.last?.wholeNumberValue, actual == expected else {
            throw SSCCError("SSCC \(text) has check digit \(text.last.map(String.init) ?? ""), expected \(expected)")
        }
        digits = text
    }

    /// The SSCC with `serialReference` under `companyPrefix`: the serial reference fills the 16 − prefix digits left
    /// after the extension digit, zero-padded on the left.
    public init(extensionDigit: Int = 0, companyPrefix: GS1CompanyPrefix, serialReference: Int64) throws(SSCCError) {
        guard (0...9).contains(extensionDigit) else { throw SSCCError("the extension digit is 0 to 9, got \(extensionDigit)") }
        let width = companyPrefix.serialReferenceDigits
        guard serialReference >= 0, serialReference <= companyPrefix.largestSerialReference else {
            throw SSCCError("serial reference \(serialReference) does not fit the \(width) digits company prefix \(companyPrefix) leaves")
        }
        let serial = String(serialReference)
        let body = "\(extensionDigit)\(companyPrefix.digits)" + String(repeating: "0", count: width - serial.count) + serial
        digits = body + String(Self.checkDigit(of: Substring(body)))
    }

    /// Whether the SSCC was allocated under `prefix` (its digits after the extension digit start with it).
    public func isAllocated(under prefix: GS1CompanyPrefix) -> Bool {
        digits.dropFirst().hasPrefix(prefix.digits)
    }

    public var description: String { digits }
    /// The element string in bracketed form: `(00)` and the 18 digits.
    public var elementString: String { "(00)\(digits)" }

    public static func < (lhs: SSCC, rhs: SSCC) -> Bool { lhs.digits < rhs.digits }

    /// The GS1 mod-10 check digit of `data` (digits only), as the GS1 linters compute it for every keyed AI.
    public static func checkDigit(of data: Substring) -> Int {
        GS1Linters.expectedCheckDigit(ArraySlice(Array(data.utf8))) ?? 0
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }
}

/// A GS1 company prefix: 6 to 12 digits a member organisation allocated to one company.
public struct GS1CompanyPrefix: Sendable, Hashable, Codable, CustomStringConvertible {
    public let digits: String

    public init(_ text: String) throws(SSCCError) {
        guard (6...12).contains(text.count), text.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw SSCCError("a GS1 company prefix is 6 to 12 digits, got \"\(text)\"")
        }
        digits = text
    }

    /// Digits of an SSCC left for the serial reference: 16 minus the prefix.
    public var serialReferenceDigits: Int { 16 - digits.count }
    /// The largest serial reference an SSCC under this prefix can carry.
    public var largestSerialReference: Int64 {
        var largest: Int64 = 1
        for _ in 0..<serialReferenceDigits { largest *= 10 }
        return largest - 1
    }

    public var description: String { digits }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }
}

/// Why text is not an SSCC or a company prefix.
public struct SSCCError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// What a logistic label prints: the SSCC and, for a unit of one item and lot, the content's GTIN (AI 02), the count
/// of trade items (AI 37) and the lot (AI 10).
public struct LogisticLabel: Sendable, Equatable, Codable {
    public var sscc: SSCC
    public var contentGTIN: String?
    public var count: Int?
    public var lot: String?

    public init(sscc: SSCC, contentGTIN: String? = nil, count: Int? = nil, lot: String? = nil) {
        self.sscc = sscc
        self.contentGTIN = contentGTIN
        self.count = count
        self.lot = lot
    }

    /// The human-readable interpretation under the bars: each AI in brackets before its data.
    public var humanReadable: String {
        var text = "(00)\(sscc.digits)"
        if let contentGTIN { text += "(02)\(contentGTIN)" }
        if let count { text += "(37)\(count)" }
        if let lot { text += "(10)\(lot)" }
        return text
    }

    /// What a GS1-128 symbol encodes, as a scanner transmits it: the symbology identifier `]C1` (FNC1 in first
    /// position), fixed-length AIs run on, and a GS (0x1D) after every variable-length field that is not last.
    public var gs1_128: String {
        var text = "]C100\(sscc.digits)"
        if let contentGTIN { text += "02\(contentGTIN)" }
        var variable: [String] = []
        if let count { variable.append("37\(count)") }
        if let lot { variable.append("10\(lot)") }
        text += variable.joined(separator: "\u{1D}")
        return text
    }
}
