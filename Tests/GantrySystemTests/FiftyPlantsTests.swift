import Foundation
import GantryCore
import GantryHub
import GantryTestSupport
import Synchronization
import Testing

/// Fifty plants syncing at once into one hub on PostgreSQL (issue 23's "fifty plants", short version; the long one
/// is `provisioning/soak/soak_fifty.py`). Fifty clients speak the sync protocol as the agent does
/// (`POST /v1/sync/batches` with the plant's own token, consecutive sequences, the agent's event types and payloads),
/// all at the same moment, some of them resending as an agent does after a lost acknowledgement; two more plants run
/// real agents (in-process) taking scans alongside them.
@Suite struct FiftyPlantsTests {
    static let plants = 50
    static let batches = 4
    /// Each batch holds half an hour of the plant's time: one `MachineSignalsReported` event per machine and six scans.
    static let batchSpan: TimeInterval = 1800
    static let scansPerBatch = 6
    static let machines = ["M1", "M2"]
    /// Scans a scanner posts to each of the two real agents.
    static let agentScans = 20
    static var eventsPerBatch: Int64 { Int64(machines.count + scansPerBatch) }
    static var eventsPerPlant: Int64 { Int64(batches) * eventsPerBatch }

    /// The plant's code and id: `P01` … `P50`, `ACME-P01` ….
    static func code(_ plant: Int) -> String { "P" + String(format: "%02d", plant) }

    /// Minutes machine `machine` of `plant` runs at the start of every half hour before it goes idle: 10 to 24.
    static func runningMinutes(_ plant: Int, _ machine: Int) -> Int { 10 + (plant + 3 * machine) % 15 }
    /// Good parts in each of the machine's three counts of a half hour (one more per machine).
    static func goodPerCount(_ plant: Int, _ machine: Int) -> Int64 { Int64(plant % 7 + 1 + machine) }

    /// How a plant resends, as an agent does when an acknowledgement is lost or a retry races the original.
    enum Resend: CaseIterable {
        /// Sends every batch once.
        case none
        /// Sends the second batch again, byte for byte, once it was acknowledged.
        case sameBatchAgain
        /// Loses the second batch's acknowledgement and resends from the last acknowledged sequence, the second
        /// and third batch's events in one request.
        case fromLastAcknowledged
        /// Sends the third batch twice at the same moment.
        case twiceAtOnce

        init(_ plant: Int) { self = Self.allCases[plant % Self.allCases.count] }
    }

    /// What one plant sends: its event log (the agent's, in sequence order) cut into batches.
    struct PlantTraffic: Sendable {
        var plantID: String
        var events: [EventEnvelope]

        /// The events of batches `batches` (0-based), as one request body.
        func body(_ batches: ClosedRange<Int>) throws -> String {
            let size = Int(FiftyPlantsTests.eventsPerBatch)
            let range = (batches.lowerBound * size)..<((batches.upperBound + 1) * size)
            let slice = Array(events[range])
            let body = try WireFormat.encoder().encode(SyncBatch(plant: plantID, agentHead: slice.last!.sequence, events: slice))
            return String(decoding: body, as: UTF8.self)
        }
    }

    /// The plant's log over `[start, start + batches × 30 min)`: per half hour, each machine's state changes and
    /// counts as one `MachineSignalsReported` event (payload written by Core, as the agent writes it), then scans.
    static func traffic(plant: Int, start: Date) throws -> PlantTraffic {
        let plantID = "ACME-\(code(plant))"
        var events: [EventEnvelope] = []
        func append(type: String, at: Date, payload: JSONValue) {
            events.append(EventEnvelope(
                sequence: Int64(events.count + 1), id: UUID(), type: type, schemaVersion: 1, occurredAt: at, recordedAt: at, payload: payload))
        }
        for batch in 0..<batches {
            let opens = start.addingTimeInterval(Double(batch) * batchSpan)
            for (index, machine) in machines.enumerated() {
                let minute = { (minutes: Int) in opens.addingTimeInterval(Double(minutes * 60)) }
                let signals = MachineSignalsReported(
                    states: [
                        MachineStateChanged(line: "L1", machine: machine, state: .running, reason: nil, at: opens),
                        MachineStateChanged(
                            line: "L1", machine: machine, state: .idle, reason: nil, at: minute(runningMinutes(plant, index))),
                    ],
                    counts: (1...3).map {
                        MachineCountReported(
                            line: "L1", machine: machine, good: goodPerCount(plant, index), scrap: $0 == 2 ? 1 : 0, at: minute($0))
                    })
                append(type: MachineSignalsReported.eventType, at: opens, payload: try JSONValue.parse(try signals.payloadJSON()))
            }
            for scan in 0..<scansPerBatch {
                append(
                    type: ScanRecorded.eventType, at: opens.addingTimeInterval(Double(5 + scan * 4) * 60),
                    payload: .object([
                        "scanId": .string(UUID().uuidString), "device": .string("dock-\(scan % 2)"),
                        "data": .string("\(plantID)-\(batch)-\(scan)"),
                    ]))
            }
        }
        return PlantTraffic(plantID: plantID, events: events)
    }

