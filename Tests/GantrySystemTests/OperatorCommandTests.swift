import Foundation
import GantryCore
import GantryHub
import GantryTestSupport
import Testing

/// What an operator meets at the command line of both programs: the version, enrolment that prints a usable
/// agent configuration or refuses, messages that name the file or option and what to do, and an audit trail
/// that names the operating-system account, not what the environment claims.
@Suite struct OperatorCommandTests {
    func hubConfiguration(_ dir: String, _ extra: String = "") throws -> String {
        let path = "\(dir)/hub.conf"
        try "store.path = \(dir)/hub.sqlite\n\(extra)".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func enrol(_ config: String, _ code: String, _ extra: [String] = [], environment: [String: String] = [:]) async throws
        -> (status: Int32, stdout: String, stderr: String) {
        try await run("gantry-hub", ["plants", "add", "--config", config, "--company", "ACME", "--code", code, "--time-zone", "UTC"] + extra,
                      environment: environment)
    }

    @Test func bothExecutablesPrintTheSameVersion() async throws {
        #expect(!GantryVersion.current.isEmpty)
        for executable in ["gantry-agent", "gantry-hub"] {
            let result = try await run(executable, ["--version"])
            #expect(result.status == 0 && result.stdout == "\(GantryVersion.current)\n", "\(executable): \(result.stdout)\(result.stderr)")
        }
    }

    @Test func enrolmentPrintsAnAbsoluteStorePath() async throws {
        try await withTemporaryDirectory { dir in
            let config = try hubConfiguration(dir)
            let byDefault = try await enrol(config, "BER")
            #expect(byDefault.status == 0, "\(byDefault.stderr)")
            #expect(byDefault.stdout.contains("\nstore.path = /var/lib/gantry/ACME-BER.sqlite"), "\(byDefault.stdout)")
            // A relative --store-dir is taken from the folder the command runs in, and printed absolute.
            try FileManager.default.createDirectory(atPath: "\(dir)/plant", withIntermediateDirectories: true)
            let relative = try await run("/usr/bin/bash", ["-c", "cd \(dir)/plant && \(binDirectory)/gantry-hub plants add --config \(config) --company ACME --code HAM --time-zone UTC --store-dir ./stores/../data"])
            let folder = URL(fileURLWithPath: "\(dir)/plant").resolvingSymlinksInPath().path
            #expect(relative.status == 0, "\(relative.stderr)")
            #expect(relative.stdout.contains("\nstore.path = \(folder)/data/ACME-HAM.sqlite")
                || relative.stdout.contains("\nstore.path = \(dir)/plant/data/ACME-HAM.sqlite"), "\(relative.stdout)")
        }
    }

