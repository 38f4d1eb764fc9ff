import Foundation
import GantryCore
@testable import GantryAgent
@testable import GantryHub
import GantryTestSupport
import Testing

/// `/metrics` on a real hub and agent process, scraped and parsed; the Grafana dashboard and the alert rules name
/// only what they export.
@Suite struct MetricsTests {
    static let plant = ["plant": "ACME-BER"]

    @Test func bothBinariesCountWhatHappenedAndTheHubAsksForThePermission() async throws {
        try await withTemporaryDirectory { dir in
            let hub = try await HubProcess(dir: dir)
            let token = try await hub.enrol("BER")
            let monitor = try await Self.token(hub, role: "monitor")
            let buyer = try await Self.token(hub, role: "buyer")
            try await hub.start()
            let broker = try Broker(dir: dir)
            try await broker.start()
            let agent = try AgentProcess(dir: dir, plantID: "ACME-BER", hubURL: hub.url, token: token,
                                         extra: "mqtt.host = 127.0.0.1\nmqtt.port = \(broker.port)\n")
            try await agent.start()
            try await eventually("the agent connects to the broker") { try await agent.mqtt()["connected"] as? Bool == true }

            for index in 1...3 { try await Self.scan(agent, "SYNCED-\(index)") }
            let now = Date()
            try await broker.publish("gantry/ACME-BER/L1/M1/state", [
                #"{"state":"running","ts":"\#(Timestamp.format(now - 60))"}"#, "not json",
                #"{"state":"idle","ts":"\#(Timestamp.format(now - 30))"}"#,
            ])
            try await eventually("the messages are handled and every event is at the hub") {
                let status = try await agent.status(), mqtt = status["mqtt"] as? [String: Any] ?? [:]
                return mqtt["recorded"] as? Int == 2 && mqtt["deadLetters"] as? Int == 1
                    && status["lastSequence"] as? Int == status["acknowledgedSequence"] as? Int
            }

            let atAgent = try await Self.scrape(agent.url)
            let sent = try #require(try atAgent.value(AgentMetrics.eventsAcknowledged, Self.plant))
            #expect(sent >= 3, "three scans and the machine's states")
            #expect(try atAgent.value(AgentMetrics.eventsRecorded, Self.plant) == sent)
            #expect(try atAgent.value(AgentMetrics.backlogEvents, Self.plant) == 0)
            #expect(try atAgent.value(AgentMetrics.backlogBytes, Self.plant) == 0)
            #expect(try atAgent.value(AgentMetrics.backlogAge, Self.plant) == 0)
            #expect(try atAgent.value(AgentMetrics.mqttReceived, Self.plant) == 3)
            #expect(try atAgent.value(AgentMetrics.mqttStored, Self.plant) == 3)
            #expect(try atAgent.value(AgentMetrics.mqttProjected, Self.plant) == 2)
            #expect(try atAgent.value(AgentMetrics.mqttDeadLettered, Self.plant) == 1)
            #expect(try atAgent.value(AgentMetrics.deadLetters, Self.plant) == 1)
            #expect(try atAgent.value(AgentMetrics.hubReachable, Self.plant) == 1)
            #expect(try #require(try atAgent.value(AgentMetrics.storeBytes, Self.plant)) > 0)
            let scans = ["route": "/v1/scans", "method": "POST", "status": "201"]
            #expect(try atAgent.value(ApplicationMetrics.httpRequests, scans) == 3)
            #expect(try atAgent.value(ApplicationMetrics.httpRequestDuration + "_count", scans) == 3)
            #expect(try atAgent.value(ApplicationMetrics.httpRequestDuration + "_bucket", scans.merging(["le": "+Inf"]) { $1 }) == 3)
            #expect(Set(atAgent.types.keys) == Set(AgentMetrics.names), "the names the dashboard test trusts are the ones served")

            // The hub's metrics need `metrics:read`: none without a token, none for a buyer.
            let anonymous = try await HTTP.request("GET", "\(hub.url)/metrics")
            #expect(anonymous.status == 401 && anonymous.contentType == "application/problem+json")
            let refused = try await HTTP.request("GET", "\(hub.url)/metrics", token: buyer)
            #expect(refused.status == 403 && refused.text.contains("metrics:read"), "\(refused.text)")
            _ = try await Self.scrape(hub.url, token: monitor)
            let atHub = try await Self.scrape(hub.url, token: monitor)
            #expect(try atHub.value(HubMetrics.eventsApplied) == sent, "every event the agent sent, applied once")
            let hubPlant = ["plant": "ACME-BER", "company": "ACME"]
            #expect(try atHub.value(HubMetrics.plantEventsReceived, hubPlant) == sent)
            #expect(try atHub.value(HubMetrics.plantEventsBehind, hubPlant) == 0)
            #expect(try atHub.value(HubMetrics.plantLag, hubPlant) == 0)
            let silent = try #require(try atHub.value(HubMetrics.plantLastSeen, hubPlant))
            #expect(silent >= 0 && silent < 30, "the agent heartbeats every 300 ms")
            #expect(try #require(try atHub.value(HubMetrics.storeBytes, ["backend": "sqlite"])) > 0)
            let batches = try #require(try atHub.value(HubMetrics.applyDuration + "_count"))
            let batchesInAllBuckets = try atHub.value(HubMetrics.applyDuration + "_bucket", ["le": "+Inf"])
            #expect(batches >= 1 && batches == batchesInAllBuckets)
            let metricsRoute = ["route": "/metrics", "method": "GET"]
            #expect(try atHub.value(ApplicationMetrics.httpRequests, metricsRoute.merging(["status": "401"]) { $1 }) == 1)
            #expect(try atHub.value(ApplicationMetrics.httpRequests, metricsRoute.merging(["status": "403"]) { $1 }) == 1)
            #expect(try atHub.value(ApplicationMetrics.httpRequests, metricsRoute.merging(["status": "200"]) { $1 }) == 1,
                    "the first scrape, counted once it was answered")
            let syncs = atHub.matching(ApplicationMetrics.httpRequests, ["route": "/v1/sync/batches", "method": "POST", "status": "200"])
            #expect(syncs.count == 1 && syncs[0].value >= batches)
            #expect(Set(atHub.types.keys) == Set(HubMetrics.names))

            // With the hub stopped, what the plant records waits, and the agent says so.
            _ = try await hub.child!.stop()
            for index in 1...2 { try await Self.scan(agent, "WAITING-\(index)") }
            try await eventually("the agent finds the hub gone") {
                try await Self.scrape(agent.url).value(AgentMetrics.hubReachable, Self.plant) == 0
            }
            let waiting = try await Self.scrape(agent.url)
            #expect(try waiting.value(AgentMetrics.backlogEvents, Self.plant) == 2)
            #expect(try #require(try waiting.value(AgentMetrics.backlogBytes, Self.plant)) > 0)
            let age = try #require(try waiting.value(AgentMetrics.backlogAge, Self.plant))
            #expect(age >= 0 && age < 60)
            #expect(try waiting.value(AgentMetrics.eventsAcknowledged, Self.plant) == sent)
            #expect(try waiting.value(AgentMetrics.eventsRecorded, Self.plant) == sent + 2)
            #expect(try waiting.value(ApplicationMetrics.httpRequests, scans) == 5)
            _ = try await agent.child!.stop()
            try await broker.stop()
        }
    }

    /// Two hubs over one PostgreSQL database: each counts the events it applied itself; what the store holds (events
    /// received, events behind, the database's size) both read alike; a monitor of another company sees no plant.
    @Test func onPostgreSQLEachHubCountsItsOwnAppliesAndBothReadTheStore() async throws {
        try await withTemporaryDirectory { dir in
            let database = try PostgresServer.shared.createDatabase()
            let first = try await HubProcess(dir: dir, name: "first", database: database)
            let second = try await HubProcess(dir: dir, name: "second", database: database, adminToken: first.adminToken)
            let token = try await first.enrol("BER")
            let monitor = try await Self.token(first, role: "monitor")
            let elsewhere = try await Self.token(first, role: "monitor", companies: "OTHER")
            try await first.start()
            try await second.start()
            // The plant reports 8 events; the first hub gets 1-5, the second 6-7: one still to come.
            for (hub, sequences) in [(first, Int64(1)...5), (second, 6...7)] {
                let answer = try await HTTP.request("POST", "\(hub.url)/v1/sync/batches", token: token, json: try Self.batch(sequences, head: 8))
                try #require(answer.status == 200, "\(answer.text)")
            }
            let plant = ["plant": "ACME-BER", "company": "ACME"]
            for (hub, applied) in [(first, 5.0), (second, 2.0)] {
                let scraped = try await Self.scrape(hub.url, token: monitor)
                #expect(try scraped.value(HubMetrics.eventsApplied) == applied)
                #expect(try scraped.value(HubMetrics.plantEventsReceived, plant) == 7)
                #expect(try scraped.value(HubMetrics.plantEventsBehind, plant) == 1)
                #expect(try #require(try scraped.value(HubMetrics.storeBytes, ["backend": "postgresql"])) > 1_000_000, "a database is megabytes")
            }
            let foreign = try await Self.scrape(first.url, token: elsewhere)
            #expect(foreign.matching(HubMetrics.plantEventsReceived).isEmpty && foreign.matching(HubMetrics.plantLastSeen).isEmpty)
            // Hub-wide figures name no plant but tell of every company's traffic: only for a principal of all companies.
            #expect(foreign.matching(HubMetrics.eventsApplied).isEmpty && foreign.matching(HubMetrics.storeBytes).isEmpty)
            _ = try await first.child!.stop()
            _ = try await second.child!.stop()
        }
    }

    static func batch(_ sequences: ClosedRange<Int64>, head: Int64) throws -> String {
        let events = sequences.map { sequence in
            EventEnvelope(
                sequence: sequence, id: UUID(), type: ScanRecorded.eventType, schemaVersion: 1, occurredAt: Date(), recordedAt: Date(),
                payload: .object(["scanId": .string(UUID().uuidString), "device": .string("d"), "data": .string("S\(sequence)")]))
        }
        return String(decoding: try WireFormat.encoder().encode(SyncBatch(plant: "ACME-BER", agentHead: head, events: events)), as: UTF8.self)
    }

    /// Two hubs in one process (as the tests run them) keep their figures apart: no process-wide registry.
    @Test func twoHubsInOneProcessCountOnlyTheirOwnRequests() async throws {
        try await withHub { first in
            try await withHub { second in
                for _ in 1...3 {
                    let answer = try await HTTP.request("GET", "\(first.url)/healthz")
                    #expect(answer.status == 200)
                }
                let health = ["route": "/healthz", "method": "GET", "status": "200"]
                let atFirst = try await Self.scrape(first.url, token: first.adminToken).value(ApplicationMetrics.httpRequests, health)
                let atSecond = try await Self.scrape(second.url, token: second.adminToken).value(ApplicationMetrics.httpRequests, health)
                #expect(atFirst == 3)
                #expect(atSecond == nil)
            }
        }
    }

    @Test func theDashboardAndTheAlertRulesNameOnlyExportedMetrics() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dashboard = try Data(contentsOf: root.appendingPathComponent("provisioning/grafana/gantry-dashboard.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: dashboard) as? [String: Any])
        let panels = try #require(json["panels"] as? [[String: Any]])
        let panelExpressions = panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        #expect(panelExpressions.count >= 5 && panels.allSatisfy { !($0["targets"] as? [[String: Any]] ?? []).isEmpty })
        let rules = try String(contentsOf: root.appendingPathComponent("provisioning/prometheus/gantry-alerts.yml"), encoding: .utf8)
        let ruleExpressions = rules.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("expr:") ? String(trimmed.dropFirst(5)) : nil
        }
        let alerts = rules.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("- alert:") }
        #expect(ruleExpressions.count == alerts.count && alerts.count >= 3, "every alert has one expression")

        let exported = Set(HubMetrics.names + AgentMetrics.names)
        let histograms: Set<String> = [ApplicationMetrics.httpRequestDuration, HubMetrics.applyDuration]
        var named = Set<String>()
        for expression in panelExpressions + ruleExpressions {
            for match in expression.matches(of: /gantry_[a-z0-9_]+/) {
                var name = String(match.output)
                for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) && histograms.contains(String(name.dropLast(suffix.count))) {
                    name = String(name.dropLast(suffix.count))
                }
                named.insert(name)
            }
        }
        #expect(named.subtracting(exported).sorted() == [], "metrics the files name that no binary exports")
        for needed in [AgentMetrics.backlogAge, HubMetrics.plantLastSeen, AgentMetrics.mqttDeadLettered, HubMetrics.eventsApplied,
                       ApplicationMetrics.httpRequestDuration] {
            #expect(named.contains(needed), "\(needed) is watched")
        }
    }

    @Test func theExpositionEscapesLabelValuesAndReadsBack() throws {
        var text = ScrapeText()
        text.add("gantry_test_total", .counter, help: "A test.", [
            .init([("plant", #"A"B\C"#)], Double(3)), .init([("plant", "line\nbreak")], 2.5),
        ])
        let parsed = try MetricsExposition(parsing: text.text)
        #expect(parsed.types == ["gantry_test_total": "counter"])
        #expect(try parsed.value("gantry_test_total", ["plant": #"A"B\C"#]) == 3)
        #expect(try parsed.value("gantry_test_total", ["plant": "line\nbreak"]) == 2.5)
        #expect(text.text.contains(#"plant="A\"B\\C"} 3"#))
    }

    static func token(_ hub: HubProcess, role: String, companies: String = "*") async throws -> String {
        let made = try await run("gantry-hub", [
            "tokens", "add", "--config", hub.configPath, "--name", "as-\(role)-\(companies.count)", "--role", role, "--kind", "service",
            "--companies", companies,
        ])
        try #require(made.status == 0, "\(made.stderr)")
        return made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func scan(_ agent: AgentProcess, _ data: String) async throws {
        let answer = try await HTTP.request(
            "POST", "\(agent.url)/v1/scans", json: #"{"data":"\#(data)","device":"dock-1","id":"\#(UUID().uuidString)"}"#)
        try #require(answer.status == 201, "\(answer.text)")
    }

    static func scrape(_ url: String, token: String? = nil) async throws -> MetricsExposition {
        let answer = try await HTTP.request("GET", "\(url)/metrics", token: token)
        try #require(answer.status == 200, "\(answer.text)")
        #expect(answer.contentType?.hasPrefix("text/plain; version=0.0.4") == true)
        return try MetricsExposition(parsing: answer.text)
    }
}