    /// Every answer one plant got, with what it asked for.
    struct Exchange: Sendable {
        var batches: ClosedRange<Int>
        var status: Int
        var text: String
        var acknowledgement: SyncAcknowledgement?
    }

    /// Sends batches `batches` of `plant` and keeps the answer.
    static func send(_ plant: PlantTraffic, _ batches: ClosedRange<Int>, to url: String, token: String) async throws -> Exchange {
        let answer = try await PatientHTTP.post(url, token: token, json: try plant.body(batches))
        return Exchange(
            batches: batches, status: answer.status, text: answer.text, acknowledgement: try? answer.decode(SyncAcknowledgement.self))
    }

    /// Every plant's client at once, each sending its batches one after another as an agent does (with its plant's
    /// resends); returns each plant's exchanges in the order it made them.
    static func generate(_ traffic: [PlantTraffic], url: String, tokens: [String: String]) async throws -> [String: [Exchange]] {
        try await withThrowingTaskGroup(of: (String, [Exchange]).self) { group in
            for (index, plant) in traffic.enumerated() {
                group.addTask {
                    let token = tokens[plant.plantID]!
                    let send = { @Sendable (batches: ClosedRange<Int>) async throws -> Exchange in
                        try await Self.send(plant, batches, to: url, token: token)
                    }
                    var exchanges: [Exchange] = []
                    var batch = 0
                    while batch < Self.batches {
                        switch (Resend(index + 1), batch) {
                        case (.sameBatchAgain, 1):
                            exchanges.append(try await send(1...1))
                            exchanges.append(try await send(1...1))
                        case (.fromLastAcknowledged, 1):
                            exchanges.append(try await send(1...1))  // the hub's answer, lost on the way back to the agent
                            exchanges.append(try await send(1...2))
                            batch += 1
                        case (.twiceAtOnce, 2):
                            async let first = send(2...2)
                            async let second = send(2...2)
                            exchanges += try await [first, second]
                        default:
                            exchanges.append(try await send(batch...batch))
                        }
                        batch += 1
                    }
                    return (plant.plantID, exchanges)
                }
            }
            return try await group.reduce(into: [String: [Exchange]]()) { $0[$1.0] = $1.1 }
        }
    }

