import Foundation
import GantryCore
import GantryTestSupport
import Testing

/// The agent's second listener on the plant LAN: HTTPS with its own certificate, every write with a plant user's
/// token; the loopback listener stays open for the terminal unless configured otherwise.
@Suite(.serialized) struct TLSAgentLANTests {
    @Test func onTheLANEveryWriteNeedsAPlantUsersTokenWhileLoopbackStaysOpen() async throws {
        try await withTemporaryDirectory { dir in
            let ca = try await TestCA(dir: dir)
            let server = try await ca.issue("plant-lan", serial: 4001)
            let tokens = try writePlantUsers([("paula", .planner), ("otto", .auditor)], to: "\(dir)/users")
            let agent = try AgentProcess(dir: dir, plantID: "ACME-LAN", hubURL: "http://127.0.0.1:9", token: "unused", extra: """
                users.file = \(dir)/users
                http.lan.host = 127.0.0.1
                http.lan.port = 0
                http.lan.certificate = \(server.certificate)
                http.lan.key = \(server.key)
                """)
            try await agent.start()
            let line = try await agent.child!.line(containing: "on the plant LAN at https://")
            let lan = "https://127.0.0.1:\(line.split(separator: ":").last!)"
            func scan(_ data: String) -> String { #"{"data":"\#(data)","device":"lan-1","id":"\#(UUID().uuidString)"}"# }

            let anonymous = try await curl("POST", "\(lan)/v1/scans", ca: ca.certificate, json: scan("L-1"))
            #expect(anonymous.status == 401, "\(anonymous.body)")
            #expect(anonymous.log.lowercased().contains("content-type: application/problem+json"))
            #expect(anonymous.body.contains("problem:unauthenticated"))
            let wrong = try await curl("POST", "\(lan)/v1/scans", ca: ca.certificate, token: "gpu_not-a-user", json: scan("L-2"))
            #expect(wrong.status == 401)
            let auditor = try await curl("POST", "\(lan)/v1/scans", ca: ca.certificate, token: tokens["otto"], json: scan("L-3"))
            #expect(auditor.status == 403 && auditor.body.contains("problem:read-only-role"), "\(auditor.body)")
            let planner = try await curl("POST", "\(lan)/v1/scans", ca: ca.certificate, token: tokens["paula"], json: scan("L-4"))
            #expect(planner.status == 201, "\(planner.body)")

            // Reads on the LAN are open, as on loopback (docs/http-api.md).
            let status = try await curl("GET", "\(lan)/v1/status", ca: ca.certificate)
            #expect(status.status == 200)
            let body = try JSONSerialization.jsonObject(with: Data(status.body.utf8)) as? [String: Any]
            #expect(body?["lastSequence"] as? Int == 1, "one scan recorded so far: \(status.body)")
            // Loopback writes stay open for the terminal.
            let local = try await HTTP.request("POST", "\(agent.url)/v1/scans", json: scan("L-5"))
            #expect(local.status == 201)
            try await agent.child!.stop()

            // Configured so, loopback asks for tokens too.
            let strict = try AgentProcess(dir: dir, plantID: "ACME-LAN", hubURL: "http://127.0.0.1:9", token: "unused",
                                          extra: "users.file = \(dir)/users\nhttp.loopback_writes = token")
            try await strict.start()
            #expect(try await HTTP.request("POST", "\(strict.url)/v1/scans", json: scan("L-6")).status == 401)
            #expect(try await HTTP.request("POST", "\(strict.url)/v1/scans", token: tokens["paula"], json: scan("L-7")).status == 201)
            #expect(try await HTTP.request("GET", "\(strict.url)/v1/status").status == 200)
            try await strict.child!.stop()
        }
    }

    @Test func aLANListenerWithoutTLSIsRefusedAtStartUnlessAllowed() async throws {
        try await withTemporaryDirectory { dir in
            let agent = try AgentProcess(dir: dir, plantID: "ACME-LAN", hubURL: "http://127.0.0.1:9", token: "unused",
                                         extra: "http.lan.host = 127.0.0.1\nhttp.lan.port = 0")
            let refused = try await run("gantry-agent", ["run", "--config", agent.configPath])
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("http.lan.host") && refused.stderr.contains("http.lan.certificate"), "\(refused.stderr)")

            let tokens = try writePlantUsers([("paula", .planner)], to: "\(dir)/users")
            let allowed = try AgentProcess(dir: dir, plantID: "ACME-LAN", hubURL: "http://127.0.0.1:9", token: "unused",
                                           extra: "users.file = \(dir)/users\nhttp.lan.host = 127.0.0.1\nhttp.lan.port = 0\nhttp.lan.plain = allow")
            try await allowed.start()
            let line = try await allowed.child!.line(containing: "on the plant LAN at http://")
            let lan = "http://127.0.0.1:\(line.split(separator: ":").last!)"
            #expect(try await HTTP.request("POST", "\(lan)/v1/scans", json: #"{"data":"X","device":"d"}"#).status == 401)
            #expect(try await HTTP.request("POST", "\(lan)/v1/scans", token: tokens["paula"], json: #"{"data":"X","device":"d"}"#).status == 201)
            try await eventually("the plain LAN listener is warned about", timeout: .seconds(10)) {
                output(of: allowed.child!).contains("the LAN API listens with plain HTTP")
            }
            try await allowed.child!.stop()
        }
    }
}
