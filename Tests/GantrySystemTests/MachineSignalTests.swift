import Foundation
import GantryTestSupport
import GantryAgent
import GantryCore
import Testing

/// Machine signals from a real mosquitto broker, published by a real third-party client.
@Suite(.serialized) struct MachineSignalTests {
    static func ts(_ date: Date) -> String { Timestamp.format(date) }

    @Test func aTimelineOfStatesGivesExactSecondsAtTheAgentAndAtTheHub() async throws {
        try await withMachineAgent(reasons: "JAM,availability,yes,Material jam\n") { hub, broker, agent in
            let base = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 3 * 3600).rounded(.down))
            let timeline: [(Double, String, String?)] = [
                (0, "running", nil), (600, "setup", nil), (900, "running", nil), (1500, "down", "JAM"),
                (1800, "idle", nil), (2100, "planned_stop", nil), (2400, "running", nil), (2700, "down", nil),
                (2760, "running", nil),
            ]
            var states = timeline.map { offset, state, reason in
                #"{"state":"\#(state)","ts":"\#(Self.ts(base + offset))""# + (reason.map { #","reason":"\#($0)""# } ?? "") + "}"
            }
            var random = SplitMix64(seed: 7)
            states.shuffle(using: &random)
            states += [states[2], states[5]]  // redeliveries
            states.append(#"{"state":"idle","ts":"\#(Self.ts(base + 600))"}"#)  // contradicts the setup at +600
            try await broker.publish("gantry/ACME-BER/L1/M1/state", states)
            try await broker.publish("gantry/ACME-BER/L1/M1/count", [
                #"{"good":7,"scrap":2,"ts":"\#(Self.ts(base + 1000))"}"#,
                #"{"good":5,"scrap":0,"ts":"\#(Self.ts(base + 100))"}"#,
                #"{"good":5,"scrap":0,"ts":"\#(Self.ts(base + 100))"}"#,
                #"{"good":3,"scrap":0,"ts":"\#(Self.ts(base + 3600))"}"#,
            ])
            try await eventually("the agent took every message") {
                let status = try await mqttStatus(agent)
                return status["recorded"] as? Int == 12 && status["duplicates"] as? Int == 3 && status["deadLetters"] as? Int == 1
            }
            let query = "from=\(Self.ts(base))&to=\(Self.ts(base + 3000))"
            let expected: [String: Double] = [
                "running": 1740, "setup": 300, "down": 360, "idle": 300, "planned_stop": 300, "unknown": 0,
            ]
            let atAgent = try await HTTP.request("GET", "\(agent)/v1/reports/machine-time?\(query)")
                .decode(MachineTimeReportBody.self).machines
            #expect(atAgent.count == 1)
            #expect(atAgent.first?.seconds == expected)
            #expect(atAgent.first?.downtimeByReason == ["JAM": 300, "unspecified": 60])
            #expect(atAgent.first?.good == 12 && atAgent.first?.scrap == 2, "counts in the window, a repeat counted once")
            let availability = try #require(atAgent.first?.availability)
            #expect(abs(availability - 1740.0 / 2700.0) < 1e-9)

            let downtime = try await HTTP.request("GET", "\(agent)/v1/downtime?\(query)").json()
            let intervals = try #require(downtime["intervals"] as? [[String: Any]])
            #expect(intervals.count == 2)
            #expect(intervals.first?["reason"] as? String == "JAM" && intervals.first?["knownReason"] as? Bool == true)
            #expect(intervals.first?["lossClass"] as? String == "availability" && intervals.first?["seconds"] as? Double == 300)
            #expect(intervals.last?["reason"] == nil && intervals.last?["knownReason"] as? Bool == false)
            let reliability = try await HTTP.request("GET", "\(agent)/v1/reports/reliability?\(query)").json()
            let machine = try #require((reliability["machines"] as? [[String: Any]])?.first)
            #expect(machine["failures"] as? Int == 2)
            #expect(abs((machine["mtbfHours"] as? Double ?? 0) - 1740.0 / 2 / 3600) < 1e-9)
            #expect(abs((machine["mttrHours"] as? Double ?? 0) - 360.0 / 2 / 3600) < 1e-9)

            try await eventually("the hub has the plant's machine events") {
                let status = try await HTTP.request("GET", "\(agent)/v1/status").json()
                return status["lastSequence"] as? Int == status["acknowledgedSequence"] as? Int
            }
            let atHub = try await HTTP.request(
                "GET", "\(hub.url)/v1/reports/machine-time?plant=ACME-BER&\(query)", token: hub.adminToken)
            #expect(atHub.status == 200, "\(atHub.text)")
            let hubMachines = try atHub.decode(MachineTimeReportBody.self).machines
            #expect(hubMachines == atAgent, "the hub computes the same figures from the synced events")
        }
    }

    @Test func malformedMessagesGoToDeadLettersWhileGoodOnesFlow() async throws {
        try await withMachineAgent { _, broker, agent in
            let now = Date()
            func good(_ offset: Double) -> String { #"{"state":"running","ts":"\#(Self.ts(now - offset))"}"# }
            try await broker.publish("gantry/ACME-BER/L1/M2/state", [
                good(50), "not json", good(40), #"{"state":"exploded","ts":"\#(Self.ts(now))"}"#,
                #"{"state":"running"}"#, #"{"state":"idle","ts":"\#(Self.ts(now + 3600))"}"#,
                #"{"state":"idle","ts":"yesterday"}"#, good(30),
                #"{"state":"down","reason":"","ts":"\#(Self.ts(now - 20))"}"#,
                "{\"state\":\"idle\",\"pad\":\"\(String(repeating: "x", count: 5000))\",\"ts\":\"\(Self.ts(now - 10))\"}",
                good(5),
            ])
            try await broker.publish("gantry/ACME-BER/L1/M2/temperature", [#"{"value":80,"ts":"\#(Self.ts(now))"}"#])
            try await broker.publish("gantry/ACME-BER/L1/M2/count", [#"{"good":-1,"ts":"\#(Self.ts(now))"}"#, "[]"])
            try await eventually("every message was handled") {
                let status = try await mqttStatus(agent)
                return status["recorded"] as? Int == 4 && status["deadLetters"] as? Int == 10
            }
            let status = try await HTTP.request("GET", "\(agent)/v1/status").json()
            #expect(status["deadLettersKept"] as? Int == 10)
            let letters = try await HTTP.request("GET", "\(agent)/v1/dead-letters").json()["deadLetters"] as? [[String: Any]] ?? []
            let reasons = letters.compactMap { $0["reason"] as? String }
            for expected in ["not a JSON object", "unknown state \"exploded\"", "missing \"ts\"", "in the future",
                             "not an RFC 3339", "\"reason\" must be", "exceeds", "unknown message kind", "\"good\" must be"] {
                #expect(reasons.contains { $0.contains(expected) }, "no dead letter says \(expected): \(reasons)")
            }
            let oversized = try #require(letters.first { ($0["reason"] as? String)?.contains("exceeds") == true })
            #expect(oversized["payloadBytes"] as? Int ?? 0 > 5000 && (oversized["payload"] as? String)?.count == 1024)
        }
    }

    @Test func aLostBrokerIsUnknownTimeNotDowntime() async throws {
        try await withMachineAgent { _, broker, agent in
            let start = Date()
            try await broker.publish("gantry/ACME-BER/L1/M3/state", [#"{"state":"running","ts":"\#(Self.ts(start))"}"#])
            try await eventually("the state is recorded") { try await mqttStatus(agent)["recorded"] as? Int == 1 }
            try await broker.stop()
            try await eventually("the agent notices the broker is gone") { try await mqttStatus(agent)["connected"] as? Bool == false }
            try await Task.sleep(for: .seconds(1))
            try await broker.start()
            try await eventually("the agent reconnects by itself", timeout: .seconds(40)) {
                try await mqttStatus(agent)["connected"] as? Bool == true
            }
            let back = Date()
            try await broker.publish("gantry/ACME-BER/L1/M3/state", [#"{"state":"running","ts":"\#(Self.ts(back))"}"#])
            try await eventually("the next state is recorded") { try await mqttStatus(agent)["recorded"] as? Int == 2 }
            let end = back + 1
            let report = try await HTTP.request(
                "GET", "\(agent)/v1/reports/machine-time?from=\(Self.ts(start))&to=\(Self.ts(end))")
                .decode(MachineTimeReportBody.self)
            let seconds = try #require(report.machines.first?.seconds)
            #expect(seconds["down"] == 0, "a lost connection is never downtime")
            #expect(seconds["unknown"] ?? 0 >= 1, "from the loss to the next message the state is unknown: \(seconds)")
            // The window asked for ends a second after the last message, likely after now: it is cut at now.
            #expect(report.to <= end)
            #expect(abs((seconds["running"] ?? 0) + (seconds["unknown"] ?? 0) - report.to.timeIntervalSince(start)) < 0.001)
        }
    }

    @Test func qos0ContradictionsAndRedeliveredJunkAreKeptOnceWithoutStallingTheStore() async throws {
        try await withMachineAgent(configure: { $0.mqtt.qos = 0 }) { _, broker, agent in
            let ts = Self.ts(Date() - 60)
            try await broker.publish("gantry/ACME-BER/L1/M5/state", [
                #"{"state":"down","ts":"\#(ts)"}"#, #"{"state":"running","ts":"\#(ts)"}"#, "junk", "junk",
            ], qos: 0)
            try await eventually("the messages were handled") {
                let status = try await mqttStatus(agent)
                return status["recorded"] as? Int == 1 && status["deadLetters"] as? Int == 2 && status["duplicates"] as? Int == 1
            }
            let status = try await mqttStatus(agent)
            let stored = try #require((status["lastStoredAt"] as? String).flatMap(Timestamp.parse))
            let projected = try #require((status["lastProjectedAt"] as? String).flatMap(Timestamp.parse))
            #expect(abs(stored.timeIntervalSinceNow) < 60 && projected >= stored)
            let scan = try await HTTP.request("POST", "\(agent)/v1/scans", json: #"{"data":"after","device":"d"}"#)
            #expect(scan.status == 201, "the store still takes writes after a contradiction was dead-lettered")
            #expect(try await HTTP.request("GET", "\(agent)/v1/status").json()["deadLettersKept"] as? Int == 2)
        }
    }

    @Test func shutdownIsPromptWhileTheBrokerIsUnreachable() async throws {
        let start = try await withMachineAgent { _, broker, agent in
            try await broker.stop()
            try await eventually("the agent notices the broker is gone") { try await mqttStatus(agent)["connected"] as? Bool == false }
            try await Task.sleep(for: .seconds(2))  // into libmosquitto's reconnect wait
            return ContinuousClock.now
        }
        #expect(ContinuousClock.now - start < .seconds(10), "the reconnect wait does not hold up shutdown")
    }

    /// libmosquitto acknowledges a QoS 1 message before the agent sees it; the agent makes each durable before
    /// taking the next, so a SIGKILL loses at most the one in hand and the broker redelivers the rest.
    @Test func anAgentKilledWhileMessagesArriveLosesAtMostOnePerKill() async throws {
        try await withTemporaryDirectory { dir in
            let hub = try await HubProcess(dir: dir)
            let token = try await hub.enrol("BER")
            try await hub.start()
            let broker = try Broker(dir: dir)
            try await broker.start()
            let agent = try AgentProcess(dir: dir, plantID: "ACME-BER", hubURL: hub.url, token: token,
                                         extra: "mqtt.host = 127.0.0.1\nmqtt.port = \(broker.port)\n")
            try await agent.start()
            try await eventually("the agent connects") { try await agent.mqtt()["connected"] as? Bool == true }
            let publisher = try ChildProcess(
                "/usr/bin/mosquitto_pub", ["-p", "\(broker.port)", "-q", "1", "-t", "gantry/ACME-BER/L2/PRESS/count", "-l"])
            let base = Date().addingTimeInterval(-600)
            let total = 20_000
            publisher.send((0..<total).map { index in
                #"{"good":1,"ts":"\#(Timestamp.format(base + Double(index) * 0.001))"}"# + "\n"
            }.joined())
            let window = "from=\(Timestamp.format(base))&to=\(Timestamp.format(base + 60))"
            func recordedSoFar() async throws -> Int {
                let report = try await HTTP.request("GET", "\(agent.url)/v1/reports/machine-time?\(window)").decode(MachineTimeReportBody.self)
                return Int(report.machines.first?.good ?? 0)
            }
            var kills = 0
            for _ in 0..<2 {
                try await eventually("messages are flowing into the agent", interval: .milliseconds(5)) {
                    try await recordedSoFar() > kills * total / 4 + 500
                }
                let before = try await recordedSoFar()
                try await agent.child!.stop(SIGKILL)
                kills += 1
                #expect(before < total, "the kill must land while messages are still arriving")
                try await agent.start()
            }
            publisher.closeInput()
            #expect(try await publisher.exit() == 0)
            var recorded = 0
            try await eventually("the broker's backlog reaches the agent and settles") {
                let now = try await recordedSoFar()
                defer { recorded = now }
                return now == recorded && now >= total - kills
            }
            let lost = total - recorded
            print("MQTT SIGKILL test: \(kills) kills, \(total) messages published, \(recorded) recorded, \(lost) lost")
            #expect(kills == 2)
            #expect(lost >= 0 && lost <= kills, "at most the one message in hand per kill is lost (lost \(lost))")
            try await agent.child!.stop()
            try await broker.stop()
            try await hub.child!.stop()
        }
    }
}

func mqttStatus(_ agent: String) async throws -> [String: Any] {
    try await HTTP.request("GET", "\(agent)/v1/status").json()["mqtt"] as? [String: Any] ?? [:]
}

extension AgentProcess {
    func mqtt() async throws -> [String: Any] { try await status()["mqtt"] as? [String: Any] ?? [:] }
}
