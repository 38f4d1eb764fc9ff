import Foundation
import GantryAgent
import GantryCore
import GantryTestSupport
import Synchronization
import Testing

/// The agent as a Sparkplug B host application on a real mosquitto broker, with an edge node simulated by the
/// third-party pysparkplug (payloads) and paho-mqtt (provisioning/python-peers.sh makes its environment).
@Suite(.serialized) struct SparkplugTests {
    static func ts(_ date: Date) -> String { Timestamp.format(date) }

    static let mapping = try! SparkplugMapping(machines: [
        .init(group: "Plant1", node: "Edge1", device: "Press7", line: "L1", machine: "M7",
              state: .init(metric: "State", values: ["1": .running, "2": .idle, "3": .down, "4": .setup, "5": .plannedStop]),
              reason: "Reason", good: "Good", scrap: "Scrap"),
    ])

    @Test func anEdgeNodesTimelineGivesExactSecondsAtTheAgentAndAtTheHubAcrossRestartsGapsAndDeaths() async throws {
        try await withHub { hub in
            let token = try await hub.enrol("BER")
            try await withTemporaryDirectory { dir in
                let broker = try Broker(dir: dir)
                try await broker.start()
                defer { Task { try? await broker.stop() } }
                let edge = try await EdgeNode(port: broker.port)
                defer { edge.stop() }
                var stateBirth = ""
                let base = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 2 * 3600).rounded(.down))
                func at(_ offset: Double) -> Int { Int((base.timeIntervalSince1970 + offset) * 1000) }
                try await edge.run(#"{"op":"connect","node":"Edge1","bdseq":0}"#, until: "connected")

                // Birth, heard by the agent; the data after it by the agent started again on the same store.
                let mapping = "\(dir)/sparkplug-mapping.json"
                try JSONEncoder().encode(Self.mapping).write(to: URL(fileURLWithPath: mapping))
                let process = try AgentProcess(dir: dir, plantID: "ACME-BER", hubURL: hub.url, token: token, durability: "process-crash", extra: """
                    mqtt.host = 127.0.0.1
                    mqtt.port = \(broker.port)
                    sparkplug.groups = Plant1
                    sparkplug.mapping_file = \(mapping)
                    sparkplug.unmapped = keep
                    """)
                try await process.start()
                defer { if let child = process.child { Task { try? await child.stop(SIGKILL) } } }
                do {
                    let agent = process.url
                    try await eventually("the agent connects to the broker") { try await mqttStatus(agent)["connected"] as? Bool == true }
                    try await Task.sleep(for: .milliseconds(200))  // its SUBSCRIBE reaches the broker first
                    try await edge.publish(#"{"op":"nbirth","node":"Edge1","bdseq":0,"seq":0,"at":\#(at(0))}"#)
                    try await edge.publish(#"{"op":"dbirth","node":"Edge1","device":"Press7","seq":1,"at":\#(at(0)),"state":1,"reason":"","good":1000,"scrap":10}"#)
                    try await eventually("the device is online") { try await Self.device(agent)?["online"] as? Bool == true }
                    #expect(try await process.child?.stop() == 0)
                }
                try await process.start()
                do {
                    let agent = process.url
                    // Started again, it asks every node it knows to rebirth. Data the node sends before it answers
                    // is read with the aliases of the births the store kept.
                    try await eventually("a rebirth request at start") { edge.rebirthRequests("Edge1") == 1 }
                    try await edge.publish(#"{"op":"ddata","node":"Edge1","device":"Press7","seq":2,"at":\#(at(600)),"metrics":[[2,"string","JAM"],[1,"int32",3],[3,"uint64",1040],[4,"uint32",12]]}"#)
                    try await edge.publish(#"{"op":"nbirth","node":"Edge1","bdseq":0,"seq":0,"at":\#(at(700))}"#)
                    try await edge.publish(#"{"op":"dbirth","node":"Edge1","device":"Press7","seq":1,"at":\#(at(700)),"state":3,"reason":"JAM","good":1040,"scrap":12}"#)
                    let data: [(Double, Int, String)] = [
                        (900, 2, #"[[1,"int32",1],[3,"uint64",1100]]"#),
                        (1500, 3, #"[[1,"int32",4],[3,"uint64",30]]"#),  // the good counter was reset: 30 parts since
                        (1800, 6, #"[[1,"int32",1],[3,"uint64",50]]"#),  // 4 and 5 never came
                    ]
                    for (offset, seq, metrics) in data {
                        try await edge.publish(#"{"op":"ddata","node":"Edge1","device":"Press7","seq":\#(seq),"at":\#(at(offset)),"metrics":\#(metrics)}"#)
                    }
                    try await eventually("a rebirth request for the gap") { edge.rebirthRequests("Edge1") == 2 }
                    try await edge.publish(#"{"op":"nbirth","node":"Edge1","bdseq":0,"seq":0,"at":\#(at(2100))}"#)
                    try await edge.publish(#"{"op":"dbirth","node":"Edge1","device":"Press7","seq":1,"at":\#(at(2100)),"state":1,"reason":"","good":50,"scrap":12}"#)
                    try await edge.publish(#"{"op":"ddata","node":"Edge1","device":"Press7","seq":2,"at":\#(at(2400)),"metrics":[[1,"int32",5]]}"#)
                    // A state that contradicts its birth datatype, a payload that is not protobuf, data from a node never born.
                    try await edge.publish(#"{"op":"ddata","node":"Edge1","device":"Press7","seq":3,"at":\#(at(2500)),"metrics":[[1,"string","running"]]}"#)
                    try await edge.publish(#"{"op":"raw","topic":"spBv1.0/Plant1/DDATA/Edge1/Press7","hex":"0aff01"}"#)
                    try await edge.publish(#"{"op":"ddata","node":"Edge2","device":"Oven","seq":5,"at":\#(at(2500)),"metrics":[[1,"int32",1]]}"#)
                    try await eventually("a rebirth request for data before birth") { edge.rebirthRequests("Edge2") == 1 }
                    nonisolated(unsafe) var last: [String: Any] = [:]
                    // 12 from the edge nodes and the agent's own 3 rebirth requests, heard on the group's topics.
                    do { try await eventually("every message was projected") {
                        let status = try await mqttStatus(agent)
                        last = status
                        return status["deadLetters"] as? Int == 3 && status["inboxBacklog"] as? Int == 0
                            && (status["sparkplug"] as? [String: Any])?["counts"].map { ($0 as? [String: Any])?["messages"] as? Int } == 12 + 3
                    } } catch {
                        Issue.record("the agent's MQTT status: \(last)")
                        throw error
                    }
                    let letters = try await HTTP.request("GET", "\(agent)/v1/dead-letters").json()["deadLetters"] as? [[String: Any]] ?? []
                    let reasons = letters.compactMap { $0["reason"] as? String }
                    for expected in [
                        #"metric "State" (alias 1) is Int32 at birth but carries string_value"#, "malformed Sparkplug B payload",
                        "DDATA from Plant1/Edge2 before its NBIRTH",
                    ] {
                        #expect(reasons.contains { $0.contains(expected) }, "no dead letter says \(expected): \(reasons)")
                    }

                    // running 0-600, 900-1500, 1800-2400; down (JAM) 600-900; setup 1500-1800; planned stop 2400-3000.
                    let query = "from=\(Self.ts(base))&to=\(Self.ts(base + 3000))"
                    let atAgent = try await HTTP.request("GET", "\(agent)/v1/reports/machine-time?\(query)").decode(MachineTimeReportBody.self).machines
                    #expect(atAgent.count == 1)
                    #expect(atAgent.first?.seconds == ["running": 1800, "setup": 300, "down": 300, "idle": 0, "planned_stop": 600, "unknown": 0])
                    #expect(atAgent.first?.downtimeByReason == ["JAM": 300])
                    #expect(atAgent.first?.good == 40 + 60 + 30 + 20 && atAgent.first?.scrap == 2, "the birth's totals count nothing")
                    #expect(atAgent.first?.availability.map { abs($0 - 1800.0 / 2400.0) < 1e-9 } == true)

                    let status = try #require(try await mqttStatus(agent)["sparkplug"] as? [String: Any])
                    let nodes = status["nodes"] as? [[String: Any]] ?? []
                    let edge1 = try #require(nodes.first { $0["edgeNode"] as? String == "Edge1" })
                    #expect(edge1["online"] as? Bool == true && edge1["sequenceGaps"] as? Int == 1 && edge1["rebirthsRequested"] as? Int == 2)
                    #expect(edge1["lastBirth"] as? String == Self.ts(base + 2100))
                    #expect((edge1["devices"] as? [[String: Any]])?.first?["unmapped"] as? [String: String] == ["Temperature": "21.5"])
                    #expect(nodes.first { $0["edgeNode"] as? String == "Edge2" }?["online"] as? Bool == false)
                    #expect(status["nodesOnline"] as? Int == 1 && status["devicesOnline"] as? Int == 1)

                    try await eventually("the hub has the plant's machine events") {
                        let status = try await HTTP.request("GET", "\(agent)/v1/status").json()
                        return status["lastSequence"] as? Int == status["acknowledgedSequence"] as? Int
                    }
                    let atHub = try await HTTP.request("GET", "\(hub.url)/v1/reports/machine-time?plant=ACME-BER&\(query)", token: hub.adminToken)
                    #expect(atHub.status == 200, "\(atHub.text)")
                    #expect(try atHub.decode(MachineTimeReportBody.self).machines == atAgent, "the hub computes the same figures")

                    // The node dies (its death matched by bdSeq 0) and is born again with bdSeq 1: unknown time between, never downtime.
                    let death = Date()
                    try await edge.publish(#"{"op":"ndeath","node":"Edge1","bdseq":0}"#)
                    try await eventually("the node is offline") { try await Self.node(agent)?["online"] as? Bool == false }
                    try await Task.sleep(for: .seconds(1))
                    try await edge.run(#"{"op":"disconnect"}"#, until: "disconnected")
                    try await edge.run(#"{"op":"connect","node":"Edge1","bdseq":1}"#, until: "connected", count: 2)
                    try await edge.publish(#"{"op":"nbirth","node":"Edge1","bdseq":1,"seq":0}"#)
                    try await edge.publish(#"{"op":"dbirth","node":"Edge1","device":"Press7","seq":1,"state":1,"reason":"","good":55,"scrap":12}"#)
                    try await eventually("born again with bdSeq 1") {
                        let node = try await Self.node(agent), device = try await Self.device(agent)
                        return node?["bdSeq"] as? Int == 1 && device?["online"] as? Bool == true
                    }
                    let after = "from=\(Self.ts(base + 3000))&to=\(Self.ts(Date()))"
                    let later = try await HTTP.request("GET", "\(agent)/v1/reports/machine-time?\(after)").decode(MachineTimeReportBody.self).machines
                    #expect((later.first?.seconds["unknown"] ?? 0) >= 0.9, "offline from the death to the new birth")
                    #expect(later.first?.seconds["down"] == 0)
                    #expect(later.first?.good == 5, "55 after 50: the new birth's total counts what was made meanwhile")
                    #expect(death.timeIntervalSince(base) > 3000)

                    // The STATE birth is retained; said offline by someone else, the agent says online again.
                    let birth = try await Self.retainedState(broker)
                    #expect(birth.hasPrefix(#"{"online":true,"timestamp":"#), "\(birth)")
                    let forged = try await run("/usr/bin/mosquitto_pub", [
                        "-p", "\(broker.port)", "-q", "1", "-r", "-t", "spBv1.0/STATE/gantry-ACME-BER", "-m", #"{"online":false,"timestamp":1}"#,
                    ])
                    #expect(forged.status == 0)
                    try await eventually("the agent says online again") { try await Self.retainedState(broker) == birth }
                    stateBirth = birth
                    #expect(try await process.child?.stop() == 0)
                }
                // Stopped cleanly, the agent said so, with its birth's timestamp (as its will would have).
                let offline = try await Self.retainedState(broker)
                #expect(offline == stateBirth.replacingOccurrences(of: #""online":true"#, with: #""online":false"#), "\(offline)")
            }
        }
    }

    /// The retained message of the agent's STATE topic.
    static func retainedState(_ broker: Broker) async throws -> String {
        let answer = try await run("/usr/bin/mosquitto_sub", ["-p", "\(broker.port)", "-t", "spBv1.0/STATE/gantry-ACME-BER", "-C", "1", "-W", "5"])
        return answer.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func node(_ agent: String) async throws -> [String: Any]? {
        let status = try await mqttStatus(agent)["sparkplug"] as? [String: Any]
        return (status?["nodes"] as? [[String: Any]])?.first { $0["edgeNode"] as? String == "Edge1" }
    }

    static func device(_ agent: String) async throws -> [String: Any]? {
        (try await node(agent)?["devices"] as? [[String: Any]])?.first { $0["device"] as? String == "Press7" }
    }
}

/// The simulated edge node: Tests/Peers/sparkplug_edge.py in the `sparkplug` Python environment.
final class EdgeNode: Sendable {
    let child: ChildProcess
    private let published = Counter()

    init(port: Int) async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let python = root.appendingPathComponent(".build-venvs/sparkplug/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("no Python environment at \(python): run provisioning/python-peers.sh (make test does)")
            throw CancellationError()
        }
        child = try ChildProcess(python, ["-u", root.appendingPathComponent("Tests/Peers/sparkplug_edge.py").path, "\(port)", "Plant1"])
    }

    /// Sends a command and waits for the `count`-th line containing `text`.
    func run(_ command: String, until text: String, count: Int = 1) async throws {
        child.send(command + "\n")
        try await eventually("the edge node says \(text)", timeout: .seconds(30), interval: .milliseconds(20)) {
            guard child.process.isRunning else {
                Issue.record("the edge node stopped: \(child.standardError)")
                throw CancellationError()
            }
            return child.standardOutput.split(separator: "\n").count { $0 == text } >= count
        }
    }

    /// Publishes as `command` says and waits until the broker has it.
    func publish(_ command: String) async throws {
        let number = published.next()
        try await run(command, until: "ok \(number).")
    }

    /// Rebirth requests (NCMD) heard for `node`.
    func rebirthRequests(_ node: String) -> Int {
        child.standardOutput.split(separator: "\n").count { $0 == "ncmd \(node) rebirth" }
    }

    func stop() {
        child.closeInput()
        child.process.terminate()
    }
}

private final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}