    /// Scans posted to the real agents, one after another, a few to each in turn.
    static func scan(agents: [String]) async throws {
        for index in 0..<agentScans {
            for agent in agents {
                let answer = try await HTTP.request(
                    "POST", "\(agent)/v1/scans", json: #"{"data":"LIVE-\#(index)","device":"gate-1","id":"\#(UUID().uuidString)"}"#)
                try #require(answer.status == 201, "\(answer.text)")
            }
        }
    }

    @Test func fiftyPlantsSyncAtOnceIntoOneHubOnPostgreSQLEachEventOnce() async throws {
        // Two whole hours, an hour and more in the past, so that every KPI window is closed by the time it is read.
        let start = wholeHour(Date()).addingTimeInterval(-3 * 3600)
        let traffic = try (1...Self.plants).map { try Self.traffic(plant: $0, start: start) }
        try await withPostgresHub { hub in
            var tokens: [String: String] = [:]
            for plant in 1...Self.plants { tokens["ACME-\(Self.code(plant))"] = try await hub.enrol(Self.code(plant)) }
            let url = "\(hub.url)/v1/sync/batches", enrolled = tokens
            let agentTokens = try await [hub.enrol("AGENT1"), hub.enrol("AGENT2")]

            // The generator's fifty plants and, syncing alongside them, two plants with real agents taking scans.
            let began = ContinuousClock.now
            let exchanges = try await withTemporaryDirectory { dir in
                try await withAgent(plantID: "ACME-AGENT1", hubURL: hub.url, token: agentTokens[0], dir: dir) { first in
                    try await withAgent(plantID: "ACME-AGENT2", hubURL: hub.url, token: agentTokens[1], dir: dir) { second in
                        async let scanned: Void = Self.scan(agents: [first, second])
                        let exchanges = try await Self.generate(traffic, url: url, tokens: enrolled)
                        try await scanned
                        try await eventually("the real agents' scans reach the hub", timeout: .seconds(120)) {
                            let reports = try await hub.store.syncReport(now: Date()).filter { $0.plant.hasPrefix("ACME-AGENT") }
                            return reports.count == 2 && reports.allSatisfy { $0.eventsReceived == Int64(Self.agentScans) && $0.pendingEvents == 0 }
                        }
                        return exchanges
                    }
                }
            }
            print("FiftyPlantsTests: \(exchanges.values.map(\.count).reduce(0, +)) batches from \(Self.plants) plants in \(ContinuousClock.now - began)")

            // Every request answered 200, each acknowledging what it carried, the resends applying nothing twice.
            for (index, plant) in traffic.enumerated() {
                let answers = try #require(exchanges[plant.plantID])
                for exchange in answers {
                    #expect(exchange.status == 200, "\(plant.plantID) batches \(exchange.batches): \(exchange.status) \(exchange.text)")
                    #expect(
                        exchange.acknowledgement?.acknowledgedThrough == Int64(exchange.batches.upperBound + 1) * Self.eventsPerBatch,
                        "\(plant.plantID) batches \(exchange.batches): \(exchange.text)")
                }
                let applied = answers.map { $0.acknowledgement?.applied ?? -1 }
                let perBatch = Int(Self.eventsPerBatch)
                switch Resend(index + 1) {
                case .none: #expect(applied == [perBatch, perBatch, perBatch, perBatch], "\(plant.plantID)")
                case .sameBatchAgain: #expect(applied == [perBatch, perBatch, 0, perBatch, perBatch], "\(plant.plantID)")
                case .fromLastAcknowledged:
                    #expect(applied == [perBatch, perBatch, perBatch, perBatch], "\(plant.plantID): the second batch's events once")
                case .twiceAtOnce:
                    #expect(Array(applied[0...1]) == [perBatch, perBatch] && applied.last == perBatch && applied.count == 5, "\(plant.plantID)")
                    #expect(applied[2...3].sorted() == [0, perBatch], "\(plant.plantID): one of the two applied, the other a resend")
                }
            }

            // The hub's sync report: every plant's count equals its head and what it sent.
            let reports = try await hub.store.syncReport(now: Date())
            #expect(reports.count == Self.plants + 2)
            for report in reports where !report.plant.hasPrefix("ACME-AGENT") {
                #expect(
                    report.eventsReceived == Self.eventsPerPlant && report.lastSequence == Self.eventsPerPlant
                        && report.agentHead == Self.eventsPerPlant && report.pendingEvents == 0,
                    "\(report.plant): \(report.eventsReceived) received through \(report.lastSequence) of \(report.agentHead)")
                #expect(report.scans == Int64(Self.batches * Self.scansPerBatch) && report.quarantinedEvents == 0, "\(report.plant)")
            }

            // No sequence lost or doubled: each plant's log at the hub is the one it sent, event for event.
            for plant in traffic {
                let stored = try await hub.store.events(plantID: plant.plantID, after: 0, limit: 1000)
                #expect(stored.map(\.sequence) == Array(1...Self.eventsPerPlant), "\(plant.plantID)")
                #expect(stored.map(\.id) == plant.events.map(\.id), "\(plant.plantID)")
            }
            for agent in ["ACME-AGENT1", "ACME-AGENT2"] {
                let stored = try await hub.store.events(plantID: agent, after: 0, limit: 1000)
                let data = stored.map { event -> String in
                    guard case .object(let fields) = event.payload, case .string(let data) = fields["data"] else { return "(\(event.type))" }
                    return data
                }
                #expect(stored.map(\.sequence) == Array(1...Int64(Self.agentScans)) && data == (0..<Self.agentScans).map { "LIVE-\($0)" }, "\(agent)")
            }

            // One KPI figure per machine and plant, worked out from what was sent: in each of the four half hours
            // the machine runs from its start for `runningMinutes`, then idles; three counts of `goodPerCount` good
            // parts, one of them with a scrapped part.
            let kpis = try await hub.machineKPIs(from: start, to: start.addingTimeInterval(Double(Self.batches) * Self.batchSpan))
            #expect(kpis.nodes.count == Self.plants * Self.machines.count)
            for plant in 1...Self.plants {
                for (index, machine) in Self.machines.enumerated() {
                    let plantID = "ACME-\(Self.code(plant))"
                    let node = try #require(kpis.machine(plantID, "L1", machine), "\(plantID) \(machine)")
                    let running = Double(Self.batches * Self.runningMinutes(plant, index) * 60)
                    #expect(node.elements.actualProductionTime == running, "\(plantID) \(machine)")
                    #expect(node.elements.delayTime == Double(Self.batches) * Self.batchSpan - running, "\(plantID) \(machine)")
                    #expect(node.elements.unknownTime == 0 && node.elements.downTime == 0, "\(plantID) \(machine)")
                    #expect(node.elements.good == Quantity(Int64(Self.batches * 3) * Self.goodPerCount(plant, index)), "\(plantID) \(machine)")
                    #expect(node.elements.scrap == Quantity(Int64(Self.batches)), "\(plantID) \(machine)")
                }
            }
        }
    }
}
