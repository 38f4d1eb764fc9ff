import Foundation

/// Content checks of GS1 data components, named as in the GS1 Barcode Syntax Dictionary. Each returns
/// `nil` when the value is fine, or what is wrong. Checks for code lists this build does not carry
/// (ISO 3166 and 4217 codes, GS1 Company Prefix allocation, coupon formats) accept any well-formed value.
enum GS1Linters {
    static func check(_ linter: String, _ value: [UInt8], referenceYear: Int) -> String? {
        let text = String(decoding: value, as: UTF8.self)
        switch linter {
        case "csum": return checkDigit(value)
        case "yymmdd": return GS1Date.parse(text, referenceYear: referenceYear, allowZeroDay: false).error
        case "yymmd0": return GS1Date.parse(text, referenceYear: referenceYear, allowZeroDay: true).error
        case "yymmddhh":
            if let error = GS1Date.parse(String(text.prefix(6)), referenceYear: referenceYear, allowZeroDay: false).error { return error }
            return Int(text.dropFirst(6)).map { $0 <= 23 ? nil : "hour \($0) is not 00–23" } ?? "expected an hour"
        case "hhmm":
            guard let hours = Int(text.prefix(2)), let minutes = Int(text.dropFirst(2)) else { return "expected HHMM" }
            return hours <= 23 && minutes <= 59 ? nil : "\(text) is not a time HHMM"
        case "mmoptss":
            guard let minutes = Int(text.prefix(2)), minutes <= 59, text.count == 2 || text.count == 4 else {
                return "expected MM or MMSS"
            }
            return text.count == 2 || Int(text.dropFirst(2))! <= 59 ? nil : "seconds out of range"
        case "yesno": return text == "0" || text == "1" ? nil : "expected 0 or 1"
        case "zero": return text == "0" ? nil : "expected 0"
        case "nonzero": return value.contains { $0 != UInt8(ascii: "0") } ? nil : "must not be zero"
        case "winding": return ["0", "1", "9"].contains(text) ? nil : "winding direction must be 0, 1 or 9"
        case "pieceoftotal":
            guard let piece = Int(text.prefix(2)), let total = Int(text.dropFirst(2)), piece >= 1, total >= 1 else {
                return "piece and total must be 01 or more"
            }
            return piece <= total ? nil : "piece \(piece) is more than the total \(total)"
        case "nozeroprefix": return value.count > 1 && value.first == UInt8(ascii: "0") ? "must not start with 0" : nil
        case "hyphen": return text == "-" ? nil : "expected -"
        case "pcenc": return percentEncodingError(value)
        case "latitude": return Int(text).map { $0 <= 1_800_000_000 ? nil : "latitude out of range" } ?? "expected digits"
        case "longitude": return Int(text).map { $0 <= 3_600_000_000 ? nil : "longitude out of range" } ?? "expected digits"
        case "iban": return ibanError(text)
        default: return nil
        }
    }

    /// The GS1 mod-10 check digit (GTIN, GLN, SSCC, …): weights 3, 1, 3, … from the rightmost data digit.
    static func checkDigit(_ digits: [UInt8]) -> String? {
        guard let expected = expectedCheckDigit(digits.dropLast()) else { return "expected digits" }
        let actual = Int(digits.last! - UInt8(ascii: "0"))
        return actual == expected ? nil : "check digit is \(actual), expected \(expected)"
    }

    static func expectedCheckDigit(_ data: ArraySlice<UInt8>) -> Int? {
        var sum = 0
        for (offset, byte) in data.reversed().enumerated() {
            guard byte.isDigit else { return nil }
            sum += Int(byte - UInt8(ascii: "0")) * (offset % 2 == 0 ? 3 : 1)
        }
        return (10 - sum % 10) % 10
    }

    private static func percentEncodingError(_ value: [UInt8]) -> String? {
        var index = 0
        while index < value.count {
            if value[index] == UInt8(ascii: "%") {
                guard index + 2 < value.count, value[index + 1].isHexDigit, value[index + 2].isHexDigit
                else { return "incomplete percent-encoding at character \(index + 1)" }
                index += 3
            } else {
                index += 1
            }
        }
        return nil
    }

    private static func ibanError(_ text: String) -> String? {
        let characters = Array(text.utf8)
        guard characters.count >= 5, characters.prefix(2).allSatisfy(\.isUpper), characters[2].isDigit, characters[3].isDigit,
              characters.allSatisfy({ $0.isDigit || $0.isUpper })
        else { return "not an IBAN" }
        var remainder = 0
        for byte in characters.dropFirst(4) + characters.prefix(4) {
            let value = byte.isDigit ? Int(byte - 48) : Int(byte - 55)
            remainder = (value >= 10 ? remainder * 100 + value : remainder * 10 + value) % 97
        }
        return remainder == 1 ? nil : "IBAN check digits do not match"
    }
}

extension UInt8 {
    var isHexDigit: Bool { isDigit || (self >= 0x41 && self <= 0x46) || (self >= 0x61 && self <= 0x66) }
}

/// A GS1 date `YYMMDD`, resolved to a full year with the GS1 century rule.
public struct GS1Date: Sendable, Equatable {
    public var year: Int
    public var month: Int
    public var day: Int

    /// `YYYY-MM-DD`.
    public var iso: String { String(format: "%04d-%02d-%02d", year, month, day) }

    /// Parses `YYMMDD` relative to `referenceYear`. With `allowZeroDay`, day 00 means the month's last day.
    static func parse(_ text: String, referenceYear: Int, allowZeroDay: Bool) -> (date: GS1Date?, error: String?) {
        let digits = Array(text.utf8)
        guard digits.count == 6, digits.allSatisfy(\.isDigit) else { return (nil, "expected a date YYMMDD") }
        let yy = Int(text.prefix(2))!, month = Int(text.dropFirst(2).prefix(2))!, day = Int(text.suffix(2))!
        guard (1...12).contains(month) else { return (nil, "month \(String(format: "%02d", month)) is not 01–12") }
        let year = resolveYear(yy, referenceYear: referenceYear)
        let lastDay = CivilTime.daysIn(month: month, year: year)
        if day == 0 {
            guard allowZeroDay else { return (nil, "day 00 is not allowed here") }
            return (GS1Date(year: year, month: month, day: lastDay), nil)
        }
        guard day <= lastDay else {
            return (nil, "day \(String(format: "%02d", day)) does not exist in \(String(format: "%04d-%02d", year, month))")
        }
        return (GS1Date(year: year, month: month, day: day), nil)
    }

    /// GS1 General Specifications, 7.12: a year 51–99 ahead of the current one is in the previous century;
    /// one 50–99 behind is in the next; otherwise the current century.
    static func resolveYear(_ yy: Int, referenceYear: Int) -> Int {
        let century = referenceYear / 100 * 100
        let difference = yy - referenceYear % 100
        if difference >= 51 { return century - 100 + yy }
        if difference <= -50 { return century + 100 + yy }
        return century + yy
    }
}
