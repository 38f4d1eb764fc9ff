import Foundation
import GantryCore
import GantryPages
import Testing

/// Figures as people read them: rounded, with units, the locale's decimal separator, times in the plant's zone.
@Suite struct PagesFormatTests {
    static let german = PageFormat(locale: Locale(identifier: "de_DE"), timeZone: TimeZone(identifier: "Europe/Berlin")!)
    static let american = PageFormat(locale: Locale(identifier: "en_US"), timeZone: TimeZone(identifier: "America/Chicago")!)

    @Test(arguments: [
        (0.8536, "85,4 %", "85.4 %"),
        (0.5625, "56,3 %", "56.3 %"),  // 56.25 rounds half away from zero
        (1.0, "100,0 %", "100.0 %"),
        (0.0, "0,0 %", "0.0 %"),
        (-0.0004, "0,0 %", "0.0 %"),  // never "-0,0 %"
    ])
    func percentages(_ fraction: Double, _ german: String, _ american: String) {
        #expect(Self.german.percent(fraction) == german)
        #expect(Self.american.percent(fraction) == american)
    }

    @Test func noValueStaysNil() {
        #expect(Self.german.percent(nil) == nil)
    }

    @Test(arguments: [(2.25, 1, "2.3"), (2.35, 0, "2"), (-1.25, 1, "-1.3"), (9.995, 2, "9.99"), (0.05, 1, "0.1")])
    func rounding(_ value: Double, _ digits: Int, _ text: String) {
        // 9.995 is just below in binary (9.99499…), 0.05 just above (0.05000…03): rounded as the Double holds them.
        #expect(Self.american.number(value, digits: digits) == text)
    }

    @Test func unitsAndDurations() {
        #expect(Self.german.hours(7_200) == "2,0 h")
        #expect(Self.american.hours(5_400) == "1.5 h")
        #expect(Self.german.duration(45) == "45 s")
        #expect(Self.german.duration(720) == "12 min")
        #expect(Self.german.duration(7_500) == "2 h 05 min")
        #expect(Self.german.figure(4.25, unit: "h") == "4,3 h")
        #expect(Self.german.target(85, unit: "%") == "85,0 %")
    }

    @Test func quantities() {
        #expect(Self.german.quantity(Quantity(270)) == "270")
        #expect(Self.german.quantity(Quantity(micro: 2_500_000)) == "2,5")
        #expect(Self.american.quantity(Quantity(micro: 1_125_000)) == "1.125")
    }

    @Test func timesInThePlantsZone() {
        // 01:30 UTC on 29 March 2026 is 03:30 in Berlin (summer time from 01:00 UTC) and 20:30 the day before in Chicago (CDT, −5).
        let instant = Date(timeIntervalSince1970: 1_774_747_800)
        #expect(Self.german.time(instant) == "2026-03-29 03:30")
        #expect(Self.american.time(instant) == "2026-03-28 20:30")
        #expect(Self.german.language == "de")
    }
}
