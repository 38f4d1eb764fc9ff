import Foundation
import GantryCore
import GantryTestSupport
import Testing

/// Hub processes on PostgreSQL: several at once over one database, and a database that goes away.
@Suite(.serialized) struct PostgresHubTests {
    /// A batch of scans for `plant` as the agent would send it.
    func batch(plant: String, _ sequences: ClosedRange<Int64>) throws -> String {
        try HubAPITests().batch(plant: plant, sequences)
    }

    @Test func twoHubProcessesOverOneDatabaseApplyEachBatchOnce() async throws {
        try await withTemporaryDirectory { dir in
            let database = try PostgresServer.shared.createDatabase()
            let first = try await HubProcess(dir: dir, name: "first", database: database)
            let second = try await HubProcess(dir: dir, name: "second", database: database, adminToken: first.adminToken)
            let berToken = try await first.enrol("BER")
            let hamToken = try await second.enrol("HAM")
            try await first.start()
            try await second.start()

            // A load balancer's resend: the same batch reaches both hubs at the same moment.
            for round in Int64(0)..<15 {
                let body = try batch(plant: "ACME-BER", round * 40 + 1...round * 40 + 40)
                async let a = HTTP.request("POST", "\(first.url)/v1/sync/batches", token: berToken, json: body)
                async let b = HTTP.request("POST", "\(second.url)/v1/sync/batches", token: berToken, json: body)
                let answers = try await [a, b]
                #expect(answers.map(\.status) == [200, 200], "\(answers.map(\.text))")
                let acks = try answers.map { try $0.decode(SyncAcknowledgement.self) }
                #expect(acks.map(\.acknowledgedThrough) == [round * 40 + 40, round * 40 + 40])
                #expect(acks.map(\.applied).sorted() == [0, 40], "round \(round): applied by one hub, a resend at the other")
            }

            // Agents may reach either hub: one plant's agent talks to the first, the other's to the second.
            let agentBER2 = try AgentProcess(dir: dir, plantID: "ACME-HAM", hubURL: second.url, token: hamToken)
            try await agentBER2.start()
            for index in 0..<30 { try await postScan(agentBER2, data: "HAM-\(index)") }
            try await eventually("the second hub applies the agent's scans") {
                try await second.report(plant: "ACME-HAM")?["scans"] as? Int == 30
            }

            // Both hubs report the same state: it lives in the database, not in either process.
            for hub in [first, second] {
                let ber = try #require(try await hub.report(plant: "ACME-BER"))
                #expect(ber["scans"] as? Int == 600 && ber["eventsReceived"] as? Int == 600 && ber["lastSequence"] as? Int == 600)
                #expect(try await hub.report(plant: "ACME-HAM")?["scans"] as? Int == 30)
            }
            let scans = try await first.scans(plant: "ACME-BER")
            #expect(scans.map(\.sequence) == Array(1...600), "each sequence once")
            #expect(try await first.scans(plant: "ACME-HAM").map(\.data) == (0..<30).map { "HAM-\($0)" })
            _ = try await agentBER2.child!.stop()
            _ = try await first.child!.stop()
            _ = try await second.child!.stop()
        }
    }

    @Test func aDatabaseThatGoesAwayGets503sAndLosesNothingAcknowledged() async throws {
        let server = try PostgresServer()
        defer { server.destroy() }
        try server.psql("postgres", "CREATE DATABASE hub")
        try await withTemporaryDirectory { dir in
            let hub = try await HubProcess(dir: dir, database: server.url(database: "hub"))
            let token = try await hub.enrol("BER")
            try await hub.start()
            let agent = try AgentProcess(dir: dir, plantID: "ACME-BER", hubURL: hub.url, token: token)
            try await agent.start()
            for index in 0..<50 { try await postScan(agent, data: "BEFORE-\(index)") }
            try await eventually("the hub has the first 50 scans") { try await hub.report(plant: "ACME-BER")?["scans"] as? Int == 50 }

            try server.stop(mode: "immediate")
            let health = try await HTTP.request("GET", "\(hub.url)/healthz")
            #expect(health.status == 503 && health.contentType == "application/problem+json", "\(health.text)")
            let refused = try await HTTP.request("POST", "\(hub.url)/v1/sync/batches", token: token, json: try batch(plant: "ACME-BER", 51...51))
            #expect(refused.status == 503 && refused.headers.keys.contains { $0.lowercased() == "retry-after" }, "\(refused.text)")
            #expect(try refused.decode(ProblemDetails.self).code == "store-unavailable")
            for index in 0..<70 { try await postScan(agent, data: "DURING-\(index)") }
            try await eventually("the agent sees the hub unavailable and keeps the backlog") {
                let status = try await agent.status()
                return (status["backlog"] as? [String: Any])?["events"] as? Int == 70
            }
            #expect(hub.child!.process.isRunning, "the hub stays up while its database is away")

            try server.start()
            try await eventually("the backlog drains once the database is back") { try await hub.report(plant: "ACME-BER")?["scans"] as? Int == 120 }
            let scans = try await hub.scans(plant: "ACME-BER")
            #expect(scans.map(\.sequence) == Array(1...120))
            #expect(scans.map(\.data) == (0..<50).map { "BEFORE-\($0)" } + (0..<70).map { "DURING-\($0)" })
            _ = try await agent.child!.stop()
            _ = try await hub.child!.stop()
        }
    }
}
