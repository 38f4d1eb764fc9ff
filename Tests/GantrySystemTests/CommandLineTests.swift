import Foundation
import GantryTestSupport
import Testing

/// Operator mistakes at the command line end with a message and a non-zero exit, never a crash.
@Suite struct CommandLineTests {
    @Test func anUnreadableConfigurationFileIsNamed() async throws {
        let result = try await run("gantry-agent", ["run", "--config", "/nonexistent/agent.conf"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("/nonexistent/agent.conf"), "\(result.stderr)")
    }

    @Test func aMisspeltSettingIsNamedWithItsLine() async throws {
        try await withTemporaryDirectory { dir in
            try "plant.id = ACME-BER\nhub.url = http://127.0.0.1:1\nhub.token = t\nsync.hartbeat = 1s\n"
                .write(toFile: "\(dir)/agent.conf", atomically: true, encoding: .utf8)
            let result = try await run("gantry-agent", ["run", "--config", "\(dir)/agent.conf"])
            #expect(result.status != 0)
            #expect(result.stderr.contains("agent.conf:4") && result.stderr.contains("sync.hartbeat"), "\(result.stderr)")
        }
    }

    @Test func aStoreOfAnotherPlantIsRefusedAtStart() async throws {
        try await withTemporaryDirectory { dir in
            let hub = "hub.url = http://127.0.0.1:1\nhub.token = t\nstore.path = \(dir)/agent.sqlite\nhttp.port = 0\n"
            try "plant.id = ACME-BER\n\(hub)".write(toFile: "\(dir)/ber.conf", atomically: true, encoding: .utf8)
            try "plant.id = ACME-HAM\n\(hub)".write(toFile: "\(dir)/ham.conf", atomically: true, encoding: .utf8)
            let first = try ChildProcess("gantry-agent", ["run", "--config", "\(dir)/ber.conf"])
            _ = try await first.listeningPort()
            let locked = try await run("gantry-agent", ["run", "--config", "\(dir)/ber.conf"])
            #expect(locked.status != 0 && locked.stderr.contains("another process"), "\(locked.stderr)")
            try await first.stop()
            let other = try await run("gantry-agent", ["run", "--config", "\(dir)/ham.conf"])
            #expect(other.status != 0 && other.stderr.contains("belongs to plant ACME-BER"), "\(other.stderr)")
        }
    }

    @Test func aHubWhoseDatabaseIsWrongSaysWhichAndWhatToDo() async throws {
        let server = try PostgresServer.shared
        let nothing = "postgres://postgres:x@127.0.0.1:\(try freePort())/gantry?sslmode=disable"
        let wrongPassword = "postgres://postgres:wrong@127.0.0.1:\(server.port)/postgres?sslmode=disable"
        let missing = "postgres://postgres:\(server.password)@127.0.0.1:\(server.port)/absent?sslmode=disable"
        for (url, message) in [
            (nothing, "cannot reach PostgreSQL"), (wrongPassword, "refused user postgres"),
            (missing, "createdb -O postgres absent"), ("mysql://h/db", "store.url: not a postgres:// URL"),
        ] {
            let serve = try await run("gantry-hub", ["serve"], environment: ["GANTRY_HUB_STORE_URL": url, "GANTRY_HUB_HTTP_PORT": "0"])
            #expect(serve.status == 1 && serve.stderr.contains(message), "\(url): \(serve.stderr)")
            #expect(!serve.stderr.contains("wrong"), "the password stays out of messages")
        }
    }

    @Test func enrolmentValidatesItsInput() async throws {
        try await withTemporaryDirectory { dir in
            let config = "\(dir)/hub.conf"
            try "store.path = \(dir)/hub.sqlite\n".write(toFile: config, atomically: true, encoding: .utf8)
            let badZone = try await run("gantry-hub", ["plants", "add", "--config", config, "--company", "ACME", "--code", "BER", "--time-zone", "Mars/Olympus"])
            #expect(badZone.status != 0 && badZone.stderr.contains("unknown time zone"), "\(badZone.stderr)")
            let badCode = try await run("gantry-hub", ["plants", "add", "--config", config, "--company", "AC ME", "--code", "BER", "--time-zone", "UTC"])
            #expect(badCode.status != 0 && badCode.stderr.contains("company code"), "\(badCode.stderr)")
            let ok = try await run("gantry-hub", ["plants", "add", "--config", config, "--company", "ACME", "--code", "BER", "--time-zone", "UTC"])
            #expect(ok.status == 0 && ok.stdout.contains("plant.id = ACME-BER") && ok.stdout.contains("hub.token = gpt_"))
            let again = try await run("gantry-hub", ["plants", "add", "--config", config, "--company", "ACME", "--code", "BER", "--time-zone", "UTC"])
            #expect(again.status != 0 && again.stderr.contains("already enrolled"), "\(again.stderr)")
            let listed = try await run("gantry-hub", ["plants", "list", "--config", config])
            #expect(listed.stdout.contains("ACME-BER"))
            let revoke = try await run("gantry-hub", ["tokens", "revoke", "--config", config, "--name", "nobody"])
            #expect(revoke.status != 0 && revoke.stderr.contains("nobody"), "\(revoke.stderr)")
        }
    }
}

@Suite struct GS1CommandTests {
    @Test func decodesToJSONAndExitsZero() async throws {
        let result = try await run("gantry-agent", ["gs1", "decode", "]C10109506000134352\u{1D}3103001250\u{1D}17261231\u{1D}10LOT"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["gtin"] as? String == "09506000134352" && object["expiry"] as? String == "2026-12-31")
        #expect((object["measures"] as? [[String: String]])?.first?["value"] == "1.250")
    }

    @Test func acceptsSubstituteSeparators() async throws {
        let piped = try await run("gantry-agent", ["gs1", "decode", "--separator", "|", "0109506000134352|10A|21B"])
        #expect(piped.status == 0 && piped.stdout.contains(#""serial":"B""#))
    }

    @Test func invalidDataPrintsAnErrorAndExitsOne() async throws {
        let result = try await run("gantry-agent", ["gs1", "decode", "0109506000134353"])
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect((object["error"] as? String)?.contains("check digit is 3, expected 2") == true)
        #expect(object["position"] as? Int == 16)
    }
}
