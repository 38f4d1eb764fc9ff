import Foundation
import GantryAgent
import GantryCore
import GantryHub
import GantryTestSupport
import Synchronization
import Testing

/// A plant cut off for 35 days catches up through the ordinary sync path into a hub on PostgreSQL (issue 23's
/// "35 days offline", short version; the long one is `provisioning/soak/soak_offline.py`). The agent's own store is
/// filled with 35 days of a small plant's traffic at their past times, through the store's own recording calls, as
/// the agent would have recorded them; then the agent starts, and a scanner keeps scanning while it catches up.
@Suite struct OfflineCatchUpTests {
    static let days = 35
    static let machines = [(line: "L1", machine: "PRESS"), (line: "L1", machine: "SAW"), (line: "L2", machine: "PACK")]
    static let scansPerDay = 20

    /// One machine's day, in minutes after the day's start (each machine a little later than the one before):
    /// running from the start, idle for an hour, running, down for an hour (`JAM`), running, planned stop until
    /// the next day. So per day: running 1,080 + 10 × machine minutes, idle 60, down 60, planned stop
    /// 240 − 10 × machine.
    static func stateChanges(machine: Int) -> [(minute: Int, state: MachineState, reason: String?)] {
        let late = 10 * machine
        return [
            (0, .running, nil), (240 + late, .idle, nil), (300 + late, .running, nil), (600 + late, .down, "JAM"),
            (660 + late, .running, nil), (1200 + late, .plannedStop, nil),
        ]
    }

    /// The machine's count at half past every hour `hour` (0–23) of the day: 10 + hour mod 5 + machine good, and
    /// a scrapped part every sixth hour (hours 0, 6, 12, 18).
    static func count(machine: Int, hour: Int) -> (good: Int64, scrap: Int64) {
        (Int64(10 + hour % 5 + machine), hour % 6 == 0 ? 1 : 0)
    }

    /// One fact of the backlog, at its own time.
    enum Fact: Sendable {
        case signal(MachineSignal)
        case scan(ScanRecorded)
    }

    /// The 35 days from `start`, in time order (the order the plant recorded them in).
    static func backlog(from start: Date) -> [(at: Date, fact: Fact)] {
        var facts: [(at: Date, fact: Fact)] = []
        for day in 0..<days {
            let opens = start.addingTimeInterval(Double(day) * 86_400)
            func minute(_ minutes: Int) -> Date { opens.addingTimeInterval(Double(minutes) * 60) }
            for (index, machine) in machines.enumerated() {
                for change in stateChanges(machine: index) {
                    let at = minute(change.minute)
                    facts.append((at, .signal(.state(MachineStateChanged(
                        line: machine.line, machine: machine.machine, state: change.state, reason: change.reason, at: at)))))
                }
                for hour in 0..<24 {
                    let at = minute(hour * 60 + 30 + index), made = count(machine: index, hour: hour)
                    facts.append((at, .signal(.count(MachineCountReported(
                        line: machine.line, machine: machine.machine, good: made.good, scrap: made.scrap, at: at)))))
                }
            }
            for scan in 0..<scansPerDay {
                facts.append((minute(scan * 72 + 5), .scan(ScanRecorded(scanID: UUID(), device: "dock-\(scan % 3)", data: "D\(day)-\(scan)"))))
            }
        }
        // Stable: facts at the same instant keep the order they were listed in.
        return facts.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }

    /// The store's clock while the backlog is written: each fact's own time, so every event is recorded when it
    /// happened, as in a plant that was merely cut off.
    final class BacklogClock: Sendable {
        private let current = Mutex(Date.distantPast)
        func set(_ date: Date) { current.withLock { $0 = date } }
        func now() -> Date { current.withLock { $0 } }
    }

    /// The hub's payload for a backlog fact, as the agent wrote it: one `MachineSignalsReported` per machine
    /// message (the messages arrived one at a time), a `ScanRecorded` per scan.
    static func expectedEvent(_ fact: Fact) throws -> (type: String, payload: JSONValue) {
        switch fact {
        case .signal(.state(let change)):
            return (MachineSignalsReported.eventType, try JSONValue.parse(try MachineSignalsReported(states: [change], counts: []).payloadJSON()))
        case .signal(.count(let count)):
            return (MachineSignalsReported.eventType, try JSONValue.parse(try MachineSignalsReported(states: [], counts: [count]).payloadJSON()))
        case .scan(let scan):
            return (ScanRecorded.eventType, .object(["scanId": .string(scan.scanID.uuidString), "device": .string(scan.device), "data": .string(scan.data)]))
        }
    }