    @Test func enrolmentIsRefusedWithoutAURLAgentsCanReach() async throws {
        try await withTemporaryDirectory { dir in
            for (extra, says) in [
                ("http.host = 0.0.0.0\n", "http.host = 0.0.0.0 listens on every address"),
                ("http.host = ::\n", "http.host = :: listens on every address"),
                ("http.port = 0\n", "http.port = 0 picks a free port only when the hub starts"),
                ("http.host = 0.0.0.0\nhttp.public_url = http://0.0.0.0:8480\n", "is not a URL agents can reach"),
                ("http.public_url = hub.example.com\n", "is not a URL agents can reach"),
                ("http.public_url = https://hub.example.com:0\n", "is not a URL agents can reach"),
            ] {
                let config = try hubConfiguration(dir, extra)
                let refused = try await enrol(config, "BER")
                #expect(refused.status == 1 && refused.stderr.contains("http.public_url") && refused.stderr.contains(says),
                        "\(extra): \(refused.stderr)")
                #expect(!refused.stdout.contains("hub.token"))
                let listed = try await run("gantry-hub", ["plants", "list", "--config", config])
                #expect(listed.status == 0 && listed.stdout.split(separator: "\n").count == 1, "nothing enrolled, only headers: \(listed.stdout)")
            }
            let config = try hubConfiguration(dir, "http.host = 0.0.0.0\nhttp.public_url = https://hub.example.com\n")
            let enrolled = try await enrol(config, "BER")
            #expect(enrolled.status == 0 && enrolled.stdout.contains("\nhub.url = https://hub.example.com\n"), "\(enrolled.stdout)\(enrolled.stderr)")
            // Rotating prints the configuration too, and is refused the same way (the old token keeps working).
            let rotate = try await run("gantry-hub", ["plants", "rotate-token", "--config", config, "--plant", "ACME-BER"],
                                       environment: ["GANTRY_HUB_HTTP_PUBLIC_URL": "http://[::]:8480"])
            #expect(rotate.status == 1 && rotate.stderr.contains("http.public_url"), "\(rotate.stderr)")
        }
    }

    @Test func enrolmentOverHTTPIsRefusedTheSameWay() async throws {
        try await withTemporaryDirectory { dir in
            let config = try hubConfiguration(dir, "http.host = 0.0.0.0\nhttp.port = 0\n")
            let admin = try await run("gantry-hub", ["tokens", "add", "--config", config, "--name", "ops", "--companies", "*"])
            let hub = try ChildProcess("gantry-hub", ["serve", "--config", config])
            let port = try await hub.listeningPort()
            let answer = try await HTTP.request(
                "POST", "http://127.0.0.1:\(port)/v1/plants", token: admin.stdout.trimmingCharacters(in: .whitespacesAndNewlines),
                json: #"{"company":"ACME","code":"BER","timeZone":"UTC"}"#)
            #expect(try answer.status == 409 && answer.json()["type"] as? String == "urn:gantry:problem:hub-configuration", "\(answer.text)")
            #expect(answer.text.contains("http.public_url"))
            try await hub.stop()
        }
    }

    @Test func theFirstPlantOfACompanyCanCreateItsMasterRecordAudited() async throws {
        try await withTemporaryDirectory { dir in
            let config = try hubConfiguration(dir)
            let bare = try await enrol(config, "BER")
            #expect(bare.status == 0 && bare.stderr.contains("company ACME has no master record yet"), "\(bare.stderr)")
            let withCompany = try await enrol(config, "HAM", ["--currency", "EUR", "--company-name", "Acme GmbH"])
            #expect(withCompany.status == 0 && withCompany.stderr.isEmpty, "\(withCompany.stderr)")
            let badCurrency = try await run("gantry-hub", [
                "plants", "add", "--config", config, "--company", "OTHER", "--code", "LON", "--time-zone", "UTC", "--currency", "euro",
            ])
            #expect(badCurrency.status == 1 && badCurrency.stderr.contains("currency"), "\(badCurrency.stderr)")
            let items = "\(dir)/items.csv"
            try "key,company,description,uom,tracking\nBOLT,ACME,Bolt,EA,none\n".write(toFile: items, atomically: true, encoding: .utf8)
            let imported = try await run("gantry-hub", ["masters", "import", "--config", config, "--kind", "items", items])
            #expect(imported.status == 0 && imported.stdout.contains("version 2: 1 changed"), "\(imported.stdout)\(imported.stderr)")

            var configuration = HubConfiguration()
            configuration.storePath = "\(dir)/hub.sqlite"
            let store = try await openHubStore(configuration)
            let company = try await store.masters(kind: .company, key: "ACME", company: nil, scope: .all)
            #expect(company.first?.data == .object(["legalName": .string("Acme GmbH"), "currency": .string("EUR")]))
            #expect(try await store.masters(kind: .company, key: "OTHER", company: nil, scope: .all).isEmpty)
            #expect(try await store.plants().map(\.plantID) == ["ACME-BER", "ACME-HAM"], "a refused company enrols no plant")
            let trail = try await store.auditEntries(after: 0, limit: 100, scope: .all).map { "\($0.action) \($0.subject)" }
            #expect(trail == [
                "plant.enrolled plant ACME-BER", "master.created company ACME/ACME", "plant.enrolled plant ACME-HAM",
                "master.created item ACME/BOLT",
            ], "\(trail)")
        }
    }

    @Test func theAuditTrailNamesTheOperatingSystemAccountNotTheEnvironment() async throws {
        try await withTemporaryDirectory { dir in
            let config = try hubConfiguration(dir)
            let forged = ["USER": "mallory", "SUDO_USER": "mallory", "LOGNAME": "mallory"]
            let added = try await run("gantry-hub", ["tokens", "add", "--config", config, "--name", "ops", "--companies", "*"], environment: forged)
            #expect(added.status == 0, "\(added.stderr)")
            let id = try await run("/usr/bin/id", ["-un"])
            let account = id.status == 0 ? id.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : "uid \(geteuid())"
            var configuration = HubConfiguration()
            configuration.storePath = "\(dir)/hub.sqlite"
            let store = try await openHubStore(configuration)
            let actors = try await store.auditEntries(after: 0, limit: 10, scope: .all).map(\.actor)
            #expect(actors == ["local:\(account)"] && account != "mallory", "\(actors)")
        }
    }

    @Test func aFileThatCannotBeReadIsNamedWithTheReason() async throws {
        try await withTemporaryDirectory { dir in
            let config = try hubConfiguration(dir)
            try Data([0x6B, 0x65, 0x79, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: "\(dir)/latin.csv"))
            for (file, says) in [
                ("\(dir)/missing.csv", "the CSV file \(dir)/missing.csv does not exist"),
                (dir, "the CSV file \(dir) is a folder"),
                ("\(dir)/latin.csv", "the CSV file \(dir)/latin.csv is not UTF-8 text"),
            ] {
                let result = try await run("gantry-hub", ["masters", "import", "--config", config, "--kind", "items", file])
                #expect(result.status == 1 && result.stderr.contains(says), "\(file): \(result.stderr)")
            }
            let apply = try await run("gantry-hub", ["masters", "apply", "--config", config, "\(dir)/changes.json"])
            #expect(apply.status == 1 && apply.stderr.contains("the change set \(dir)/changes.json does not exist"), "\(apply.stderr)")
            let users = try await run("gantry-agent", ["users", "add", "alice", "--role", "buyer", "--file", dir])
            #expect(users.status == 1 && users.stderr.contains("the users file \(dir) is a folder"), "\(users.stderr)")
            let scanner = try await run("gantry-agent", ["scanner", "--input", "\(dir)/ttyUSB9"])
            #expect(scanner.status == 1 && scanner.stderr.contains("the scanner input \(dir)/ttyUSB9 does not exist"), "\(scanner.stderr)")
        }
    }

    @Test func aValueOutsideAnOptionsChoicesListsThemAndExitsOne() async throws {
        try await withTemporaryDirectory { dir in
            let config = try hubConfiguration(dir)
            let roles = "administrator, master-data-steward, buyer, planner, controller, auditor, monitor"
            for (arguments, says) in [
                (["tokens", "add", "--config", config, "--name", "x", "--companies", "*", "--role", "boss"], "--role \"boss\" is not one of: \(roles)"),
                (["tokens", "add", "--config", config, "--name", "x", "--companies", "*", "--role", "plant-agent"], "--role \"plant-agent\" is not one of: \(roles)"),
                (["tokens", "add", "--config", config, "--name", "x", "--companies", "*", "--kind", "robot"], "--kind \"robot\" is not one of: user, service"),
                (["tokens", "add", "--config", config, "--name", "x", "--companies", "*", "--expires-in-days", "0"], "--expires-in-days must be 1 or more, got 0"),
                (["tokens", "add", "--config", config, "--name", "x"], "--companies is required: '*' for every company"),
                (["masters", "export", "--config", config, "--kind", "widgets"], "--kind \"widgets\" is not one of: items, supplier-items, suppliers"),
                (["masters", "import", "--config", config, "--kind", "widgets", "x.csv"], "--kind \"widgets\" is not one of: items, supplier-items, suppliers"),
                (["masters", "list", "--config", config, "--kind", "widget"], "--kind \"widget\" is not one of: company, plant, "),
            ] {
                let result = try await run("gantry-hub", arguments)
                #expect(result.status == 1 && result.stderr.contains(says), "\(arguments): \(result.stderr)")
            }
            let tokens = try await run("gantry-hub", ["tokens", "list", "--config", config])
            #expect(tokens.stdout.split(separator: "\n").count == 1, "no principal was made, only headers: \(tokens.stdout)")
            let users = try await run("gantry-agent", ["users", "add", "bob", "--role", "boss", "--file", "\(dir)/users"])
            #expect(users.status == 1 && users.stderr.contains("--role \"boss\" is not one of: \(roles)"), "\(users.stderr)")
            #expect(!FileManager.default.fileExists(atPath: "\(dir)/users"))
            // Checked before the agent is asked (none listens on port 1 here).
            let agent = ["--agent", "http://127.0.0.1:1", "--token", "t"]
            for (arguments, says) in [
                (["approvals", "list", "--state", "open"] + agent, "--state \"open\" is not one of: pending, approved, rejected"),
                (["approvals", "decide", "APR-1", "--verdict", "yes"] + agent, "--verdict \"yes\" is not one of: approved, rejected"),
                (["approvals", "request", "--subject", "rush", "--order", "PO-1", "--amount", "1", "--reason", "r"] + agent,
                 "--subject \"rush\" is not one of: expedite, exceptional-buy, purchase-order"),
            ] {
                let result = try await run("gantry-agent", arguments)
                #expect(result.status == 1 && result.stderr.contains(says), "\(arguments): \(result.stderr)")
            }
        }
    }
}
