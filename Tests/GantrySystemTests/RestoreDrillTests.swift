import Foundation
import GantryCore
import GantryTestSupport
import Testing

/// The restore drills of docs/operations.md (Backups), with whole processes: a hub put back to a backup taken
/// before a tail of events gets that tail again from its plants, once; a plant put back to its own older backup
/// is refused until `gantry-agent recover --from-hub` brings its log level with the hub.
@Suite(.serialized) struct RestoreDrillTests {
    /// A scan that says when it happened, so the drill's events spread over an hour of event time.
    func scan(_ agent: AgentProcess, _ data: String, at: Date) async throws {
        let answer = try await HTTP.request(
            "POST", "\(agent.url)/v1/scans",
            json: #"{"data":"\#(data)","device":"line-1","id":"\#(UUID().uuidString)","occurredAt":"\#(Timestamp.format(at))"}"#)
        try #require(answer.status == 201, "\(answer.text)")
    }

    /// Runs a command to completion, as `run`, waiting for its output to settle: under load the pipes' readers
    /// may still be handing over what it wrote when it exits.
    func command(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try ChildProcess(executable, arguments)
        let status = try await child.exit()
        var seen = ""
        for _ in 0..<40 {
            try await Task.sleep(for: .milliseconds(50))
            let now = child.standardOutput + child.standardError
            if !now.isEmpty && now == seen { break }
            seen = now
        }
        return (status, child.standardOutput, child.standardError)
    }

    /// Puts `backup` in place of the SQLite database at `path`, as the documented restore does.
    func restore(_ backup: String, to path: String) throws {
        for stale in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: stale) {
            try FileManager.default.removeItem(atPath: stale)
        }
        try FileManager.default.copyItem(atPath: backup, toPath: path)
    }

    @Test func aHubRestoredFromAnOlderBackupGetsTheLostTailFromItsPlantsOnce() async throws {
        try await withTemporaryDirectory { dir in
            let hub = try await HubProcess(dir: dir)
            let tokens = [try await hub.enrol("BER"), try await hub.enrol("HAM")]
            try await hub.start()
            var agents: [AgentProcess] = []
            for (code, token) in zip(["BER", "HAM"], tokens) {
                let agent = try AgentProcess(dir: dir, plantID: "ACME-\(code)", hubURL: hub.url, token: token)
                try await agent.start()
                agents.append(agent)
            }
            // An hour of event time, one scan a minute per plant: 20 minutes before the backup, 40 after it.
            let start = Date().addingTimeInterval(-3_600)
            var reference: [String: [String]] = [:]
            for minute in 0..<20 {
                for (agent, code) in zip(agents, ["BER", "HAM"]) {
                    try await scan(agent, "\(code)-\(minute)", at: start.addingTimeInterval(Double(minute) * 60))
                    reference["ACME-\(code)", default: []].append("\(code)-\(minute)")
                }
            }
            for plant in ["ACME-BER", "ACME-HAM"] {
                try await eventually("the hub has \(plant)'s first 20") { try await hub.report(plant: plant)?["scans"] as? Int == 20 }
            }

            let backup = try await command("gantry-hub", ["backup", "--config", hub.configPath, "--to", "\(dir)/hub-backup.sqlite"])
            #expect(backup.status == 0, "\(backup.stderr)")
            #expect(backup.stdout.contains("ACME-BER through sequence 20") && backup.stdout.contains("ACME-HAM through sequence 20"), "\(backup.stdout)")
            let again = try await command("gantry-hub", ["backup", "--config", hub.configPath, "--to", "\(dir)/hub-backup.sqlite"])
            #expect(again.status != 0 && again.stderr.contains("--force"), "an existing backup is not overwritten: \(again.stderr)")

            for minute in 20..<60 {
                for (agent, code) in zip(agents, ["BER", "HAM"]) {
                    try await scan(agent, "\(code)-\(minute)", at: start.addingTimeInterval(Double(minute) * 60))
                    reference["ACME-\(code)", default: []].append("\(code)-\(minute)")
                }
            }
            for plant in ["ACME-BER", "ACME-HAM"] {
                try await eventually("the hub has all 60 of \(plant)'s") { try await hub.report(plant: plant)?["scans"] as? Int == 60 }
            }

            // The hub loses the last 40 minutes: stopped, put back to the backup, started on the same port.
            #expect(try await hub.child!.stop() == 0)
            try restore("\(dir)/hub-backup.sqlite", to: "\(dir)/hub.sqlite")
            try await hub.start()
            for plant in ["ACME-BER", "ACME-HAM"] {
                try await eventually("\(plant) resends what the hub lost") { try await hub.report(plant: plant)?["scans"] as? Int == 60 }
                let scans = try await hub.scans(plant: plant)
                #expect(scans.map(\.sequence) == Array(1...60), "every sequence once")
                #expect(scans.map(\.data) == reference[plant], "the same facts, in order, as a hub never restored holds")
                #expect(Set(scans.map(\.scanID)).count == 60, "nothing doubled")
                let report = try #require(try await hub.report(plant: plant))
                #expect(report["eventsReceived"] as? Int == 60 && report["lastSequence"] as? Int == 60)
            }
            for agent in agents {
                try await eventually("the agent is level with the hub") {
                    let status = try await agent.status()
                    return status["acknowledgedSequence"] as? Int == 60 && (status["alarms"] as? [String]) == []
                }
                #expect(try await agent.child!.stop() == 0)
            }
            try await hub.child!.stop()
        }
    }

