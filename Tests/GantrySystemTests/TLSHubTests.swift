import Foundation
import GantryTestSupport
import Testing

/// The hub serving HTTPS with a test CA made by `openssl`: agents sync over it, mutual TLS, protocol versions,
/// certificate reload on SIGHUP, and the warning for plain HTTP beyond loopback.
@Suite(.serialized) struct TLSHubTests {
    @Test func anAgentSyncsOverHTTPSWithTheCAFileAndEveryEventArrivesOnce() async throws {
        try await withTemporaryDirectory { dir in
            let ca = try await TestCA(dir: dir)
            let server = try await ca.issue("hub-one", serial: 1001)
            let hub = try await HubProcess(dir: dir)
            let token = try await hub.enrol("TLS")
            let (child, port) = try await startHub(hub, settings: "tls.certificate = \(server.certificate)\ntls.key = \(server.key)")
            let hubURL = "https://127.0.0.1:\(port)"
            let agent = try AgentProcess(dir: dir, plantID: "ACME-TLS", hubURL: hubURL, token: token, extra: "hub.ca_file = \(ca.certificate)")
            try await agent.start()
            for index in 0..<30 { try await postScan(agent, data: "TLS-\(index)") }

            try await eventually("the agent's 30 scans are acknowledged over HTTPS") {
                try await agent.status()["acknowledgedSequence"] as? Int == 30
            }
            let answer = try await curl("GET", "\(hubURL)/v1/events?plant=ACME-TLS&after=0&limit=1000", ca: ca.certificate, token: hub.adminToken)
            #expect(answer.status == 200, "\(answer.log.suffix(1500))")
            let events = try #require(try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any])["events"] as? [[String: Any]]
            #expect(events?.compactMap { $0["sequence"] as? Int } == Array(1...30), "each event once, in order")
            #expect(events?.compactMap { ($0["payload"] as? [String: Any])?["data"] as? String } == (0..<30).map { "TLS-\($0)" })
            // Plain HTTP on the TLS port gets no answer.
            let plain = try await runToFiles("/usr/bin/curl", ["-s", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/healthz"])
            #expect(plain.stdout == "000" && plain.status != 0, "plain HTTP gets no answer: \(plain)")
            try await agent.child!.stop()
            #expect(try await child.stop() == 0)
        }
    }

    @Test func aHubWithAClientCARefusesAnAgentWithoutCertificateAndAcceptsOneWith() async throws {
        try await withTemporaryDirectory { dir in
            let ca = try await TestCA(dir: dir)
            let server = try await ca.issue("hub-one", serial: 1001)
            let clients = try await TestCA(dir: dir, name: "plants")
            let plant = try await clients.issue("ACME-MTLS", serial: 2001, client: true)
            let hub = try await HubProcess(dir: dir)
            let token = try await hub.enrol("MTLS")
            let (child, port) = try await startHub(hub, settings: """
                tls.certificate = \(server.certificate)
                tls.key = \(server.key)
                tls.client_ca = \(clients.certificate)
                """)
            let hubURL = "https://127.0.0.1:\(port)"

            let bare = try await curl("GET", "\(hubURL)/healthz", ca: ca.certificate)
            #expect(bare.status == 0 && bare.exit != 0, "no client certificate, no answer: \(bare.log)")
            let stranger = try await ca.issue("stranger", serial: 3001, client: true)  // signed, but by another CA
            let foreign = try await curl("GET", "\(hubURL)/healthz", ca: ca.certificate, extra: ["--cert", stranger.certificate, "--key", stranger.key])
            #expect(foreign.status == 0 && foreign.exit != 0, "a certificate the client CA did not sign is refused: \(foreign.log)")

            let without = try AgentProcess(dir: dir, plantID: "ACME-MTLS", hubURL: hubURL, token: token, extra: "hub.ca_file = \(ca.certificate)")
            try await without.start()
            for index in 0..<5 { try await postScan(without, data: "M-\(index)") }
            try await eventually("the agent reports the refused handshake as a TLS failure") {
                let hubStatus = try await without.status()["hub"] as? [String: Any]
                return hubStatus?["reachable"] as? Bool == false && (hubStatus?["lastError"] as? String ?? "").contains("TLS with the hub failed")
            }
            #expect(try await without.status()["acknowledgedSequence"] as? Int == 0)
            try await without.child!.stop()

            let with = try AgentProcess(dir: dir, plantID: "ACME-MTLS", hubURL: hubURL, token: token, extra: """
                hub.ca_file = \(ca.certificate)
                hub.client_certificate = \(plant.certificate)
                hub.client_key = \(plant.key)
                """)
            try await with.start()
            try await eventually("with its certificate the agent's 5 scans arrive") {
                try await with.status()["acknowledgedSequence"] as? Int == 5
            }
            // The certificate is a second factor: without the plant token the hub still says 401.
            let noToken = try await curl("POST", "\(hubURL)/v1/sync/batches", ca: ca.certificate, json: "{}",
                                         extra: ["--cert", plant.certificate, "--key", plant.key])
            #expect(noToken.status == 401, "\(noToken.body)")
            try await with.child!.stop()
            try await child.stop()
        }
    }

    @Test func tls11IsRefusedAndTLS12Accepted() async throws {
        try await withTemporaryDirectory { dir in
            let ca = try await TestCA(dir: dir)
            let server = try await ca.issue("hub-one", serial: 1001)
            let hub = try await HubProcess(dir: dir)
            // Given as flags of `serve` this time, instead of configuration keys.
            let child = try ChildProcess("gantry-hub", [
                "serve", "--config", hub.configPath, "--tls-certificate", server.certificate, "--tls-key", server.key,
            ])
            let port = Int(try await child.line(containing: "listening on https://").split(separator: ":").last!)!
            func handshake(_ version: String) async throws -> (status: Int32, output: String) {
                // SECLEVEL=0 lets this client offer TLS 1.1 at all: the refusal must come from the hub.
                let client = try await runToFiles("/usr/bin/openssl", [
                    "s_client", "-connect", "127.0.0.1:\(port)", version, "-cipher", "DEFAULT@SECLEVEL=0", "-CAfile", ca.certificate,
                ])
                return (client.status, client.stdout + client.stderr)
            }
            let old = try await handshake("-tls1_1")
            #expect(old.status != 0, "TLS 1.1 must be refused: \(old.output)")
            #expect(old.output.contains("alert protocol version"), "refused by the hub, not by this client: \(old.output)")
            let current = try await handshake("-tls1_2")
            #expect(current.status == 0, "\(current.output)")
            #expect(current.output.contains("TLSv1.2"))
            #expect(current.output.contains("Verify return code: 0 (ok)"))
            try await child.stop()
        }
    }

    @Test func sighupReloadsTheCertificateForNewConnectionsWhileAnOpenOneKeepsWorking() async throws {
        try await withTemporaryDirectory { dir in
            let ca = try await TestCA(dir: dir)
            let first = try await ca.issue("hub-one", serial: 1001)
            let second = try await ca.issue("hub-two", serial: 1002)
            let live = (certificate: "\(dir)/live.pem", key: "\(dir)/live.key")
            try FileManager.default.copyItem(atPath: first.certificate, toPath: live.certificate)
            try FileManager.default.copyItem(atPath: first.key, toPath: live.key)
            let hub = try await HubProcess(dir: dir)
            let (child, port) = try await startHub(hub, settings: "tls.certificate = \(live.certificate)\ntls.key = \(live.key)")
            let url = "https://127.0.0.1:\(port)/healthz"

            // A keep-alive connection opened before the reload, asked again after it.
            let script = """
                import http.client, ssl, sys
                connection = http.client.HTTPSConnection("127.0.0.1", \(port), context=ssl.create_default_context(cafile="\(ca.certificate)"))
                def ask(label):
                    connection.request("GET", "/healthz")
                    answer = connection.getresponse()
                    answer.read()
                    subject = dict(item[0] for item in connection.sock.getpeercert()["subject"])["commonName"]
                    print(label, answer.status, subject, connection.sock.getsockname()[1], flush=True)
                ask("before")
                sys.stdin.readline()
                ask("after")
                """
            let python = try ChildProcess("/usr/bin/env", ["python3", "-c", script])
            let before = try await python.line(containing: "before ")
            #expect(before.hasPrefix("before 200 hub-one "))
            #expect(try await curl("GET", url, ca: ca.certificate).log.contains("CN=hub-one"))

            try FileManager.default.removeItem(atPath: live.certificate)
            try FileManager.default.removeItem(atPath: live.key)
            try FileManager.default.copyItem(atPath: second.certificate, toPath: live.certificate)
            try FileManager.default.copyItem(atPath: second.key, toPath: live.key)
            kill(child.process.processIdentifier, SIGHUP)
            try await eventually("a new connection sees the new certificate", timeout: .seconds(20)) {
                try await curl("GET", url, ca: ca.certificate).log.contains("CN=hub-two")
            }
            python.send("go\n")
            let after = try await python.line(containing: "after ")
            let port1 = before.split(separator: " ").last, port2 = after.split(separator: " ").last
            #expect(after.hasPrefix("after 200 hub-one "), "the open connection keeps its certificate: \(after)")
            #expect(port1 == port2, "and is the same connection, not a new one")

            // A bad file at the next reload is logged; the hub keeps serving with the certificate it has.
            try "not a certificate\n".write(toFile: live.certificate, atomically: true, encoding: .utf8)
            kill(child.process.processIdentifier, SIGHUP)
            try await eventually("the failed reload is logged", timeout: .seconds(20)) {
                output(of: child).contains("TLS certificate not reloaded")
            }
            #expect(output(of: child).contains("no readable PEM certificate"), "the log says what is wrong with which file")
            let still = try await curl("GET", url, ca: ca.certificate)
            #expect(still.status == 200 && still.log.contains("CN=hub-two"))
            #expect(child.process.isRunning)
            _ = try await python.exit(timeout: .seconds(10))
            #expect(try await child.stop() == 0)
        }
    }

    @Test func plainHTTPBeyondLoopbackIsWarnedAboutAtStart() async throws {
        try await withTemporaryDirectory { dir in
            let hub = try await HubProcess(dir: dir)
            let (open, _) = try await startHub(hub, settings: "", environment: ["GANTRY_HUB_HTTP_HOST": "0.0.0.0"])
            try await eventually("the warning names the address and how to configure TLS", timeout: .seconds(10)) {
                output(of: open).contains("plain HTTP on 0.0.0.0:")
            }
            #expect(output(of: open).contains("set tls.certificate and tls.key"))
            try await open.stop()

            let (loopback, _) = try await startHub(hub, settings: "")
            try await Task.sleep(for: .milliseconds(300))
            #expect(!output(of: loopback).contains("plain HTTP on"), "no warning on loopback")
            try await loopback.stop()
        }
    }
}
