import Foundation
import GantryCore
import Testing

@Suite struct MaintenancePolicyTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let policy = MaintenancePolicy(
        downThreshold: 600,
        reasons: DowntimeReasons([.init(code: "MOTOR", lossClass: .availability, failure: true, description: ""),
                                  .init(code: "WAIT", lossClass: .performance, failure: false, description: "")]))

    func down(_ secondsAgo: Double, _ reason: String? = nil) -> MachineTimeline.Change {
        MachineTimeline.Change(at: now - secondsAgo, state: .down, reason: reason)
    }

    @Test func correctiveOpensPastTheThresholdOrAtOnceForAFailure() {
        #expect(policy.corrective(latest: down(599), hasOpenRequest: false, now: now) == nil)
        #expect(policy.corrective(latest: down(600), hasOpenRequest: false, now: now) == .downThreshold)
        #expect(policy.corrective(latest: down(1, "MOTOR"), hasOpenRequest: false, now: now) == .failureReason)
        #expect(policy.corrective(latest: down(1, "WAIT"), hasOpenRequest: false, now: now) == nil)
        #expect(policy.corrective(latest: down(1, "UNKNOWN"), hasOpenRequest: false, now: now) == nil, "unknown codes wait for the threshold")
    }

    @Test func correctiveNeverOpensTwiceOrForOtherStates() {
        #expect(policy.corrective(latest: down(9999, "MOTOR"), hasOpenRequest: true, now: now) == nil)
        #expect(policy.corrective(latest: MachineTimeline.Change(at: now - 9999, state: .unknown), hasOpenRequest: false, now: now) == nil,
                "a lost signal is not a breakdown")
        #expect(policy.corrective(latest: MachineTimeline.Change(at: now - 9999, state: .idle), hasOpenRequest: false, now: now) == nil)
        #expect(policy.corrective(latest: nil, hasOpenRequest: false, now: now) == nil)
        #expect(policy.corrective(latest: down(9999), hasOpenRequest: false, requestedStop: now - 9999, now: now) == nil,
                "a request for this stop, even completed, covers it")
        #expect(policy.corrective(latest: down(700), hasOpenRequest: false, requestedStop: now - 800, now: now) == .downThreshold,
                "a new stop after the last request opens a new one")
    }

    @Test func preventiveByCalendarAndByCounter() {
        let plan = MaintenancePlan(planId: UUID(), line: "L1", machine: "M1", everyDays: 7, everyGoodParts: 10_000,
                                   description: "lubricate", createdAt: now - 3 * 86_400)
        #expect(policy.preventive(plan: plan, lastOpenedAt: nil, goodPartsSince: 9_999, hasOpenRequest: false, now: now) == nil)
        #expect(policy.preventive(plan: plan, lastOpenedAt: nil, goodPartsSince: 10_000, hasOpenRequest: false, now: now) == .counter)
        #expect(policy.preventive(plan: plan, lastOpenedAt: nil, goodPartsSince: 0, hasOpenRequest: false, now: now + 4 * 86_400) == .calendar)
        #expect(policy.preventive(plan: plan, lastOpenedAt: now, goodPartsSince: 0, hasOpenRequest: false, now: now + 6 * 86_400) == nil,
                "the calendar counts from the last request")
        #expect(policy.preventive(plan: plan, lastOpenedAt: nil, goodPartsSince: 50_000, hasOpenRequest: true, now: now) == nil)
    }

    @Test func aPlansDaysAreThePlantsCalendarDaysAcrossAClockChange() {
        // Every day, last requested Saturday 2031-03-29 at 09:00 in Berlin (CET) = 08:00Z. Sunday is 23 hours
        // long there: the next 09:00 (CEST) is 2031-03-30T07:00Z, not 24 hours later at 08:00Z.
        var berlin = policy
        berlin.timeZone = TimeZone(identifier: "Europe/Berlin")!
        let plan = MaintenancePlan(planId: UUID(), line: "L1", machine: "M1", everyDays: 1, everyGoodParts: nil,
                                   description: "check", createdAt: Timestamp.parse("2031-03-01T08:00:00Z")!)
        let last = Timestamp.parse("2031-03-29T08:00:00Z")!
        #expect(berlin.preventive(plan: plan, lastOpenedAt: last, goodPartsSince: 0, hasOpenRequest: false,
                                  now: Timestamp.parse("2031-03-30T06:59:59Z")!) == nil)
        #expect(berlin.preventive(plan: plan, lastOpenedAt: last, goodPartsSince: 0, hasOpenRequest: false,
                                  now: Timestamp.parse("2031-03-30T07:00:00Z")!) == .calendar)
        // Autumn: Sunday 2031-10-26 is 25 hours long; 09:00 CEST Saturday (07:00Z) → 09:00 CET Sunday (08:00Z).
        let autumn = Timestamp.parse("2031-10-25T07:00:00Z")!
        #expect(berlin.preventive(plan: plan, lastOpenedAt: autumn, goodPartsSince: 0, hasOpenRequest: false,
                                  now: Timestamp.parse("2031-10-26T07:30:00Z")!) == nil)
        #expect(berlin.preventive(plan: plan, lastOpenedAt: autumn, goodPartsSince: 0, hasOpenRequest: false,
                                  now: Timestamp.parse("2031-10-26T08:00:00Z")!) == .calendar)
    }
}
