import Foundation
import GantryCore
import GantryTestSupport
@testable import GantryHub
import Testing

/// The database's sums (`kpiRollupTotals`: whole UTC months from the month rows, whole UTC days from the day rows,
/// the hours around them from the hour rows; `kpiRollupSpans` the same per span) against the Swift sums of the hour
/// rows (`kpiRollups`), on both backends: every window, every level, the same report, also after a late event
/// rewrites hours of an earlier day or month.
@Suite struct KPITotalsContractTests {
    typealias Fixture = KPIRollupContractTests

    /// t0 is 2027-01-15T08:00Z. press runs, jams 20 h in, runs again, goes down over midnight twice; saw idles and
    /// runs; counts every few hours; the last fact is 2½ days after t0.
    static func events() throws -> [EventEnvelope] {
        [
            try Fixture.envelope(1, MachineSignalsReported(
                states: [
                    Fixture.state("press", .running, 0), Fixture.state("press", .down, 20 * 60, "JAM"),
                    Fixture.state("press", .running, 21 * 60 + 15), Fixture.state("press", .down, 15 * 60 + 24 * 60, "MAINT"),
                    Fixture.state("press", .running, 17 * 60 + 24 * 60), Fixture.state("saw", .idle, 0),
                    Fixture.state("saw", .running, 30 * 60), Fixture.state("saw", .setup, 50 * 60 + 10),
                ],
                counts: [
                    Fixture.count("press", 90, 10, 30), Fixture.count("press", 400, 3, 14 * 60), Fixture.count("saw", 7, 1, 31 * 60),
                    Fixture.count("press", 55, 0, 26 * 60 + 40), Fixture.count("saw", 2, 0, 60 * 60),
                ])),
        ]
    }

    static let windows: [(Double, Double)] = [
        (0, 2), (-8, 64), (-8, 16), (16, 40), (14, 39), (40, 41), (0, 0),
    ]

    func reports(_ store: any HubStore, level: KPIQuery.Level, now: Date) async throws -> [([KPINode], [KPINode])] {
        var pairs: [([KPINode], [KPINode])] = []
        for (start, end) in Self.windows {
            let from = Fixture.hour(Int(start)), to = Fixture.hour(Int(end))
            let query = KPIQuery(from: from, to: to, level: level, reasons: [:], definitions: ["ACME": [KPIQueryContractTests.availability]], shared: [])
            pairs.append((
                query.report(try await store.kpiRollups(scope: .all, plant: nil, from: from, to: to), now: now),
                query.report(try await store.kpiRollupTotals(scope: .only(["ACME"]), plant: "ACME-BER", from: from, to: to), now: now)))
        }
        return pairs
    }

    @Test(arguments: HubBackend.allCases) func theDatabasesSumsAreTheHourRowsSums(backend: HubBackend) async throws {
        try await Fixture().withStore(backend) { store in
            _ = try await Fixture().apply(store, try Self.events())
            let now = Fixture.hour(70)
            for level in KPIQuery.Level.allCases {
                for (hours, totals) in try await reports(store, level: level, now: now) {
                    #expect(hours == totals)
                }
            }
            // Summed only down to the level asked for (press and saw in one row per line, plant or company; whole
            // days from the line day rows), the nodes of that level and above are the same.
            func coarseLevelsAreTheHourRowsSums() async throws {
                for level in [KPIQuery.Level.group, .company, .plant, .line] {
                    for (start, end) in Self.windows {
                        let from = Fixture.hour(Int(start)), to = Fixture.hour(Int(end))
                        let query = KPIQuery(
                            from: from, to: to, level: level, reasons: [:], definitions: ["ACME": [KPIQueryContractTests.availability]],
                            shared: [])
                        let coarse = try await store.kpiRollupSpans(scope: .all, plant: nil, cuts: [from, to], depth: KPIRollupDepth(level))
                        #expect(coarse.hours.count <= 1, "press and saw share line L1")
                        let hours = try await store.kpiRollups(scope: .all, plant: nil, from: from, to: to)
                        #expect(query.report(coarse, now: now) == query.report(hours, now: now))
                    }
                }
            }
            try await coarseLevelsAreTheHourRowsSums()
            // The whole-days window holds 2 days of day rows and 8 + 16 hours around them; press ran 20 h of t0's day.
            let wide = try await store.kpiRollupTotals(scope: .all, plant: nil, from: Fixture.hour(-8), to: Fixture.hour(64))
            #expect(wide.hours.map(\.machine.machine) == ["press", "saw"])
            #expect(wide.hours.allSatisfy { $0.hour == Fixture.hour(-8) })

            // A late state 30 h back rewrites hours from the day before: the days and the line's days follow.
            _ = try await Fixture().apply(store, [try Fixture.envelope(2, MachineSignalsReported(
                states: [Fixture.state("press", .plannedStop, 16 * 60)], counts: []))])
            for (hours, totals) in try await reports(store, level: .machine, now: now) {
                #expect(hours == totals)
            }
            try await coarseLevelsAreTheHourRowsSums()
            let after = try await store.kpiRollupTotals(scope: .all, plant: "ACME-BER", from: Fixture.hour(-8), to: Fixture.hour(64))
            #expect(after.hours.first { $0.machine.machine == "press" }?.elements.plannedStopTime ?? 0 > 0)
            // Another company's principal sees none of it.
            let zeta = try await store.kpiRollupTotals(scope: .only(["ZETA"]), plant: nil, from: Fixture.hour(-8), to: Fixture.hour(64))
            #expect(zeta.hours.isEmpty && zeta.downtime.isEmpty && zeta.heads.isEmpty)
        }
    }

