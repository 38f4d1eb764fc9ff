import Foundation
import GantryCore
import Testing

/// A machine's timeline and counts become elements the way the machine-time report counts seconds, and hour
/// buckets of a window sum to the window exactly.
@Suite struct KPIMachineElementsTests {
    /// Monday 2 March 2026, 06:00 UTC.
    static let t0 = Date(timeIntervalSince1970: 1_772_431_200)
    static let reasons = DowntimeReasons([
        .init(code: "JAM", lossClass: .availability, failure: true, description: "Jam"),
        .init(code: "WAIT", lossClass: .availability, failure: false, description: "Waiting for material"),
    ])

    static func change(_ offset: Double, _ state: MachineState, _ reason: String? = nil) -> MachineTimeline.Change {
        MachineTimeline.Change(at: t0 + offset, state: state, reason: reason)
    }

    /// Seconds after 06:00 UTC; fractions on purpose, so exactness is tested on more than whole seconds.
    static let timeline = MachineTimeline(changes: [
        change(-600, .down, "JAM"),  // down before the window opens: carried in
        change(300.25, .running), change(1_500.5, .down, "WAIT"), change(1_800.5, .running),
        change(3_500, .down, "JAM"),  // 06:58:20, into the 07:00 hour
        change(3_900.75, .running), change(5_000, .idle), change(5_400, .unknown), change(6_000, .running),
        change(7_000, .setup), change(7_200.125, .running), change(8_000, .plannedStop),
        change(9_000, .down),  // no reason: a failure
        change(9_500, .running),
    ])

    static let counts = [
        KPICount(at: t0 + 1_000, good: Quantity(40), scrap: Quantity(2), plannedSecondsPerUnit: 25),
        KPICount(at: t0 + 3_600, good: Quantity(60), plannedSecondsPerUnit: 25),  // at 07:00 sharp: the 07:00 hour
        KPICount(at: t0 + 7_300, good: Quantity(30), rework: Quantity(3), plannedSecondsPerUnit: Decimal(string: "25.5")),
        KPICount(at: t0 + 11_000, good: Quantity(10)),  // no known rate
        KPICount(at: t0 + 13_000, good: Quantity(99), plannedSecondsPerUnit: 25),  // after now: not yet
    ]

    /// The shift asked for runs 06:00–10:00; now is 09:20:00.5 (12 000.5 s in).
    static let to = t0 + 14_400
    static let now = t0 + 12_000.5

    @Test func elementsOfTheWindow() {
        let elements = MachineElements.elements(Self.timeline, counts: Self.counts, from: Self.t0, to: Self.to, now: Self.now, reasons: Self.reasons)
        // running: 1 200.25 + 1 699.5 + 1 099.25 + 1 000 + 799.875 + 2 500.5 (to now) = 8 299.375
        #expect(elements.actualProductionTime == 8_299.375)
        // down: 300.25 (JAM, carried in) + 300 (WAIT) + 400.75 (JAM) + 500 (no reason) = 1 501
        #expect(elements.downTime == 1_501)
        #expect(elements.delayTime == 400 && elements.unknownTime == 600 && elements.setupTime == 200.125)
        #expect(elements.plannedStopTime == 1_000)
        #expect(elements.elapsedTime == 12_000.5, "time after now is cut, not unknown")
        // failures: the JAM at 3 500 and the stop without reason; the carried-in JAM and WAIT are not.
        #expect(elements.failures == 2)
        #expect(elements.repairTime == 300.25 + 400.75 + 500)
        // 42 × 25 + 60 × 25 + 33 × 25.5 = 1 050 + 1 500 + 841.5; 10 units unrated; the count after now left out.
        #expect(elements.plannedRunTime == Decimal(string: "3391.5"))
        #expect(elements.good == Quantity(140) && elements.scrap == Quantity(2) && elements.rework == Quantity(3))
        #expect(elements.unratedQuantity == Quantity(10))
    }

    @Test func secondsPerStateAreTheMachineTimeReports() {
        let elements = MachineElements.elements(Self.timeline, counts: [], from: Self.t0, to: Self.to, now: Self.now, reasons: Self.reasons)
        let summary = Self.timeline.summary(from: Self.t0, to: Self.now)
        for state in MachineState.allCases {
            #expect(elements[state] == summary.seconds[state], "\(state)")
        }
        #expect(elements.availability == summary.availability)
    }

    @Test func hourBucketsSumToTheWindowExactly() {
        let window = MachineElements.elements(Self.timeline, counts: Self.counts, from: Self.t0, to: Self.to, now: Self.now, reasons: Self.reasons)
        let buckets = MachineElements.buckets(Self.timeline, counts: Self.counts, from: Self.t0, to: Self.to, now: Self.now, reasons: Self.reasons)
        // 06:00, 07:00, 08:00 and 09:00 (up to now); 10:00 has not begun.
        #expect(buckets.map(\.start) == [0, 3_600, 7_200, 10_800].map { Self.t0 + $0 })
        #expect(buckets.map(\.elements).sum() == window)
        // The JAM from 06:58:20 counts as a failure at 06:00 only; its repair time is split 100 / 300.75.
        #expect(buckets.map(\.elements.failures) == [1, 0, 1, 0])
        #expect(buckets[1].elements.repairTime == 300.75 && buckets[0].elements.repairTime == 300.25 + 100)
        #expect(buckets.map(\.elements.good) == [40, 60, 30, 10].map { Quantity($0) })
        #expect(buckets[3].elements.elapsedTime == 1_200.5, "09:00 to now")
    }

