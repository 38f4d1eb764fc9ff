import Foundation
import GantryTestSupport
import Testing

/// The short version of the bad-WAN soak (provisioning/soak/soak_wan.py): an agent syncing to a hub through
/// the test's own fault-injecting proxy (provisioning/soak/wan_proxy.py) that adds latency, emulates loss as TCP
/// shows it (segments held back by a retransmission timeout), stalls the link and cuts every connection over and
/// over. Every scan the agent acknowledged reaches the hub exactly once, and every sync body crosses the link gzip.
@Suite(.serialized) struct BadWANTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func acknowledgedScansArriveOnceThroughLatencyStallsAndCuts() async throws {
        try await withTemporaryDirectory { dir in
            let hub = try await HubProcess(dir: dir)
            let token = try await hub.enrol("BER")
            try await hub.start()
            let statsPath = "\(dir)/proxy.json"
            let proxy = try ChildProcess("/usr/bin/env", [
                "python3", Self.root.appendingPathComponent("provisioning/soak/wan_proxy.py").path,
                "--target", "127.0.0.1:\(hub.port)", "--latency-ms", "30", "--loss", "0.03", "--rto-ms", "150",
                "--stall-every", "3.1", "--stall-for", "1.4", "--cut-every", "1.7", "--cut-for", "0.3", "--stats", statsPath,
            ])
            let listening = try await proxy.line(containing: "listening on ")
            let proxyURL = "http://127.0.0.1:\(listening.split(separator: ":").last!)"
            // A stall of 1.4 s outlasts the 1 s low-speed window: the request is given up and the batch halved.
            let agent = try AgentProcess(dir: dir, plantID: "ACME-BER", hubURL: proxyURL, token: token, extra: """
                sync.request_timeout = 3s
                sync.connect_timeout = 1s
                sync.low_speed_bytes = 1
                sync.low_speed_time = 1s
                sync.min_batch_events = 3
                """)
            try await agent.start()

            let ledger = ScanLedger()
            let clock = ContinuousClock()
            let start = clock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<3 {
                    group.addTask {
                        var index = 0
                        while clock.now - start < .seconds(4) {
                            try await postScan(agent, data: "WAN-L\(lane)-\(index)", ledger: ledger)
                            index += 1
                            try await Task.sleep(for: .milliseconds(25))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let head = try #require(try await agent.status()["lastSequence"] as? Int)
            #expect(head == ledger.confirmedCount, "every scan posted was confirmed")
            try await eventually("the hub has the agent's whole log through the bad link", timeout: .seconds(60), interval: .milliseconds(200)) {
                try await hub.report(plant: "ACME-BER")?["lastSequence"] as? Int == head
            }
            let took = clock.now - start

            let scans = try await hub.scans(plant: "ACME-BER")
            #expect(scans.map(\.sequence) == Array(1...head), "gap-free, in order")
            #expect(Set(scans.map(\.scanID)).count == scans.count, "no scan applied twice")
            let atHub = Dictionary(uniqueKeysWithValues: scans.map { ($0.scanID, $0.data) })
            let missing = ledger.confirmed.filter { atHub[$0.key.uuidString] != $0.value }
            #expect(missing.isEmpty, "\(missing.count) acknowledged scans are missing at the hub")

            let metrics = try await MetricsTests.scrape(agent.url)
            let failures = try #require(try metrics.value("gantry_agent_sync_transport_failures_total"))
            let json = try #require(try metrics.value("gantry_agent_sync_body_bytes_total", ["form": "json"]))
            let wire = try #require(try metrics.value("gantry_agent_sync_body_bytes_total", ["form": "wire"]))
            let sent = try #require(try metrics.value("gantry_agent_sync_events_sent_total"))
            #expect(failures >= 1, "the cuts and stalls broke requests")
            #expect(sent > 0, "batches were answered")
            #expect(wire < json, "gzip shrank the bodies: \(wire) bytes sent for \(json) bytes of JSON")

            // The proxy writes its counts every second; the sync requests ended well before this.
            try await Task.sleep(for: .milliseconds(1200))
            try await proxy.stop(SIGKILL)
            let stats = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: statsPath))) as? [String: Any])
            let syncRequests = (stats["requests_by_path"] as? [String: Int])?["/v1/sync/batches"] ?? 0
            let gzipRequests = (stats["gzip_by_path"] as? [String: Int])?["/v1/sync/batches"] ?? 0
            #expect(syncRequests > 0 && gzipRequests == syncRequests, "every sync body on the wire is gzip (\(gzipRequests) of \(syncRequests))")
            #expect((stats["cuts"] as? Int ?? 0) >= 2 && (stats["stalls"] as? Int ?? 0) >= 1, "the link was cut and stalled: \(stats)")
            #expect((stats["connections_cut"] as? Int ?? 0) >= 1, "connections were reset: \(stats)")
            #expect(took < .seconds(40), "sync kept making progress: \(took)")
            try await agent.child!.stop()
            try await hub.child!.stop()
        }
    }
}
