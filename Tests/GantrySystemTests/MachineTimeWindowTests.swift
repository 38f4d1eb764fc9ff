import Foundation
import GantryTestSupport
import GantryAgent
import GantryCore
import Testing

/// Machine reports count only time that has passed: a window ending after now is cut at now, at the agent and at
/// the hub, with the clocks of both set by the test.
@Suite struct MachineTimeWindowTests {
    static func ts(_ date: Date) -> String { Timestamp.format(date) }

    @Test func aWindowEndingAfterNowIsCutAtNowAtTheAgentAndTheHub() async throws {
        // "Now" for both, an hour behind the real clock so that every fact is in the past for the sync as well.
        let now = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 3600).rounded(.down))
        let base = now - 7200
        try await withHub(now: { now }) { hub in
            let token = try await hub.enrol("BER")
            try await withTemporaryDirectory { dir in
                do {
                    let store = try SQLitePlantStore(
                        path: "\(dir)/ACME-BER.sqlite", plantID: "ACME-BER", durability: .processCrash, now: { now })
                    func state(_ machine: String, _ state: MachineState, _ at: Date, _ reason: String? = nil) throws {
                        let signal = MachineSignal.state(MachineStateChanged(line: "L1", machine: machine, state: state, reason: reason, at: at))
                        _ = try store.recordMachineSignalNow(signal, topic: "gantry/ACME-BER/L1/\(machine)/state", payload: [], receivedAt: at)
                    }
                    // M1: running, down for half an hour, running again since 30 minutes before now.
                    try state("M1", .running, base)
                    try state("M1", .down, base + 3600)
                    try state("M1", .running, base + 5400)
                    // M2: running, down (JAM) for the last 10 minutes before now, and still down.
                    try state("M2", .running, base)
                    try state("M2", .down, now - 600, "JAM")
                }
                try await withAgent(plantID: "ACME-BER", hubURL: hub.url, token: token, dir: dir, now: { now }) { agent in
                    // Asked for ten hours past now: the report covers [base, now), 7,200 s.
                    let query = "from=\(Self.ts(base))&to=\(Self.ts(now + 36_000))"
                    let answer = try await HTTP.request("GET", "\(agent)/v1/reports/machine-time?\(query)")
                    #expect(answer.status == 200, "\(answer.text)")
                    let report = try answer.decode(MachineTimeReportBody.self)
                    #expect(report.from == base && report.to == now && report.requestedTo == now + 36_000)
                    let m1 = try #require(report.machines.first { $0.machine == "M1" })
                    let m2 = try #require(report.machines.first { $0.machine == "M2" })
                    // M1: running 3,600 + 1,800 = 5,400 s (not 5,400 + 36,000), down 1,800; 5,400 / 7,200.
                    #expect(m1.seconds["running"] == 5400 && m1.seconds["down"] == 1800 && m1.availability == 0.75)
                    // M2: running 6,600 s, down 600 (not 600 + 36,000); 6,600 / 7,200.
                    #expect(m2.seconds["running"] == 6600 && m2.seconds["down"] == 600 && m2.downtimeByReason == ["JAM": 600])
                    #expect(abs((m2.availability ?? 0) - 6600.0 / 7200.0) < 1e-12)

                    // Downtime: M1's stop ended; M2's reaches now, so it is still down (no end), 600 s so far.
                    let downtime = try await HTTP.request("GET", "\(agent)/v1/downtime?\(query)").json()
                    #expect(downtime["requestedTo"] as? String != nil)
                    let intervals = try #require(downtime["intervals"] as? [[String: Any]])
                    #expect(intervals.map { $0["machine"] as? String } == ["M1", "M2"])
                    #expect(intervals.first?["end"] as? String != nil && intervals.first?["seconds"] as? Double == 1800)
                    #expect(intervals.last?["end"] == nil && intervals.last?["seconds"] as? Double == 600)
                    // Reliability: one failure each; M1 MTBF 5,400 s = 1.5 h (not 11.5 h), MTTR 0.5 h.
                    let reliability = try await HTTP.request("GET", "\(agent)/v1/reports/reliability?\(query)").json()
                    let machines = try #require(reliability["machines"] as? [[String: Any]])
                    #expect(machines.first?["mtbfHours"] as? Double == 1.5 && machines.first?["mttrHours"] as? Double == 0.5)
                    #expect(machines.first?["runningHours"] as? Double == 1.5)

                    // A window that starts after now has nothing in it yet.
                    let future = "from=\(Self.ts(now + 60))&to=\(Self.ts(now + 3600))"
                    for path in ["/v1/reports/machine-time", "/v1/downtime", "/v1/reports/reliability"] {
                        let refused = try await HTTP.request("GET", "\(agent)\(path)?\(future)")
                        let problem = try refused.json()
                        #expect(refused.status == 400 && problem["field"] as? String == "from", "\(path): \(refused.text)")
                    }

                    try await eventually("the hub has the plant's machine events") {
                        let status = try await HTTP.request("GET", "\(agent)/v1/status").json()
                        return (status["lastSequence"] as? Int ?? 0) >= 5 && status["lastSequence"] as? Int == status["acknowledgedSequence"] as? Int
                    }
                    let atHub = try await HTTP.request(
                        "GET", "\(hub.url)/v1/reports/machine-time?plant=ACME-BER&\(query)", token: hub.adminToken)
                    #expect(atHub.status == 200, "\(atHub.text)")
                    let hubReport = try atHub.decode(MachineTimeReportBody.self)
                    #expect(hubReport == report, "the hub cuts the window at its now and computes the same figures")
                    let refused = try await HTTP.request(
                        "GET", "\(hub.url)/v1/reports/machine-time?plant=ACME-BER&\(future)", token: hub.adminToken)
                    let problem = try refused.json()
                    #expect(refused.status == 400 && problem["field"] as? String == "from", "\(refused.text)")
                    // A window wholly before now is answered as asked, without requestedTo.
                    let past = try await HTTP.request("GET", "\(agent)/v1/reports/machine-time?from=\(Self.ts(base))&to=\(Self.ts(base + 3600))")
                    let pastReport = try past.decode(MachineTimeReportBody.self)
                    #expect(pastReport.to == base + 3600 && pastReport.requestedTo == nil)
                    #expect(try past.json()["requestedTo"] == nil)
                }
            }
        }
    }
}
