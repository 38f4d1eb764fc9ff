import Foundation
import GantryCore
import GantryTestSupport
@testable import GantryHub
import Testing

/// Batches that touch several machines at once, each from its own hour: the PostgreSQL writer recomputes all of them
/// in the same few set-based statements, the SQLite writer machine by machine. Both must write the same rows, and
/// the rows must be the ones worked out by hand.
@Suite struct KPIRollupBatchTests {
    typealias Contract = KPIRollupContractTests

    static func state(_ line: String, _ machine: String, _ state: MachineState, _ minutes: Double, _ reason: String? = nil) -> MachineStateChanged {
        MachineStateChanged(line: line, machine: machine, state: state, reason: reason, at: Contract.at(minutes))
    }

    static func count(_ line: String, _ machine: String, _ good: Int64, _ minutes: Double) -> MachineCountReported {
        MachineCountReported(line: line, machine: machine, good: good, scrap: 0, at: Contract.at(minutes))
    }

    /// Three batches over four machines on two lines (minutes from 08:00 UTC on 15 January):
    /// 1. press (L1) running at 0, down for JAM at 30, 40 good at 10; lathe (L2) idle at 20, running at 50;
    ///    mill (L1) only a count, 7 good at 15.
    /// 2. a lost signal at 100 (every machine with rollups is recomputed from its own head's hour); press running at
    ///    140; lathe idle at 40, before its head (its 08:00 hour is rewritten); saw (L2) running at 200, its first fact.
    /// 3. the next day: lathe down for TOOL at 1,220 (04:20 on the 16th), press 5 good at 1,230.
    static func batches() throws -> [[EventEnvelope]] {
        [
            [try Contract.envelope(1, MachineSignalsReported(
                states: [state("L1", "press", .running, 0), state("L1", "press", .down, 30, "JAM"),
                         state("L2", "lathe", .idle, 20), state("L2", "lathe", .running, 50)],
                counts: [count("L1", "press", 40, 10), count("L1", "mill", 7, 15)]))],
            [try Contract.envelope(2, MachineSignalLost(cause: "broker-lost", at: Contract.at(100))),
             try Contract.envelope(3, MachineSignalsReported(
                states: [state("L1", "press", .running, 140), state("L2", "lathe", .idle, 40), state("L2", "saw", .running, 200)],
                counts: []))],
            [try Contract.envelope(4, MachineSignalsReported(
                states: [state("L2", "lathe", .down, 1220, "TOOL")], counts: [count("L1", "press", 5, 1230)]))],
        ]
    }

    /// The rows, the day and month sums and the heads `batches` leave on `backend`.
    func rollups(
        _ backend: HubBackend
    ) async throws -> (rows: KPIRollupSnapshot, days: KPIRollupSnapshot, lineDays: KPIRollupSnapshot, month: KPIRollupSnapshot) {
        try await backend.withStore { store in
            _ = try await store.enrolPlant(try PlantIdentity(company: "ACME", code: "BER"), timeZone: "Europe/Berlin", tokenHash: "h1", audit: .test)
            for batch in try Self.batches() {
                _ = try await store.applyBatch(
                    SyncBatch(plant: "ACME-BER", agentHead: batch.last!.sequence, events: batch), receivedAt: Contract.t0)
            }
            let rows = try await store.kpiRollups(scope: .all, plant: nil, from: Contract.hour(-24), to: Contract.hour(48))
            // Whole days (the day rows) and the whole of January (the month rows).
            let days = try await store.kpiRollupSpans(
                scope: .all, plant: nil, cuts: [Contract.hour(-8), Contract.hour(16), Contract.hour(40)], depth: .machine)
            // The same days kept apart only by line: the line day rows.
            let lineDays = try await store.kpiRollupSpans(
                scope: .all, plant: nil, cuts: [Contract.hour(-8), Contract.hour(16), Contract.hour(40)], depth: .line)
            let month = try await store.kpiRollupSpans(scope: .all, plant: nil, cuts: [Self.january, Self.february], depth: .machine)
            return (rows, days, lineDays, month)
        }
    }

    /// 1 January and 1 February 2027, 00:00 UTC.
    static let january = Contract.hour(-8 - 14 * 24)
    static let february = Contract.hour(16 + 16 * 24)

