import Foundation

/// The one JSON dialect Gantry speaks on the wire and in storage: RFC 3339 UTC timestamps with
/// microseconds, sorted keys so the same fact always serialises to the same bytes.
public enum WireFormat {
    /// One encoder for hot paths; encoding with it from several threads at once is safe, as its options never change.
    public static let sharedEncoder = encoder()
    /// One decoder for hot paths, likewise never reconfigured.
    public static let sharedDecoder = decoder()

    /// An encoder for payloads, envelopes and API bodies.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        return encoder
    }

    /// A decoder that accepts any RFC 3339 timestamp with or without fractional seconds.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = Timestamp.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "Expected an RFC 3339 timestamp, got \"\(text)\"")
            }
            return date
        }
        return decoder
    }
}

/// RFC 3339 timestamps in UTC, fixed width with microseconds, so that text order is time order. Parsing
/// and formatting use the same proleptic Gregorian arithmetic, so every formatted value reads back exactly.
public enum Timestamp {
    /// The instants Gantry stores: years 1970 to 9999. Inputs outside are refused at the edge.
    public static let representable = Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 253_402_300_799)

    /// Formats a date as `YYYY-MM-DDTHH:MM:SS.ffffffZ`; dates outside `representable` are clamped to it.
    /// Written digit by digit: this runs several times for every stored fact, and `String(format:)` is slow.
    public static func format(_ date: Date) -> String {
        let clamped = min(max(date, representable.lowerBound), representable.upperBound)
        let micros = Int64((clamped.timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = micros / 1_000_000
        let civil = CivilTime(unixSeconds: seconds)
        // Written straight into the string's storage: no array to allocate, copy and free.
        return String(unsafeUninitializedCapacity: 27) { bytes in
            func put(_ value: Int, at offset: Int, width: Int) {
                var value = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    bytes[index] = UInt8(48 + value % 10)
                    value /= 10
                }
            }
            put(civil.year, at: 0, width: 4)
            bytes[4] = 45
            put(civil.month, at: 5, width: 2)
            bytes[7] = 45
            put(civil.day, at: 8, width: 2)
            bytes[10] = 84
            put(civil.hour, at: 11, width: 2)
            bytes[13] = 58
            put(civil.minute, at: 14, width: 2)
            bytes[16] = 58
            put(civil.second, at: 17, width: 2)
            bytes[19] = 46
            put(Int(micros - seconds * 1_000_000), at: 20, width: 6)
            bytes[26] = 90
            return 27
        }
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, refusing impossible dates and times and instants
    /// outside `representable`; `nil` when malformed.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count, bytes[range].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            return bytes[range].reduce(0) { $0 * 10 + Int($1 - 48) }
        }
        guard bytes.count >= 20, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84 || bytes[10] == 116,
              bytes[13] == 58, bytes[16] == 58,
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), day >= 1, day <= CivilTime.daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 59
        else { return nil }
        var index = 19
        var fraction = 0.0
        if bytes[index] == 46 {
            var scale = 0.1
            index += 1
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset = 0
        if index == bytes.count - 1, bytes[index] == 90 || bytes[index] == 122 {
            offset = 0
        } else if index == bytes.count - 6, bytes[index] == 43 || bytes[index] == 45, bytes[index + 3] == 58,
                  let hours = number((index + 1)..<(index + 3)), let minutes = number((index + 4)..<(index + 6)),
                  hours <= 23, minutes <= 59 {
            offset = (bytes[index] == 43 ? 1 : -1) * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        let seconds = CivilTime.daysFromCivil(year: year, month: month, day: day) * 86_400
            + hour * 3600 + minute * 60 + second - offset
        let date = Date(timeIntervalSince1970: Double(seconds) + fraction)
        return representable.contains(date) ? date : nil
    }
}

/// Days-from-civil arithmetic (proleptic Gregorian, UTC), kept here so formatting needs no calendar or locale.
struct CivilTime {
    var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

    init(unixSeconds: Int64) {
        let days = Int(unixSeconds.floorDivided(by: 86_400))
        let secondOfDay = Int(unixSeconds - Int64(days) * 86_400)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        hour = secondOfDay / 3600
        minute = secondOfDay % 3600 / 60
        second = secondOfDay % 60
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