    /// lathe runs from 2026-12-26T08:00Z (t0 − 20 days), jams 2027-02-04T08:00Z (t0 + 20 days) for a day, runs
    /// again, idles from 2027-03-01T08:00Z (t0 + 45 days): its hours cross three month boundaries. Hours from t0:
    /// 2027-01-01T00:00Z is −344, 2027-02-01 is 400, 2027-03-01 is 1072.
    static func monthEvents() throws -> [EventEnvelope] {
        [
            try Fixture.envelope(1, MachineSignalsReported(
                states: [
                    Fixture.state("lathe", .running, -480 * 60), Fixture.state("lathe", .down, 480 * 60, "JAM"),
                    Fixture.state("lathe", .running, 504 * 60), Fixture.state("lathe", .idle, 1080 * 60),
                ],
                counts: [Fixture.count("lathe", 500, 5, -300 * 60), Fixture.count("lathe", 70, 1, 700 * 60)])),
        ]
    }

    /// Whole months, months with days and hours around them, a month boundary inside hours, and days only.
    static let monthWindows: [(Int, Int)] = [(-344, 1072), (-500, 1100), (-480, 400), (390, 410), (-344, 400), (-200, -100), (0, 2)]

    func monthReports(_ store: any HubStore, level: KPIQuery.Level, now: Date) async throws -> [([KPINode], [KPINode])] {
        var pairs: [([KPINode], [KPINode])] = []
        for (start, end) in Self.monthWindows {
            let from = Fixture.hour(start), to = Fixture.hour(end)
            let query = KPIQuery(from: from, to: to, level: level, reasons: [:], definitions: ["ACME": [KPIQueryContractTests.availability]], shared: [])
            pairs.append((
                query.report(try await store.kpiRollups(scope: .all, plant: nil, from: from, to: to), now: now),
                query.report(try await store.kpiRollupTotals(scope: .only(["ACME"]), plant: "ACME-BER", from: from, to: to), now: now)))
        }
        return pairs
    }

    @Test(arguments: HubBackend.allCases) func theMonthRowsSumTheHoursAlsoAfterALateEventInAnEarlierMonth(backend: HubBackend) async throws {
        try await Fixture().withStore(backend) { store in
            _ = try await Fixture().apply(store, try Self.monthEvents())
            let now = Fixture.hour(1200)
            for level in KPIQuery.Level.allCases {
                for (hours, totals) in try await monthReports(store, level: level, now: now) {
                    #expect(hours == totals)
                }
            }
            // January and February whole: 1416 h, of which lathe was down 24 h (2027-02-04T08:00 to 02-05T08:00).
            let months = try await store.kpiRollupTotals(scope: .all, plant: nil, from: Fixture.hour(-344), to: Fixture.hour(1072))
            #expect(months.hours.count == 1)
            #expect(months.hours.first?.elements.actualProductionTime == Double(1416 - 24) * 3600)
            #expect(months.hours.first?.elements.downTime == Double(24 * 3600))
            #expect(months.downtime.map(\.stops) == [1])

            // A late planned stop on 2026-12-28T08:00Z (t0 − 18 days) holds until the jam: December from then on,
            // all of January and February to the jam are no longer running. The months follow.
            _ = try await Fixture().apply(store, [try Fixture.envelope(2, MachineSignalsReported(
                states: [Fixture.state("lathe", .plannedStop, -432 * 60)], counts: []))])
            for level in [KPIQuery.Level.machine, .group] {
                for (hours, totals) in try await monthReports(store, level: level, now: now) {
                    #expect(hours == totals)
                }
            }
            let january = try await store.kpiRollupTotals(scope: .all, plant: "ACME-BER", from: Fixture.hour(-344), to: Fixture.hour(400))
            #expect(january.hours.first?.elements.plannedStopTime == Double(744 * 3600))
            #expect(january.hours.first?.elements.actualProductionTime == 0)
            let after = try await store.kpiRollupTotals(scope: .all, plant: nil, from: Fixture.hour(-344), to: Fixture.hour(1072))
            // February 1 to the jam (2027-02-04T08:00Z) is 80 h of planned stop; after the jam day it runs 568 h.
            #expect(after.hours.first?.elements.plannedStopTime == Double(744 + 80) * 3600)
            #expect(after.hours.first?.elements.actualProductionTime == Double(1416 - 744 - 80 - 24) * 3600)

            // Spans: each span between cuts is the hour rows' sum of that span, stamped at its start.
            let cuts = [-500, -344, -100, 400, 1072, 1100].map(Fixture.hour)
            let spans = try await store.kpiRollupSpans(scope: .only(["ACME"]), plant: nil, cuts: cuts.reversed(), depth: .machine)
            #expect(Set(spans.hours.map(\.hour)) == Set(cuts.dropLast()))
            for (from, to) in zip(cuts, cuts.dropFirst()) {
                let query = KPIQuery(from: from, to: to, level: .machine, reasons: [:], definitions: [:], shared: [])
                let hours = try await store.kpiRollups(scope: .all, plant: nil, from: from, to: to)
                #expect(query.report(spans, now: now) == query.report(hours, now: now))
            }
            // Another company's principal sees none of it.
            let zeta = try await store.kpiRollupSpans(scope: .only(["ZETA"]), plant: nil, cuts: cuts, depth: .machine)
            #expect(zeta.hours.isEmpty && zeta.downtime.isEmpty && zeta.heads.isEmpty)
        }
    }

