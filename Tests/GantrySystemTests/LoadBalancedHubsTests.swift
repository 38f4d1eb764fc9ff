import Foundation
import GantryCore
import GantryTestSupport
import Testing

/// Hubs that die (docs/reliability.md): two hub processes over one PostgreSQL behind a real HAProxy
/// (`provisioning/haproxy/gantry-hubs.cfg`), three real agents syncing through it. A hub is SIGKILLed while it holds
/// agents' batches inside their database transactions, then PostgreSQL crashes and restarts; every event is applied
/// once and every agent drains. The minutes-long version is `provisioning/soak/soak_hubs.py`.
@Suite(.serialized) struct LoadBalancedHubsTests {
    static let plants = ["ACME-BER", "ACME-HAM", "ACME-MUC"]

    /// `count` scans at each agent, numbered from `first`; each answered 201 (durable at the agent).
    func scan(_ agents: [AgentProcess], _ first: Int, count: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for agent in agents {
                group.addTask { for index in first..<first + count { try await postScan(agent, data: "LB-\(index)") } }
            }
            try await group.waitForAll()
        }
    }

    /// Waits until every agent's acknowledged position is its head.
    func drained(_ agents: [AgentProcess], _ what: String, timeout: Duration = .seconds(60)) async throws {
        try await eventually(what, timeout: timeout, interval: .milliseconds(100)) {
            for agent in agents {
                let status = try await agent.status()
                guard let head = status["lastSequence"] as? Int, status["acknowledgedSequence"] as? Int == head else { return false }
            }
            return true
        }
    }

    @Test func hubsKilledMidBatchAndADatabaseCrashApplyEveryEventOnce() async throws {
        let server = try PostgresServer()
        defer { server.destroy() }
        try server.psql("postgres", "CREATE DATABASE hub")
        try await withTemporaryDirectory { dir in
            let first = try await HubProcess(dir: dir, name: "hub1", database: server.url(database: "hub"))
            let second = try await HubProcess(dir: dir, name: "hub2", database: server.url(database: "hub"), adminToken: first.adminToken)
            let all = [first, second]
            var tokens: [String: String] = [:]
            for plant in Self.plants { tokens[plant] = try await all[0].enrol(String(plant.dropFirst("ACME-".count))) }
            for hub in all { try await hub.start() }
            let balancer = try await LoadBalancer(dir: dir, servers: [("hub1", all[0].port), ("hub2", all[1].port)])
            try await balancer.waitUntilUp(["hub1", "hub2"])
            var agents: [AgentProcess] = []
            for plant in Self.plants {
                let agent = try AgentProcess(dir: dir, plantID: plant, hubURL: balancer.url, token: tokens[plant]!)
                try await agent.start()
                agents.append(agent)
            }

            // 1. Both hubs serve: 20 scans at each plant reach the hub through the balancer.
            try await scan(agents, 0, count: 20)
            try await drained(agents, "the first scans are acknowledged")

            // 2. The agents' next batches wait inside their transactions at the hubs (the events table is locked, for
            // less than the hubs' store.timeout of 3 s); a hub holding one is killed. Its transactions die with their
            // connections; the batches are resent (by HAProxy to the other hub, or by the agent) and applied once.
            try await server.hold("hub", "LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
            try await scan(agents, 20, count: 1)
            try await eventually("batches wait in the database", timeout: .seconds(2), interval: .milliseconds(10)) {
                try server.waitingForLocks("hub") >= 2
            }
            let holding = try await balancer.servers().filter { $0.value.sessions > 0 }.keys.sorted()
            let victim = try #require(holding.first, "a hub holds a request")
            let killed = all[victim == "hub1" ? 0 : 1]
            #expect(try await killed.child!.stop(SIGKILL) == SIGKILL, "killed, not exited")
            try server.releaseHeld()
            try await scan(agents, 21, count: 9)
            try await drained(agents, "the batches the killed hub held are applied by the other")
            try await killed.start()
            try await balancer.waitUntilUp(["hub1", "hub2"])

            // 3. PostgreSQL crashes and comes back while agents take scans: the agents keep them and send them after.
            try server.stop(mode: "immediate")
            try await scan(agents, 30, count: 10)
            try server.start()
            try await scan(agents, 40, count: 10)
            try await drained(agents, "every agent catches up after the database restart")

            // 50 scans at each plant (20 + 10 + 10 + 10) and no other event: the hub holds sequences 1...50 of each,
            // once, and each scan once.
            for agent in agents {
                #expect(try await agent.status()["lastSequence"] as? Int == 50)
            }
            let rows = try server.psql("hub", """
                SELECT p.plant_id, p.last_sequence, p.events_received,
                       (SELECT count(*) FROM events e WHERE e.plant_id = p.plant_id),
                       (SELECT max(seq) FROM events e WHERE e.plant_id = p.plant_id),
                       (SELECT count(DISTINCT scan_id) FROM scans s WHERE s.plant_id = p.plant_id)
                FROM plants p ORDER BY 1
                """)
            #expect(rows.split(separator: "\n").map(String.init) == Self.plants.map { "\($0)|50|50|50|50|50" })
            #expect(try server.psql("hub", "SELECT count(*) - count(DISTINCT event_id) FROM events") == "0\n", "no event twice")
            let scans = try await all[0].scans(plant: "ACME-BER")
            #expect(Set(scans.map(\.data)) == Set((0..<50).map { "LB-\($0)" }), "each scan once")

            // The database's own checks: every B-tree index of the hub's tables matches its table, no heap damage.
            try server.psql("hub", "CREATE EXTENSION amcheck")
            let checked = try server.psql("hub", """
                SELECT count(bt_index_check(c.oid, true)) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'btree' AND c.relkind = 'i' AND c.relnamespace = 'public'::regnamespace
                """)
            #expect((Int(checked.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 10, "indexes checked: \(checked)")
            #expect(try server.psql("hub", """
                SELECT count(*) FROM pg_class c, LATERAL verify_heapam(c.oid)
                WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
                """) == "0\n")

            for agent in agents { _ = try await agent.child!.stop() }
            for hub in all { _ = try await hub.child!.stop() }
            try await balancer.stop()
        }
    }
}