    @Test func aBucketAloneEqualsTheSameBucketCutFromTheWindow() {
        let buckets = MachineElements.buckets(Self.timeline, counts: Self.counts, from: Self.t0, to: Self.to, now: Self.now, reasons: Self.reasons)
        for bucket in buckets {
            let alone = MachineElements.elements(Self.timeline, counts: Self.counts, from: bucket.start, to: bucket.end, now: Self.now, reasons: Self.reasons)
            #expect(alone == bucket.elements, "\(bucket.start)")
        }
    }

    @Test(arguments: [3_600.0, 900, 60])
    func bucketsOfAnUnalignedWindowSumExactly(length: Double) {
        let from = Self.t0 + 0.25, to = Self.t0 + 11_999.875
        let window = MachineElements.elements(Self.timeline, counts: Self.counts, from: from, to: to, now: Self.now, reasons: Self.reasons)
        let buckets = MachineElements.buckets(Self.timeline, counts: Self.counts, from: from, to: to, now: Self.now, reasons: Self.reasons, length: length)
        #expect(buckets.first?.start == MachineElements.bucketStart(of: from, length: length))
        #expect(buckets.map(\.elements).sum() == window)
        #expect(window.elapsedTime == 11_999.625)
    }

    /// Many random timelines with sub-millisecond instants over a week: the hour buckets always sum to the week.
    @Test func randomTimelinesSumExactly() {
        var random = KPISplitMix(seed: 20)
        let states = MachineState.allCases
        for _ in 0..<50 {
            var offset = -7_200.0
            var changes: [MachineTimeline.Change] = []
            var counts: [KPICount] = []
            while offset < 7 * 86_400 {
                offset += Double(random.next() % 5_400_000) / 1_000 + 0.000_25
                let state = states[Int(random.next() % UInt64(states.count))]
                changes.append(Self.change(offset, state, ["JAM", "WAIT", nil][Int(random.next() % 3)]))
                counts.append(KPICount(at: Self.t0 + offset, good: Quantity(Int64(random.next() % 50)), plannedSecondsPerUnit: Decimal(string: "12.7")))
            }
            let timeline = MachineTimeline(changes: changes)
            let from = Self.t0 + 123.456, to = Self.t0 + 7 * 86_400
            let window = MachineElements.elements(timeline, counts: counts, from: from, to: to, now: to, reasons: Self.reasons)
            let buckets = MachineElements.buckets(timeline, counts: counts, from: from, to: to, now: to, reasons: Self.reasons)
            #expect(buckets.count == 7 * 24)
            #expect(buckets.map(\.elements).sum() == window)
            #expect(window.elapsedTime == to.timeIntervalSince(from))
        }
    }

    /// Berlin's spring day, 29 March 2026, is 23 hours (28 March 23:00Z to 29 March 22:00Z): 23 hour buckets that
    /// sum to it; a plant in India starts its day at 18:30Z, which quarter-hours align with and hours do not.
    @Test func aLocalDayIsWholeBuckets() throws {
        let berlin = try PlantCalendar(timeZone: "Europe/Berlin").day(containing: Date(timeIntervalSince1970: 1_774_785_600))
        let timeline = MachineTimeline(changes: [
            MachineTimeline.Change(at: berlin.start - 100, state: .running),
            MachineTimeline.Change(at: berlin.start + 7_777.5, state: .down, reason: "JAM"),
            MachineTimeline.Change(at: berlin.start + 9_000.25, state: .running),
        ])
        let buckets = MachineElements.buckets(timeline, counts: [], from: berlin.start, to: berlin.end, now: berlin.end, reasons: Self.reasons)
        #expect(berlin.seconds == 23 * 3_600 && buckets.count == 23 && buckets.first?.start == berlin.start)
        let day = MachineElements.elements(timeline, counts: [], from: berlin.start, to: berlin.end, now: berlin.end, reasons: Self.reasons)
        #expect(buckets.map(\.elements).sum() == day && day.downTime == 1_222.75 && day.failures == 1)
        let india = try PlantCalendar(timeZone: "Asia/Kolkata").day(containing: Self.t0)
        #expect(MachineElements.bucketStart(of: india.start, length: 900) == india.start)
        #expect(MachineElements.bucketStart(of: india.start) != india.start)
    }

    @Test func aWindowNotYetBegunIsEmpty() {
        #expect(MachineElements.elements(Self.timeline, counts: Self.counts, from: Self.now, to: Self.to, now: Self.now, reasons: Self.reasons) == .zero)
        #expect(MachineElements.buckets(Self.timeline, counts: Self.counts, from: Self.now, to: Self.to, now: Self.now, reasons: Self.reasons).isEmpty)
    }

    @Test func aMachineNeverHeardFromIsUnknownNotDown() {
        let elements = MachineElements.elements(MachineTimeline(changes: []), counts: [], from: Self.t0, to: Self.t0 + 3_600, now: Self.now, reasons: Self.reasons)
        #expect(elements.unknownTime == 3_600 && elements.plannedBusyTime == 0 && elements.availability == nil)
    }

    @Test func machineCountsConvert() {
        let event = MachineCountReported(line: "L1", machine: "M1", good: 7, scrap: 2, at: Self.t0)
        let count = KPICount(event, plannedSecondsPerUnit: 30)
        #expect(count == KPICount(at: Self.t0, good: Quantity(7), scrap: Quantity(2), plannedSecondsPerUnit: 30))
    }
}

/// A small seeded generator (KPISplitMix64), so the random timelines are the same on every run.
struct KPISplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