    @Test func aWindowSplitsIntoWholeUTCMonthsTheDaysAndTheHoursAround() {
        let january16 = Date(timeIntervalSince1970: 1_800_057_600)  // 2027-01-16T00:00Z
        let day = 86_400.0
        let february = january16.addingTimeInterval(16 * day), march = february.addingTimeInterval(28 * day)
        let levels = KPIMonthRollup.levels(from: january16.addingTimeInterval(5 * 3600), to: march.addingTimeInterval(day + 3 * 3600))
        #expect(levels.months == february..<march)
        #expect(levels.days == [january16.addingTimeInterval(day)..<february, march..<march.addingTimeInterval(day)])
        #expect(levels.hours == [january16.addingTimeInterval(5 * 3600)..<january16.addingTimeInterval(day),
                                 march.addingTimeInterval(day)..<march.addingTimeInterval(day + 3 * 3600)])
        // Days only, when no whole month lies inside; a whole month alone.
        let days = KPIMonthRollup.levels(from: january16, to: february.addingTimeInterval(2 * day))
        #expect(days.months == nil && days.days == [january16..<february.addingTimeInterval(2 * day)] && days.hours.isEmpty)
        let whole = KPIMonthRollup.levels(from: february, to: march)
        #expect(whole.months == february..<march && whole.days.isEmpty && whole.hours.isEmpty)
        #expect(KPIMonthRollup.monthStart(of: march.addingTimeInterval(-1)) == february)
        // Two spans: each part stamped with its span's start; repeated and unsorted cuts change nothing.
        let spans = KPIRollupSpans(cuts: [march, january16, february, march])
        #expect(spans.parts == [
            .init(rows: .days, stamp: january16, range: january16..<february), .init(rows: .months, stamp: february, range: february..<march),
        ])
    }

    @Test func aWindowSplitsIntoWholeUTCDaysAndTheHoursAround() {
        let midnight = Date(timeIntervalSince1970: 1_800_057_600)  // 2027-01-16T00:00Z
        let day = 86_400.0
        let split = KPIDayRollup.split(from: midnight.addingTimeInterval(-3 * 3600), to: midnight.addingTimeInterval(2 * day + 5 * 3600))
        #expect(split.days == midnight..<midnight.addingTimeInterval(2 * day))
        #expect(split.hours == [midnight.addingTimeInterval(-3 * 3600)..<midnight,
                                midnight.addingTimeInterval(2 * day)..<midnight.addingTimeInterval(2 * day + 5 * 3600)])
        let inside = KPIDayRollup.split(from: midnight.addingTimeInterval(3600), to: midnight.addingTimeInterval(5 * 3600))
        #expect(inside.days == nil && inside.hours == [midnight.addingTimeInterval(3600)..<midnight.addingTimeInterval(5 * 3600)])
        let whole = KPIDayRollup.split(from: midnight, to: midnight.addingTimeInterval(day))
        #expect(whole.days == midnight..<midnight.addingTimeInterval(day) && whole.hours.isEmpty)
        #expect(KPIDayRollup.split(from: midnight, to: midnight).hours.isEmpty)
    }
}
