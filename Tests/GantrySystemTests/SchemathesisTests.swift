import Foundation
import GantryTestSupport
import Testing

/// A short schemathesis run (PyPI, the `schemathesis` environment of provisioning/python-peers.sh) against a real hub
/// on SQLite and a real agent, each against its document in docs/openapi: no answer is a server error, and every
/// answer the document describes matches its schema. Valid and invalid requests alike, generated from the documents.
@Suite(.serialized) struct SchemathesisTests {
    @Test func theHubAndTheAgentKeepToTheirDocuments() async throws {
        let st = Self.root.appendingPathComponent(".build-venvs/schemathesis/bin/st").path
        guard FileManager.default.isExecutableFile(atPath: st) else {
            Issue.record("no schemathesis at \(st): run provisioning/python-peers.sh (make test does)")
            return
        }
        try await withTemporaryDirectory { dir in
            let hub = try await HubProcess(dir: dir)
            // With a currency, so company ACME has its master and the ledger's reports have books to read.
            let enrolled = try await run("gantry-hub", [
                "plants", "add", "--config", hub.configPath, "--company", "ACME", "--code", "BER", "--time-zone", "Europe/Berlin",
                "--currency", "EUR",
            ])
            try #require(enrolled.status == 0, "\(enrolled.stderr)")
            let plantToken = String(try #require(enrolled.stdout.split(separator: "\n").first { $0.hasPrefix("hub.token = ") })
                .dropFirst("hub.token = ".count))
            try await hub.start()
            let seeded = try await HTTP.request("POST", "\(hub.url)/v1/masters", token: hub.adminToken, json: Self.masters)
            try #require(seeded.status == 200, "\(seeded.text)")
            let users = "\(dir)/users"
            let added = try await run("gantry-agent", ["users", "add", "alice", "--role", "buyer", "--file", users])
            try #require(added.status == 0, "\(added.stderr)")
            let userToken = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let agent = try AgentProcess(dir: dir, plantID: "ACME-BER", hubURL: hub.url, token: plantToken, extra: "users.file = \(users)")
            try await agent.start()
            // A scan synced to the hub, so the event feed and the sync report have something to show.
            let scan = try await HTTP.request("POST", "\(agent.url)/v1/scans", json: #"{"data": "0104012345678901", "device": "T1"}"#)
            try #require(scan.status == 201, "\(scan.text)")
            try await eventually("the hub has the scan") { try await hub.report(plant: "ACME-BER")?["lastSequence"] as? Int == 1 }

            // The principal of every company (an administrator: every permission) on every principal route, but
            // not yet on the two that could revoke or replace its own token.
            try await Self.schemathesis(st, in: dir, "hub.json", hub.url, token: hub.adminToken, examples: 10,
                                        ["--exclude-path-regex", "/(rotate|revoke)$", "--exclude-tag", "plant"])
            // The plant's own token on the plant routes (sync, its masters and instructions).
            try await Self.schemathesis(st, in: dir, "hub.json", hub.url, token: plantToken, examples: 10, ["--include-tag", "plant"])
            // Rotation and revocation last: a generated name may be the administrator's own.
            try await Self.schemathesis(st, in: dir, "hub.json", hub.url, token: hub.adminToken, examples: 5,
                                        ["--include-path-regex", "/(rotate|revoke)$"])
            // A plant user's token: the approval routes need one; every other route ignores it.
            try await Self.schemathesis(st, in: dir, "agent.json", agent.url, token: userToken, examples: 10, [])
            #expect(try await HTTP.request("GET", "\(hub.url)/healthz").status == 200, "the hub still answers")
            #expect(try await HTTP.request("GET", "\(agent.url)/healthz").status == 200, "the agent still answers")
        }
    }

    /// An item, a fiscal period and a customer of ACME, for the generated requests to find.
    static let masters = #"""
        {"summary": "schemathesis", "records": [
          {"kind": "item", "company": "ACME", "key": "BOLT", "data": {"description": "Bolt", "uom": "EA", "tracking": "lot"}},
          {"kind": "fiscal-period", "company": "ACME", "key": "2026-01",
           "data": {"start": "2026-01-01", "end": "2026-01-31", "fiscalYear": "FY2026"}},
          {"kind": "customer", "company": "ACME", "key": "CUST1", "data": {"name": "Customer", "currency": "EUR", "paymentTermsDays": 30}}
        ]}
        """#

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `st run` on docs/openapi/`document` against `url` and expects it to pass; prints its report when not.
    /// A fixed seed makes a failure reproducible; `examples` bounds the cases per operation and phase. It runs in
    /// `dir`, where schemathesis keeps what `st replay` needs.
    static func schemathesis(
        _ st: String, in dir: String, _ document: String, _ url: String, token: String, examples: Int, _ selection: [String]
    ) async throws {
        let arguments = [
            "run", root.appendingPathComponent("docs/openapi/\(document)").path, "--url", url,
            "--header", "Authorization: Bearer \(token)",
            "--checks", "not_a_server_error,response_schema_conformance",
            "--phases", "examples,coverage,fuzzing", "--max-examples", "\(examples)", "--seed", "22",
            "--workers", "1", "--generation-database", "none", "--no-color", "--request-timeout", "20",
        ] + selection
        let child = try ChildProcess("/bin/sh", ["-c", "cd \"$0\" && exec \"$@\"", dir, st] + arguments)
        let status = try await child.exit(timeout: .seconds(300))
        try await Task.sleep(for: .milliseconds(50))  // let the pipes drain
        #expect(status == 0, "st run \(document) \(selection.joined(separator: " ")):\n\(child.standardOutput.suffix(6000))\(child.standardError.suffix(2000))")
    }
}