    @Test func thirtyFiveDaysOfflineCatchUpOnceInOrderWithTheirKPIs() async throws {
        // 35 whole days ending two hours ago: every KPI window below is closed when it is read.
        let start = wholeHour(Date()).addingTimeInterval(-Double(Self.days) * 86_400 - 2 * 3600)
        let end = start.addingTimeInterval(Double(Self.days) * 86_400)
        let facts = Self.backlog(from: start)
        let backlogScans = Self.days * Self.scansPerDay
        // 3 machines × (6 state changes + 24 counts) + 20 scans a day.
        #expect(facts.count == Self.days * (Self.machines.count * 30 + Self.scansPerDay))

        try await withTemporaryDirectory { dir in
            do {
                let clock = BacklogClock()
                let store = try SQLitePlantStore(
                    path: "\(dir)/ACME-BER.sqlite", plantID: "ACME-BER", durability: .processCrash, now: { clock.now() })
                for (index, (at, fact)) in facts.enumerated() {
                    clock.set(at)
                    switch fact {
                    case .signal(let signal):
                        let outcome = try store.recordMachineSignalNow(signal, topic: "gantry/ACME-BER/signal", payload: [], receivedAt: at)
                        try #require(outcome == .recorded(sequence: Int64(index + 1)), "\(signal)")
                    case .scan(let scan):
                        let receipt = try await store.recordScan(scan, occurredAt: at)
                        try #require(receipt.sequence == Int64(index + 1), "\(scan)")
                    }
                }
                let position = try await store.position()
                #expect(position.backlogEvents == Int64(facts.count))
                #expect(try #require(position.oldestUnsyncedAt) == start)
            }

            try await withPostgresHub { hub in
                let token = try await hub.enrol("BER")
                let live = try await withAgent(plantID: "ACME-BER", hubURL: hub.url, token: token, dir: dir, batchEvents: 500) { agent in
                    // A scanner scans on, each scan acknowledged by the agent, until the hub holds the whole backlog.
                    let began = ContinuousClock.now
                    var live: [String] = []
                    var caughtUp = false
                    while !caughtUp {
                        let data = "LIVE-\(live.count)"
                        let answer = try await HTTP.request(
                            "POST", "\(agent)/v1/scans", json: #"{"data":"\#(data)","device":"gate-1","id":"\#(UUID().uuidString)"}"#)
                        try #require(answer.status == 201, "\(answer.text)")
                        live.append(data)
                        caughtUp = try await hub.store.syncReport(now: Date()).first.map { $0.eventsReceived >= Int64(facts.count) } ?? false
                        guard ContinuousClock.now - began < .seconds(300) else {
                            Issue.record("the backlog did not reach the hub within 300 s")
                            return live
                        }
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    print("OfflineCatchUpTests: \(facts.count) backlog events over \(Self.days) days caught up in \(ContinuousClock.now - began), \(live.count) scans taken meanwhile")
                    try await eventually("the scans taken during the catch-up reach the hub", timeout: .seconds(120)) {
                        try await hub.store.syncReport(now: Date()).first?.eventsReceived == Int64(facts.count + live.count)
                    }
                    return live
                }

                // Every backlog event and every live scan once, in order: the log at the hub is the plant's.
                let total = Int64(facts.count + live.count)
                let report = try #require(try await hub.store.syncReport(now: Date()).first)
                #expect(report.eventsReceived == total && report.lastSequence == total && report.pendingEvents == 0)
                #expect(report.scans == Int64(backlogScans + live.count) && report.quarantinedEvents == 0)
                var stored: [EventEnvelope] = []
                while true {
                    let page = try await hub.store.events(plantID: "ACME-BER", after: stored.last?.sequence ?? 0, limit: 2000)
                    if page.isEmpty { break }
                    stored += page
                }
                #expect(stored.map(\.sequence) == Array(1...total))
                for (event, (at, fact)) in zip(stored, facts) {
                    let expected = try Self.expectedEvent(fact)
                    guard event.type == expected.type, event.payload == expected.payload, event.occurredAt == at else {
                        Issue.record("event \(event.sequence) is \(event.type) \(event.payload) at \(event.occurredAt), not \(expected) at \(at)")
                        break
                    }
                }
                let liveAtHub = stored.dropFirst(facts.count).map { event -> String in
                    guard case .object(let fields) = event.payload, case .string(let data) = fields["data"] else { return "(\(event.type))" }
                    return data
                }
                #expect(liveAtHub == live)

                // The hub's KPIs for the 35 days from the hours it rolled up as the backlog arrived, against the
                // figures of the plan above: one whole day in the middle, and the whole 35 days.
                let middle = start.addingTimeInterval(17 * 86_400)
                let oneDay = try await hub.machineKPIs(plant: "ACME-BER", from: middle, to: middle.addingTimeInterval(86_400))
                let allDays = try await hub.machineKPIs(plant: "ACME-BER", from: start, to: end)
                for (span, answer) in [(1, oneDay), (Self.days, allDays)] {
                    #expect(answer.nodes.count == Self.machines.count)
                    for (index, machine) in Self.machines.enumerated() {
                        let node = try #require(answer.machine("ACME-BER", machine.line, machine.machine), "\(machine)")
                        let days = Double(span), elements = node.elements, label = "\(machine.machine) over \(span) days"
                        #expect(elements.actualProductionTime == days * Double(1_080 + 10 * index) * 60, "\(label)")
                        #expect(elements.delayTime == days * 3_600 && elements.downTime == days * 3_600, "\(label)")
                        #expect(elements.plannedStopTime == days * Double(240 - 10 * index) * 60, "\(label)")
                        #expect(elements.unknownTime == 0 && elements.setupTime == 0, "\(label)")
                        // Σ over the 24 hours of 10 + hour mod 5 + machine: 24 × (10 + machine), plus 0…4 four
                        // times and 0…3 once (46).
                        #expect(elements.good == Quantity(Int64(span * (24 * (10 + index) + 46))), "\(label)")
                        #expect(elements.scrap == Quantity(Int64(span * 4)), "\(label)")
                        // `JAM` is no reason the hub knows, so each day's hour down is a failure.
                        #expect(elements.failures == Int64(span) && elements.repairTime == days * 3_600, "\(label)")
                    }
                }
            }
        }
    }
}