    @Test func severalMachinesInABatchAreRolledUpAsEachAloneOnBothBackends() async throws {
        let sqlite = try await rollups(.sqlite), postgres = try await rollups(.postgres)
        #expect(postgres.rows == sqlite.rows)
        #expect(postgres.days == sqlite.days)
        #expect(postgres.lineDays == sqlite.lineDays)
        #expect(postgres.month == sqlite.month)

        let rows = postgres.rows
        func hours(_ machine: String) -> [KPIMachineHour] { rows.hours.filter { $0.machine.machine == machine } }
        // lathe, 08:00: unknown until its first fact, idle 08:20–08:50 (the late idle at 08:40 changes nothing),
        // running 08:50–09:00.
        // 09:00: running until the lost signal at 09:40, unknown after it; its rows reach its newest fact at 04:20.
        #expect(hours("lathe").first?.elements == KPIElements(actualProductionTime: 600, delayTime: 1800, unknownTime: 1200))
        #expect(hours("lathe").dropFirst().first?.elements == KPIElements(actualProductionTime: 2400, unknownTime: 1200))
        #expect(hours("lathe").last?.hour == Contract.hour(20) && hours("lathe").last?.elements == KPIElements(unknownTime: 1200))
        // press, 08:00: running 30 min, down (JAM) 30 min, 40 good; 09:00: down until the lost signal at 09:40.
        #expect(hours("press").first?.elements == KPIElements(
            actualProductionTime: 1800, downTime: 1800, good: Quantity(40), unratedQuantity: Quantity(40)))
        #expect(hours("press").dropFirst().first?.elements == KPIElements(downTime: 2400, unknownTime: 1200))
        // 10:00: unknown until running again at 10:20; 04:00 the next day: 30 min running with 5 good.
        #expect(hours("press").dropFirst(2).first?.elements == KPIElements(actualProductionTime: 2400, unknownTime: 1200))
        #expect(hours("press").last?.elements == KPIElements(actualProductionTime: 1800, good: Quantity(5), unratedQuantity: Quantity(5)))
        // mill has counts only (unknown time); saw's rollups begin with its own first fact, after the lost signal.
        #expect(hours("mill").map(\.elements.good) == [Quantity(7)] + Array(repeating: Quantity(0), count: hours("mill").count - 1))
        #expect(hours("saw").first?.hour == Contract.hour(3))
        #expect(Set(rows.heads.map { "\($0.machine.machine) \($0.state.rawValue) \($0.reason ?? "")" })
            == ["press running ", "mill unknown ", "lathe down TOOL", "saw running "])
        // The 15th from the day rows: press's 40 good, and down 08:30–09:40 (JAM).
        let pressDay = postgres.days.hours.first { $0.machine.machine == "press" && $0.hour == Contract.hour(-8) }
        #expect(pressDay?.elements.good == Quantity(40) && pressDay?.elements.downTime == Double(1800 + 2400))
        // The line day rows are their machines' day rows summed: L1 on the 15th is press's 40 good and mill's 7, and
        // press's 70 minutes down for JAM (08:30 to the lost signal at 09:40).
        for snapshot in [postgres, sqlite] {
            #expect(snapshot.lineDays.hours.allSatisfy { $0.machine.machine == "" })
            for day in [Contract.hour(-8), Contract.hour(16)] {
                for line in ["L1", "L2"] {
                    let machines = snapshot.days.hours.filter { $0.machine.line == line && $0.hour == day }
                    let summed = machines.reduce(KPIElements.zero) { $0 + $1.elements }
                    let read = snapshot.lineDays.hours.first { $0.machine.line == line && $0.hour == day }
                    #expect(read?.elements == summed, "\(line) \(day)")
                }
            }
        }
        let l1 = postgres.lineDays.hours.first { $0.machine.line == "L1" && $0.hour == Contract.hour(-8) }
        #expect(l1?.elements.good == Quantity(47))
        #expect(postgres.lineDays.downtime.filter { $0.machine.line == "L1" && $0.hour == Contract.hour(-8) }
            .map { "\($0.reason) \($0.seconds) \($0.stops)" } == ["JAM 4200.0 1"])
        // January from the month rows: press's 45 good, and its running time 08:00–08:30 and 10:20 to 04:30 the next
        // day (18 h 10 min).
        let pressMonth = postgres.month.hours.first { $0.machine.machine == "press" && $0.hour == Self.january }
        #expect(pressMonth?.elements.good == Quantity(45))
        #expect(pressMonth?.elements.actualProductionTime == Double(1800 + 18 * 3600 + 600))
    }
}