    @Test func aPlantRestoredFromItsOwnOlderBackupIsRefusedUntilRecoveredFromTheHub() async throws {
        try await withTemporaryDirectory { dir in
            let hub = try await HubProcess(dir: dir)
            let token = try await hub.enrol("BER")
            try await hub.start()
            let agent = try AgentProcess(dir: dir, plantID: "ACME-BER", hubURL: hub.url, token: token)
            try await agent.start()
            for index in 0..<10 { try await postScan(agent, data: "BEFORE-\(index)") }
            try await eventually("the hub has the first 10") { try await hub.report(plant: "ACME-BER")?["scans"] as? Int == 10 }

            let backup = try await command("gantry-agent", ["backup", "--config", agent.configPath, "--to", "\(dir)/agent-backup.sqlite"])
            #expect(backup.status == 0, "\(backup.stderr)")
            #expect(backup.stdout.contains("plant: ACME-BER") && backup.stdout.contains("events through sequence 10"), "\(backup.stdout)")

            for index in 0..<10 { try await postScan(agent, data: "AFTER-\(index)") }
            try await eventually("the hub has all 20") { try await hub.report(plant: "ACME-BER")?["scans"] as? Int == 20 }
            #expect(try await agent.child!.stop() == 0)

            // The plant's server loses its disk; the store comes back from the backup, 10 events behind the hub.
            try restore("\(dir)/agent-backup.sqlite", to: "\(dir)/ACME-BER.sqlite")
            try await agent.start()
            try await eventually("the hub refuses the restored log and the agent shows why") {
                let status = try await agent.status()
                let error = (status["hub"] as? [String: Any])?["lastError"] as? String ?? ""
                return (status["alarms"] as? [String]) == ["hub-refused-events"] && error.contains("plant-log-behind")
            }
            let refused = try #require((try await agent.status()["hub"] as? [String: Any])?["lastError"] as? String)
            #expect(refused.contains("ends at sequence 10") && refused.contains("applied through 20"), "\(refused)")
            #expect(refused.contains("gantry-agent recover --from-hub"), "the refusal says how to recover: \(refused)")
            let whileRunning = try await command(
                "gantry-agent", ["recover", "--from-hub", "--config", agent.configPath, "--token", hub.adminToken])
            #expect(whileRunning.status != 0 && whileRunning.stderr.contains("stop the agent"), "\(whileRunning.stderr)")
            #expect(try await agent.child!.stop() == 0)

            // Recovery needs the agent stopped and a token that may read the plant's events.
            let withoutToken = try await command("gantry-agent", ["recover", "--from-hub", "--config", agent.configPath])
            #expect(withoutToken.status != 0 && withoutToken.stderr.contains("--token"), "\(withoutToken.stderr)")
            let recovered = try await command(
                "gantry-agent", ["recover", "--from-hub", "--config", agent.configPath, "--token", hub.adminToken])
            #expect(recovered.status == 0, "\(recovered.stderr)")
            #expect(recovered.stdout.contains("recovered 10 events from the hub (sequences 11–20)"), "\(recovered.stdout)")
            let twice = try await command(
                "gantry-agent", ["recover", "--from-hub", "--config", agent.configPath, "--token", hub.adminToken])
            #expect(twice.status == 0 && twice.stdout.contains("nothing to recover"), "\(twice.stdout)")

            try await agent.start()
            try await postScan(agent, data: "RECOVERED-0")
            try await eventually("the next scan follows the hub's log") { try await hub.report(plant: "ACME-BER")?["scans"] as? Int == 21 }
            let scans = try await hub.scans(plant: "ACME-BER")
            #expect(scans.map(\.sequence) == Array(1...21))
            #expect(scans.map(\.data) == (0..<10).map { "BEFORE-\($0)" } + (0..<10).map { "AFTER-\($0)" } + ["RECOVERED-0"])
            try await eventually("the alarm clears") {
                let status = try await agent.status()
                return (status["alarms"] as? [String]) == [] && status["acknowledgedSequence"] as? Int == 21
            }
            #expect(try await agent.child!.stop() == 0)

            // Restored again, but started and given a new fact before recovery: the log cannot take the hub's
            // events and its own at the same sequence, and recovery says so instead of choosing.
            try restore("\(dir)/agent-backup.sqlite", to: "\(dir)/ACME-BER.sqlite")
            try await agent.start()
            try await postScan(agent, data: "TOO-EARLY")
            try await eventually("refused again") { (try await agent.status()["alarms"] as? [String]) == ["hub-refused-events"] }
            #expect(try await agent.child!.stop() == 0)
            let diverged = try await command(
                "gantry-agent", ["recover", "--from-hub", "--config", agent.configPath, "--token", hub.adminToken])
            #expect(diverged.status != 0 && diverged.stderr.contains("event 11 is"), "\(diverged.stderr)")
            #expect(try await hub.scans(plant: "ACME-BER").map(\.data).contains("TOO-EARLY") == false, "the hub never takes it")
            try await hub.child!.stop()
        }
    }
}
