import Foundation
import GantryAgent
import GantryCore
import GantryTestSupport
import Testing

/// The dashboards in a real browser (Tests/Peers/dashboards.py: Debian's Chromium driven by selenium), with the
/// hub and the agent as real processes: sign in, open each page, check the figures against the scenario worked out
/// by hand below, drill down to the machine's downtime, see another company's viewer refused, and the agent's
/// plant page served with the hub stopped. Screenshots go to `.build/dashboard-screenshots/` (and to
/// docs/dashboards/ when GANTRY_UPDATE_SCREENSHOTS=1).
///
/// Scenario, yesterday in Berlin (plant ACME-BER, line L1), all local times:
/// - press: running 06:00, down JAM 08:00–08:30, running, down MATERIAL 11:00–12:30, running, planned stop from
///   14:00. Running 2 + 2.5 + 1.5 = 6 h, down 2 h: A = 6 / 8 = 75.0 %. 270 good, 30 scrap: QR = 90.0 %.
///   Pareto: MATERIAL 1.5 h, JAM 0.5 h.
/// - saw: running 06:00, planned stop from 14:00: A = 100.0 %; 100 good: QR = 100.0 %.
/// - line and plant: running 14 h of 16 h planned busy: A = 87.5 %; 370 good of 400: QR = 92.5 %.
/// No count has a planned rate, so E and OEE cannot be computed: every page says n/a with the reason.
@Suite(.serialized) struct DashboardBrowserTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs the browser script on `spec`; answers its JSON.
    static func browse(_ spec: [String: Any], dir: String) async throws -> [String: Any] {
        let python = root.appendingPathComponent(".build-venvs/browser/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("no Python environment at \(python): run provisioning/python-peers.sh (make test does)")
            throw CancellationError()
        }
        let path = "\(dir)/spec-\(UUID().uuidString).json"
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: path))
        let result = try await run(python, ["-u", root.appendingPathComponent("Tests/Peers/dashboards.py").path, path])
        try #require(result.status == 0, "dashboards.py failed: \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
    }

    static func step(_ result: [String: Any], _ name: String) throws -> [String: Any] {
        let steps = try #require(result["steps"] as? [[String: Any]])
        return try #require(steps.first { $0["name"] as? String == name }, "no step \(name)")
    }

    static func figures(_ step: [String: Any]) -> [String: String] { step["figures"] as? [String: String] ?? [:] }
    static func table(_ step: [String: Any], _ name: String) -> [[String]] { step[name] as? [[String]] ?? [] }

    @Test func signInOpenEachPageAndDrillDownToTheDowntimeThenTheAgentAloneServesThePlant() async throws {
        try await withTemporaryDirectory { dir in
            let berlin = try PlantCalendar(timeZone: "Europe/Berlin")
            let yesterday = berlin.day(containing: Date().addingTimeInterval(-86_400))
            func at(_ hours: Double) -> Date { yesterday.start.addingTimeInterval(hours * 3600) }

            let hub = try await HubProcess(dir: dir)
            try await hub.start()
            let token = try await hub.enrol("BER")
            let gamma = try await HTTP.request(
                "POST", "\(hub.url)/v1/principals", token: hub.adminToken, json: #"{"name": "gamma-viewer", "role": "controller", "companies": "GAMMA"}"#)
            let gammaToken = try #require(try gamma.json()["token"] as? String, "\(gamma.text)")

            // The machines' signals, straight into the agent's store before it starts (as MQTT would leave them).
            do {
                let store = try SQLitePlantStore(path: "\(dir)/ACME-BER.sqlite", plantID: "ACME-BER", durability: .processCrash)
                func record(_ signal: MachineSignal, _ machine: String, _ kind: String, _ at: Date) throws {
                    _ = try store.recordMachineSignalNow(signal, topic: "gantry/ACME-BER/L1/\(machine)/\(kind)", payload: [], receivedAt: at)
                }
                func state(_ machine: String, _ state: MachineState, _ hours: Double, _ reason: String? = nil) throws {
                    try record(.state(MachineStateChanged(line: "L1", machine: machine, state: state, reason: reason, at: at(hours))), machine, "state", at(hours))
                }
                try state("press", .running, 6)
                try state("saw", .running, 6)
                try state("press", .down, 8, "JAM")
                try state("press", .running, 8.5)
                try record(.count(MachineCountReported(line: "L1", machine: "press", good: 270, scrap: 30, at: at(10))), "press", "count", at(10))
                try record(.count(MachineCountReported(line: "L1", machine: "saw", good: 100, scrap: 0, at: at(10))), "saw", "count", at(10))
                try state("press", .down, 11, "MATERIAL")
                try state("press", .running, 12.5)
                try state("press", .plannedStop, 14)
                try state("saw", .plannedStop, 14)
            }
            let enrolment = try PlantUsers.enrol(name: "pm", role: .planner)
            try (enrolment.line + "\n").write(toFile: "\(dir)/users", atomically: true, encoding: .utf8)
            let agent = try AgentProcess(dir: dir, plantID: "ACME-BER", hubURL: hub.url, token: token, extra: "users.file = \(dir)/users")
            try await agent.start()
            try await eventually("the hub has the plant's machine events") {
                (try await hub.report(plant: "ACME-BER")?["eventsReceived"] as? Int ?? 0) >= 10
            }

            let shots = Self.root.appendingPathComponent(".build/dashboard-screenshots").path
            let window = "window=day&at=\(yesterday.label)"
            let result = try await Self.browse([
                "server": hub.url, "token": hub.adminToken, "screenshots": shots, "prefix": "hub-",
                "steps": [
                    ["name": "group", "open": "/dashboards?\(window)"], ["name": "company", "click": "ACME"],
                    ["name": "plant", "click": "ACME-BER"], ["name": "line", "click": "L1"], ["name": "machine", "click": "press"],
                    ["name": "signout", "signOut": true],
                ],
            ], dir: dir)
            #expect((result["redirectedTo"] as? String)?.contains("/dashboards/sign-in") == true)
            #expect((result["signIn"] as? [String: Any])?["url"] as? String == "\(hub.url)/dashboards")

            for name in ["group", "company", "plant", "line"] {
                let page = try Self.step(result, name)
                #expect(page["status"] as? Int == 200 && page["lang"] as? String == "en", "\(name)")
                #expect(Self.figures(page)["availability"] == "87.5 %", "\(name): \(Self.figures(page))")
                #expect(Self.figures(page)["quality-ratio"] == "92.5 %", "\(name)")
                #expect(Self.figures(page)["effectiveness"] == "n/a" && Self.figures(page)["oee"] == "n/a", "\(name)")
                #expect((page["charts"] as? Int ?? 0) >= 1, "\(name): the Pareto at least")
            }
            let plant = try Self.step(result, "plant")
            #expect(Self.table(plant, "reasons").map { Array($0.prefix(3)) } == [["MATERIAL", "1.5 h", "1"], ["JAM", "0.5 h", "1"]])
            let line = try Self.step(result, "line")
            #expect(Self.table(line, "children").map { [$0[0], $0[2]] } == [["press", "75.0 %"], ["saw", "100.0 %"]])
            let machine = try Self.step(result, "machine")
            #expect(machine["heading"] as? String == "Machine L1/press")
            #expect(Self.figures(machine)["availability"] == "75.0 %" && Self.figures(machine)["quality-ratio"] == "90.0 %")
            let day = yesterday.label
            #expect(Self.table(machine, "intervals") == [
                ["L1/press", "\(day) 08:00", "\(day) 08:30", "30 min", "JAM", "yes"],
                ["L1/press", "\(day) 11:00", "\(day) 12:30", "1 h 30 min", "MATERIAL", "yes"],
            ])
            #expect((try Self.step(result, "signout"))["url"] as? String == "\(hub.url)/dashboards/sign-in")

            // Another company's viewer: its own (empty) group, ACME's plant refused.
            let refused = try await Self.browse([
                "server": hub.url, "token": gammaToken, "screenshots": shots, "prefix": "gamma-",
                "steps": [["name": "group", "open": "/dashboards?\(window)"], ["name": "acme-plant", "open": "/dashboards/plants/ACME-BER?\(window)"]],
            ], dir: dir)
            let acme = try Self.step(refused, "acme-plant")
            #expect(acme["status"] as? Int == 403 && (acme["problem"] as? String)?.contains("outside the companies gamma-viewer may see") == true)
            #expect(Self.figures(acme).isEmpty)
            #expect(Self.table(try Self.step(refused, "group"), "children").isEmpty)

            // The hub stops; the agent's pages go on from its own store.
            try await hub.child?.stop()
            let local = try await Self.browse([
                "server": agent.url, "token": enrolment.token, "screenshots": shots, "prefix": "agent-",
                "steps": [["name": "plant", "open": "/dashboards?\(window)"], ["name": "machine", "click": "L1/press"]],
            ], dir: dir)
            let agentPlant = try Self.step(local, "plant")
            #expect(Self.figures(agentPlant)["availability"] == "87.5 %" && Self.figures(agentPlant)["quality-ratio"] == "92.5 %")
            #expect(Self.table(agentPlant, "children").map { [$0[0], $0[2]] } == [["L1/press", "75.0 %"], ["L1/saw", "100.0 %"]])
            #expect(Self.table(agentPlant, "reasons").map(\.first) == ["MATERIAL", "JAM"])
            let agentMachine = try Self.step(local, "machine")
            #expect(Self.figures(agentMachine)["availability"] == "75.0 %" && Self.table(agentMachine, "intervals").count == 2)

            if ProcessInfo.processInfo.environment["GANTRY_UPDATE_SCREENSHOTS"] == "1" {
                let docs = Self.root.appendingPathComponent("docs/dashboards").path
                try? FileManager.default.createDirectory(atPath: docs, withIntermediateDirectories: true)
                for name in ["hub-sign-in", "hub-group", "hub-company", "hub-plant", "hub-line", "hub-machine", "gamma-acme-plant", "agent-plant", "agent-machine"] {
                    try? FileManager.default.removeItem(atPath: "\(docs)/\(name).png")
                    try FileManager.default.copyItem(atPath: "\(shots)/\(name).png", toPath: "\(docs)/\(name).png")
                }
            }
        }
    }
}
