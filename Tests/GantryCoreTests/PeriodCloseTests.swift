import Foundation
@testable import GantryCore
import Testing

/// Closing a fiscal period: refused while a plant may still owe events for it, by each rule.
@Suite struct PeriodCloseTests {
    static let january = FiscalPeriodMaster(key: "2026-01", start: "2026-01-01", end: "2026-01-31", fiscalYear: "FY2026")

    static func plant(head: Int64 = 10, seen: String?, recorded: String?, zone: String = "UTC") -> PeriodClose.PlantPosition {
        PeriodClose.PlantPosition(
            plant: "ACME-BER", lastSequence: 10, agentHead: head, lastSeenAt: seen.flatMap(Timestamp.parse),
            lastEventRecordedAt: recorded.flatMap(Timestamp.parse), timeZone: zone)
    }

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var plant: PeriodClose.PlantPosition
        var closed: Set<String> = []
        var expected: AccountingRefusal.Code?
    }

    // The period ends at 2026-02-01T00:00Z (UTC), 2026-01-31T23:00Z in Berlin; the grace is an hour.
    static let cases: [Case] = [
        Case(description: "head beyond applied", plant: plant(head: 11, seen: "2026-02-05T00:00:00Z", recorded: "2026-02-04T00:00:00Z"),
             expected: .periodNotClosable),
        Case(description: "last event before the end, heard within the grace",
             plant: plant(seen: "2026-02-01T00:59:00Z", recorded: "2026-01-31T20:00:00Z"), expected: .periodNotClosable),
        Case(description: "never heard from", plant: plant(seen: nil, recorded: nil), expected: .periodNotClosable),
        Case(description: "heard after the end plus the grace", plant: plant(seen: "2026-02-01T01:00:00Z", recorded: "2026-01-31T20:00:00Z")),
        Case(description: "an event recorded after the end, the clock agreeing",
             plant: plant(seen: "2026-02-01T00:10:00Z", recorded: "2026-02-01T00:05:00Z")),
        Case(description: "an event recorded after the end by a clock running ahead",
             plant: plant(seen: "2026-01-31T12:00:00Z", recorded: "2026-02-01T00:05:00Z"), expected: .periodNotClosable),
        Case(description: "the plant's own time zone ends the period earlier",
             plant: plant(seen: "2026-02-01T00:00:00Z", recorded: "2026-01-31T20:00:00Z", zone: "Europe/Berlin")),
        Case(description: "closed already", plant: plant(seen: "2026-02-05T00:00:00Z", recorded: nil), closed: ["2026-01"],
             expected: .periodClosed),
    ]

    @Test(arguments: cases) func decides(_ test: Case) throws {
        do {
            let period = try PeriodClose.decide(Self.january, code: "2026-01", company: "ACME", closed: test.closed, plants: [test.plant])
            #expect(test.expected == nil, "closed, expected \(String(describing: test.expected))")
            #expect(period.key == "2026-01")
        } catch {
            #expect(error.code == test.expected, "\(error.detail)")
            if error.code == .periodNotClosable { #expect(error.detail.contains("ACME-BER")) }
        }
    }

    @Test func anUnknownPeriodIsRefusedAsInvalid() {
        #expect(throws: AccountingRefusal(.invalid, "company ACME has no fiscal period NOPE")) {
            try PeriodClose.decide(nil, code: "NOPE", company: "ACME", closed: [], plants: [])
        }
    }
}
