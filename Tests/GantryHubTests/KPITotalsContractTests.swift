import Foundation
import GantryCore
import GantryTestSupport
@testable import GantryHub
import Testing

/// The database's sums (`kpiRollupTotals`: whole UTC days from the day rows, the hours around them from the hour
/// rows) against the Swift sums of the hour rows (`kpiRollups`), on both backends: every window, every level, the
/// same report, also after a late event rewrites hours of an earlier day.
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
            // The whole-days window holds 2 days of day rows and 8 + 16 hours around them; press ran 20 h of t0's day.
            let wide = try await store.kpiRollupTotals(scope: .all, plant: nil, from: Fixture.hour(-8), to: Fixture.hour(64))
            #expect(wide.hours.map(\.machine.machine) == ["press", "saw"])
            #expect(wide.hours.allSatisfy { $0.hour == Fixture.hour(-8) })

            // A late state 30 h back rewrites hours from the day before: the days follow.
            _ = try await Fixture().apply(store, [try Fixture.envelope(2, MachineSignalsReported(
                states: [Fixture.state("press", .plannedStop, 16 * 60)], counts: []))])
            for (hours, totals) in try await reports(store, level: .machine, now: now) {
                #expect(hours == totals)
            }
            let after = try await store.kpiRollupTotals(scope: .all, plant: "ACME-BER", from: Fixture.hour(-8), to: Fixture.hour(64))
            #expect(after.hours.first { $0.machine.machine == "press" }?.elements.plannedStopTime ?? 0 > 0)
            // Another company's principal sees none of it.
            let zeta = try await store.kpiRollupTotals(scope: .only(["ZETA"]), plant: nil, from: Fixture.hour(-8), to: Fixture.hour(64))
            #expect(zeta.hours.isEmpty && zeta.downtime.isEmpty && zeta.heads.isEmpty)
        }
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
