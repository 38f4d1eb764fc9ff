import Foundation
import GantryTestSupport
import Synchronization
import Testing

/// Whole processes: a hub and agents started from the built executables, talking over loopback.
@Suite(.serialized) struct StoreAndForwardTests {
    @Test func scansTakenWhileTheHubIsDownArriveOnceWhenItReturns() async throws {
        try await withTemporaryDirectory { dir in
            let hub = try await HubProcess(dir: dir)
            let token = try await hub.enrol("BER")
            try await hub.start()
            let agent = try AgentProcess(dir: dir, plantID: "ACME-BER", hubURL: hub.url, token: token)
            try await agent.start()

            for index in 0..<40 { try await postScan(agent, data: "BEFORE-\(index)") }
            try await eventually("the hub has the first 40 scans") { try await hub.report(plant: "ACME-BER")?["scans"] as? Int == 40 }

            try await hub.child!.stop(SIGKILL)
            for index in 0..<60 { try await postScan(agent, data: "DURING-\(index)") }
            try await eventually("the agent notices the hub is gone") {
                let status = try await agent.status()
                return (status["hub"] as? [String: Any])?["reachable"] as? Bool == false
            }
            let offline = try await agent.status()
            let backlog = try #require(offline["backlog"] as? [String: Any])
            #expect(backlog["events"] as? Int == 60)
            #expect((backlog["bytes"] as? Int ?? 0) > 0 && (backlog["oldestAgeSeconds"] as? Double ?? 0) > 0)

            try await hub.start()
            try await eventually("the backlog drains to the returned hub") { try await hub.report(plant: "ACME-BER")?["scans"] as? Int == 100 }
            let scans = try await hub.scans(plant: "ACME-BER")
            #expect(scans.map(\.sequence) == Array(1...100))
            #expect(scans.map(\.data) == (0..<40).map { "BEFORE-\($0)" } + (0..<60).map { "DURING-\($0)" })
            try await eventually("the agent sees its backlog acknowledged") {
                let status = try await agent.status()
                return status["acknowledgedSequence"] as? Int == 100 && (status["backlog"] as? [String: Any])?["events"] as? Int == 0
            }
            #expect(try await agent.child!.stop(SIGTERM) == 0, "a graceful stop exits cleanly")
            try await hub.child!.stop()
        }
    }

    @Test func anAgentKilledWhileScansArriveLosesAndDuplicatesNothing() async throws {
        try await withTemporaryDirectory { dir in
            let hub = try await HubProcess(dir: dir)
            let token = try await hub.enrol("BER")
            try await hub.start()
            let agent = try AgentProcess(dir: dir, plantID: "ACME-BER", hubURL: hub.url, token: token)
            let ledger = ScanLedger()
            var kills = 0
            for round in 0..<3 {
                try await agent.start()
                // Scans the killed agent may or may not have recorded are sent again with the same id, as a
                // scanner client does after a timeout.
                for scan in ledger.takeUnconfirmed() { try await postScan(agent, data: scan.data, id: scan.id, ledger: ledger) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for lane in 0..<4 {
                        group.addTask {
                            for index in 0... {
                                let scan = (id: UUID(), data: "R\(round)-L\(lane)-\(index)")
                                ledger.sent(scan)
                                do {
                                    try await postScan(agent, data: scan.data, id: scan.id, ledger: ledger)
                                } catch {
                                    return  // the agent is gone; this scan stays unconfirmed
                                }
                            }
                        }
                    }
                    try await eventually("scans are flowing", timeout: .seconds(30), interval: .milliseconds(5)) {
                        ledger.confirmedCount >= 80 * (round + 1)
                    }
                    if round < 2 {
                        try await agent.child!.stop(SIGKILL)
                        kills += 1
                    } else {
                        try await agent.child!.stop(SIGTERM)
                    }
                    try await group.waitForAll()
                }
            }
            try await agent.start()
            for scan in ledger.takeUnconfirmed() { try await postScan(agent, data: scan.data, id: scan.id, ledger: ledger) }
            let head = try #require(try await agent.status()["lastSequence"] as? Int)
            try await eventually("the hub has the agent's whole log") {
                try await hub.report(plant: "ACME-BER")?["lastSequence"] as? Int == head
            }
            let scans = try await hub.scans(plant: "ACME-BER")
            let confirmed = ledger.confirmed
            #expect(kills == 2)
            #expect(scans.map(\.sequence) == Array(1...head), "gap-free, in order")
            #expect(Set(scans.map(\.scanID)).count == scans.count, "no scan counted twice")
            let atHub = Dictionary(uniqueKeysWithValues: scans.map { ($0.scanID, $0.data) })
            let missing = confirmed.filter { atHub[$0.key.uuidString] != $0.value }
            #expect(missing.isEmpty, "\(missing.count) acknowledged scans are missing at the hub")
            #expect(scans.count == confirmed.count, "every scan at the hub was acknowledged to its client")
            try await agent.child!.stop()
            try await hub.child!.stop()
        }
    }
}

/// What the scanning clients sent and what the agent confirmed.
final class ScanLedger: Sendable {
    private let state = Mutex((sent: [UUID: String](), confirmed: [UUID: String]()))

    func sent(_ scan: (id: UUID, data: String)) { state.withLock { $0.sent[scan.id] = scan.data } }
    func confirmed(_ id: UUID) { state.withLock { $0.confirmed[id] = $0.sent[id] } }
    var confirmedCount: Int { state.withLock { $0.confirmed.count } }
    var confirmed: [UUID: String] { state.withLock { $0.confirmed } }

    func takeUnconfirmed() -> [(id: UUID, data: String)] {
        state.withLock { state in state.sent.filter { state.confirmed[$0.key] == nil }.map { ($0.key, $0.value) } }
    }
}

func postScan(_ agent: AgentProcess, data: String, id: UUID = UUID(), ledger: ScanLedger? = nil) async throws {
    ledger?.sent((id, data))
    let answer = try await HTTP.request(
        "POST", "\(agent.url)/v1/scans", json: #"{"data":"\#(data)","device":"line-1","id":"\#(id.uuidString)"}"#)
    try #require(answer.status == 201 || answer.status == 200, "\(answer.text)")
    ledger?.confirmed(id)
}
