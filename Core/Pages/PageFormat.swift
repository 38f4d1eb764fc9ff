import Foundation
import GantryCore

/// Numbers and times as people read them on a page: rounded, with their unit, the decimal separator of the
/// plant's locale (`85,3 %` in Germany, `85.3 %` in the United States) and times in the plant's zone.
///
/// Rounding is half away from zero at the shown digit (what people expect of a displayed figure); the figures
/// themselves stay unrounded in the KPI code. No thousands separators: figures on these pages are short.
public struct PageFormat: Sendable {
    /// The plant's locale: its decimal separator is used.
    public let locale: Locale
    /// The plant's zone: every time shown is local to it.
    public let timeZone: TimeZone

    public init(locale: Locale, timeZone: TimeZone) {
        self.locale = locale
        self.timeZone = timeZone
    }

    /// The decimal separator of `locale` (`.` when the locale names none).
    public var decimalSeparator: String { locale.decimalSeparator ?? "." }

    /// The language of the page (`de`, `en`), for `<html lang>`.
    public var language: String { locale.language.languageCode?.identifier ?? "en" }

    /// `value` rounded to `digits` decimals with the locale's separator; `-0` is shown as `0`.
    public func number(_ value: Double, digits: Int = 1) -> String {
        guard value.isFinite else { return "–" }
        var scale = 1.0
        for _ in 0..<max(0, digits) { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        let whole = (scaled / scale).rounded(.towardZero)
        let fraction = scaled - whole * scale
        let negative = value < 0 && scaled > 0
        var text = (negative ? "-" : "") + String(Int64(whole))
        if digits > 0 {
            let digitsText = String(Int64(fraction))
            text += decimalSeparator + String(repeating: "0", count: max(0, digits - digitsText.count)) + digitsText
        }
        return text
    }

    /// A fraction (0.853) as a percentage (`85.3 %`); `nil` is the page's "no value" text.
    public func percent(_ fraction: Double?, digits: Int = 1) -> String? {
        fraction.map { number($0 * 100, digits: digits) + " %" }
    }

    /// A figure already in `unit` (a KPI reading's value), with the unit after a space (`85.3 %`, `4.2 h`).
    public func figure(_ value: Double, unit: String, digits: Int = 1) -> String {
        unit.isEmpty ? number(value, digits: digits + 2) : number(value, digits: digits) + " " + unit
    }

    /// An amount in minor units of `currency` (cents), with its code after it (`1.234,50 EUR` in German: the
    /// locale's decimal separator, no grouping).
    public func money(_ minor: Int64, currency: String) -> String {
        let exponent = (try? CurrencyCode(currency))?.minorUnitExponent ?? 2
        var scale = 1.0
        for _ in 0..<exponent { scale *= 10 }
        return number(Double(minor) / scale, digits: exponent) + " " + currency
    }

    /// A target as governed (exact decimal), with its unit.
    public func target(_ target: Decimal, unit: String) -> String {
        figure(NSDecimalNumber(decimal: target).doubleValue, unit: unit)
    }

    /// Seconds as hours with one decimal (`6.0 h`): the unit of time figures on the pages.
    public func hours(_ seconds: Double) -> String {
        number(seconds / 3600, digits: 1) + " h"
    }

    /// Seconds as a short duration: `45 s`, `12 min`, `2 h 05 min` (rounded to the minute above a minute).
    public func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "–" }
        if seconds < 60 { return "\(Int64(seconds.rounded(.toNearestOrAwayFromZero))) s" }
        let minutes = Int64((seconds / 60).rounded(.toNearestOrAwayFromZero))
        if minutes < 60 { return "\(minutes) min" }
        let rest = minutes % 60
        return "\(minutes / 60) h " + (rest < 10 ? "0" : "") + "\(rest) min"
    }

    /// A quantity with up to three decimals, trailing zeros dropped, and the locale's separator (`12`, `2,5`).
    public func quantity(_ quantity: Quantity) -> String {
        var text = number(Double(quantity.micro) / Double(Quantity.scale), digits: 3)
        if text.contains(decimalSeparator) {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(decimalSeparator) { text.removeLast(decimalSeparator.count) }
        }
        return text
    }

    /// An instant in the plant's zone: `2026-03-29 14:05`.
    public func time(_ instant: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        func two(_ value: Int?) -> String { let v = value ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute))"
    }
}
