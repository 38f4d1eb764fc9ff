import Foundation

/// The one JSON dialect Gantry speaks on the wire and in storage: RFC 3339 UTC timestamps with
/// microseconds, sorted keys so the same fact always serialises to the same bytes.
public enum WireFormat {
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

/// RFC 3339 timestamps in UTC, fixed width with microseconds, so that text order is time order.
public enum Timestamp {
    /// Formats a date as `YYYY-MM-DDTHH:MM:SS.ffffffZ`.
    public static func format(_ date: Date) -> String {
        let micros = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let seconds = Int64((micros / 1_000_000).rounded(.down))
        let fraction = Int64(micros) - seconds * 1_000_000
        let civil = CivilTime(unixSeconds: seconds)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ",
            civil.year, civil.month, civil.day, civil.hour, civil.minute, civil.second, Int(fraction))
    }

    /// Parses an RFC 3339 timestamp (`Z` or a numeric offset, optional fraction); `nil` when malformed.
    public static func parse(_ text: String) -> Date? {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        if let date = try? style.parse(text) { return date }
        return try? Date.ISO8601FormatStyle().parse(text)
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
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
