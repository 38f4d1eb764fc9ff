import Foundation
import GantryTestSupport
import Testing

/// Structured logs across both processes: the request id that ties an agent's sync line to the hub's access
/// line, the sync lines of an outage and its catch-up, and `gantry-agent status` over it.
@Suite(.serialized) struct SyncLogTests {
    /// Every line of `text` parsed as a JSON object; a line that is not one fails the test.
    static func records(_ text: String, from who: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            if object == nil { Issue.record("\(who) wrote a line that is not a JSON object: \(line)") }
            return object
        }
    }

    static func hub(_ config: String, port: Int) throws -> ChildProcess {
        try ChildProcess("gantry-hub", ["serve", "--config", config], environment: [
            "GANTRY_HUB_HTTP_PORT": "\(port)", "GANTRY_HUB_LOG_LEVEL": "info", "GANTRY_HUB_LOG_FORMAT": "json",
        ])
    }

    @Test func anOutageIsFollowedAcrossBothLogsAndTheStatusCommand() async throws {
        try await withTemporaryDirectory { dir in
            let setup = try await HubProcess(dir: dir)
            let token = try await setup.enrol("BER")
            var hub = try Self.hub(setup.configPath, port: 0)
            let port = try await hub.listeningPort()
            let hubURL = "http://127.0.0.1:\(port)"
            let plant = try AgentProcess(dir: dir, plantID: "ACME-BER", hubURL: hubURL, token: token)
            let agent = try ChildProcess("gantry-agent", ["run", "--config", plant.configPath], environment: [
                "GANTRY_AGENT_LOG_LEVEL": "info", "GANTRY_AGENT_LOG_FORMAT": "json",
            ])
            let agentURL = "http://127.0.0.1:\(try await agent.listeningPort())"
            func scan(_ data: String) async throws {
                let answer = try await HTTP.request(
                    "POST", "\(agentURL)/v1/scans", json: #"{"data":"\#(data)","device":"line-1","id":"\#(UUID().uuidString)"}"#)
                try #require(answer.status == 201, "\(answer.text)")
            }
            func scansAtHub() async throws -> Int? {
                let answer = try await HTTP.request("GET", "\(hubURL)/v1/reports/sync", token: setup.adminToken)
                return (try answer.json()["plants"] as? [[String: Any]])?.first { $0["plant"] as? String == "ACME-BER" }?["scans"] as? Int
            }
            func status() async throws -> [String: Any] {
                let result = try await run("gantry-agent", ["status", "--json", "--agent", agentURL])
                try #require(result.status == 0, "\(result.stderr)")
                return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            }

            for index in 0..<3 { try await scan("BEFORE-\(index)") }
            try await eventually("the hub has the first 3 scans") { try await scansAtHub() == 3 }
            try await eventually("the agent has their acknowledgement") { try await status()["acknowledgedSequence"] as? Int == 3 }

            // The hub echoes a well-formed id and logs it; a malformed one is replaced by one of its own.
            let given = try await HTTP.request("GET", "\(hubURL)/healthz", headers: ["X-Request-Id": "probe-1"])
            #expect(given.headers.first { $0.key.lowercased() == "x-request-id" }?.value == "probe-1")
            let replaced = try await HTTP.request("GET", "\(hubURL)/healthz", headers: ["X-Request-Id": "no spaces allowed"])
            let made = try #require(replaced.headers.first { $0.key.lowercased() == "x-request-id" }?.value)
            #expect(made.count == 32 && made.allSatisfy(\.isHexDigit))

            try await hub.stop(SIGKILL)
            let firstHubLog = hub.standardError
            for index in 0..<7 { try await scan("DURING-\(index)") }
            try await eventually("the agent holds 7 events for an unreachable hub") {
                let now = try await status()
                return (now["hub"] as? [String: Any])?["reachable"] as? Bool == false && (now["backlog"] as? [String: Any])?["events"] as? Int == 7
            }
            // Let it retry a few times (backoff 50 ms to 500 ms): the outage is still one line.
            try await Task.sleep(for: .seconds(2))
            let offline = try await status()
            let offlineHub = try #require(offline["hub"] as? [String: Any])
            #expect(offlineHub["unreachableSince"] is String && offlineHub["sendRate"] == nil)
            #expect((offline["backlog"] as? [String: Any])?["drainSeconds"] == nil, "no rate, no estimate")
            let table = try await run("gantry-agent", ["status", "--agent", agentURL])
            #expect(table.status == 0, "\(table.stderr)")
            let rows = table.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
            #expect(rows.first == "FIELD VALUE", "\(table.stdout)")
            #expect(rows.contains("backlog events 7") && rows.contains("time to drain —") && rows.contains { $0.hasPrefix("hub unreachable since ") },
                    "\(table.stdout)")

            hub = try Self.hub(setup.configPath, port: port)
            _ = try await hub.listeningPort()
            try await eventually("the backlog reaches the returned hub") { try await scansAtHub() == 10 }
            try await eventually("the agent's backlog is drained") {
                let now = try await status()
                let backlog = now["backlog"] as? [String: Any]
                return backlog?["events"] as? Int == 0 && backlog?["drainSeconds"] as? Double == 0
                    && (now["hub"] as? [String: Any])?["catchingUp"] as? Bool == false
            }
            #expect(try await agent.stop() == 0)
            try await hub.stop()

            let agentLines = Self.records(agent.standardError, from: "the agent")
            let hubLines = Self.records(firstHubLog, from: "the hub") + Self.records(hub.standardError, from: "the hub")
            func lines(_ message: String) -> [[String: Any]] { agentLines.filter { $0["message"] as? String == message } }
            #expect(lines("hub unreachable").count == 1, "one line for the outage, not one per retry")
            let reachable = try #require(lines("hub reachable again").first)
            #expect(lines("hub reachable again").count == 1 && reachable["backlog"] as? String == "7")
            #expect(Double(reachable["away_s"] as? String ?? "") ?? 0 >= 2)
            let started = try #require(lines("catch-up started").first)
            #expect(lines("catch-up started").count == 1 && started["backlog"] as? String == "7" && started["from"] as? String == "4")
            let finished = try #require(lines("catch-up finished").first)
            #expect(lines("catch-up finished").count == 1 && finished["events"] as? String == "7")
            #expect(Double(finished["events_per_s"] as? String ?? "") ?? 0 > 0)
            for line in agentLines {
                #expect(line["time"] is String && line["level"] is String && line["logger"] is String && line["message"] is String)
            }

            // The batch that found the hub back is the one on the hub's access line with the same id.
            let id = try #require(reachable["request_id"] as? String)
            #expect(started["request_id"] as? String == id)
            let access = hubLines.filter { $0["message"] as? String == "request" && $0["request_id"] as? String == id }
            #expect(access.count == 1, "\(access)")
            #expect(access.first?["route"] as? String == "/v1/sync/batches" && access.first?["method"] as? String == "POST")
            #expect(access.first?["status"] as? String == "200" && access.first?["plant"] as? String == "ACME-BER")
            #expect(Double(access.first?["duration_ms"] as? String ?? "") != nil && Int(access.first?["bytes"] as? String ?? "") ?? 0 > 0)
            #expect(hubLines.contains { $0["request_id"] as? String == "probe-1" && $0["route"] as? String == "/healthz" })
        }
    }

    @Test func statusSaysPlainlyWhenNoAgentRuns() async throws {
        let result = try await run("gantry-agent", ["status", "--agent", "http://127.0.0.1:1"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot be reached") && result.stderr.contains("is gantry-agent running"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func hubListsPrintJSONAndCSVForScripts() async throws {
        try await withTemporaryDirectory { dir in
            let hub = try await HubProcess(dir: dir)
            _ = try await hub.enrol("BER")
            let added = try await run("gantry-hub", [
                "tokens", "add", "--config", hub.configPath, "--name", "bob", "--role", "buyer", "--companies", "ACME,BETA",
            ])
            try #require(added.status == 0, "\(added.stderr)")

            let json = try await run("gantry-hub", ["tokens", "list", "--config", hub.configPath, "--format", "json"])
            let principals = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]], "\(json.stdout)")
            #expect(Set(principals.compactMap { $0["name"] as? String }) == ["tests", "bob"])
            let bob = try #require(principals.first { $0["name"] as? String == "bob" })
            #expect(bob["role"] as? String == "buyer" && bob["companies"] as? String == "ACME,BETA" && bob["expires_at"] is NSNull)

            let csv = try await run("gantry-hub", ["tokens", "list", "--config", hub.configPath, "--format", "csv"])
            let records = csv.stdout.components(separatedBy: "\r\n")
            #expect(records.first == "name,kind,role,companies,created_at,expires_at,revoked_at", "\(csv.stdout)")
            #expect(records.contains { $0.hasPrefix("bob,service,buyer,\"ACME,BETA\",") }, "a comma is quoted: \(csv.stdout)")
            #expect(records.last == "" && records.count == 4, "header, two rows, CRLF after each")

            let plants = try await run("gantry-hub", ["plants", "list", "--config", hub.configPath, "--format", "csv"])
            #expect(plants.stdout.hasPrefix("plant,company,code,time_zone,enrolled_at\r\nACME-BER,ACME,BER,Europe/Berlin,"), "\(plants.stdout)")
            let table = try await run("gantry-hub", ["plants", "list", "--config", hub.configPath])
            #expect(table.stdout.hasPrefix("PLANT     COMPANY  CODE  TIME ZONE      ENROLLED AT\n"), "\(table.stdout)")
            let masters = try await run("gantry-hub", ["masters", "list", "--config", hub.configPath, "--format", "json"])
            let masterRows = try JSONSerialization.jsonObject(with: Data(masters.stdout.utf8)) as? [Any]
            #expect(masters.status == 0 && masterRows != nil, "\(masters.stdout)")
            let wrong = try await run("gantry-hub", ["plants", "list", "--config", hub.configPath, "--format", "xml"])
            #expect(wrong.status != 0 && wrong.stderr.contains("xml"), "\(wrong.stderr)")
        }
    }
}
