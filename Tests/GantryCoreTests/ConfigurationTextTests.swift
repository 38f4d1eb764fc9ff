import GantryCore
import Testing

@Suite struct ConfigurationTextTests {
    let keys: Set<String> = ["plant.id", "sync.heartbeat", "sync.batch_bytes", "http.port", "store.durability"]

    func parse(_ text: String, environment: [String: String] = [:]) throws -> ConfigurationText {
        try ConfigurationText(text: text, source: "agent.conf", environment: environment, prefix: "GANTRY_AGENT_", knownKeys: keys)
    }

    @Test func readsKeysCommentsAndQuotes() throws {
        let settings = try parse("""
            # a comment
              plant.id = "ACME-BER"

            http.port=8081
            """)
        #expect(settings.string("plant.id", default: "") == "ACME-BER")
        #expect(try settings.integer("http.port", default: 1, in: 0...65535) == 8081)
        #expect(try settings.integer("sync.batch_events_absent", default: 7, in: 0...9) == 7)
    }

    @Test func environmentOverridesTheFile() throws {
        let settings = try parse("http.port = 1\n", environment: ["GANTRY_AGENT_HTTP_PORT": "2", "GANTRY_HUB_HTTP_PORT": "3"])
        #expect(try settings.integer("http.port", default: 0, in: 0...65535) == 2)
        #expect(settings.origins["http.port"] == "GANTRY_AGENT_HTTP_PORT")
    }

    @Test func unknownKeysAreRefusedWithTheirLine() {
        #expect(throws: ConfigurationError(key: "sync.hartbeat", origin: "agent.conf:2", reason: "unknown setting")) {
            try parse("plant.id = X\nsync.hartbeat = 1s\n")
        }
    }

    @Test func linesWithoutEqualsAreRefused() {
        #expect(throws: ConfigurationError.self) { try parse("plant.id X\n") }
    }

    @Test(arguments: [("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("15m", .seconds(900)),
                      ("24h", .seconds(86_400)), ("7d", .seconds(604_800)), ("1.5s", .milliseconds(1500))])
    func durations(text: String, expected: Duration) throws {
        #expect(try parse("sync.heartbeat = \(text)").duration("sync.heartbeat", default: .zero) == expected)
    }

    @Test(arguments: ["30", "-1s", "s", "0s", "fast", "1e300s", "200000d", "nans"])
    func badDurationsNameTheKey(text: String) {
        #expect {
            try parse("sync.heartbeat = \(text)").duration("sync.heartbeat", default: .zero)
        } throws: { error in
            (error as? ConfigurationError)?.key == "sync.heartbeat" && (error as? ConfigurationError)?.origin == "agent.conf:1"
        }
    }

    @Test(arguments: [("65536", 65536), ("512KiB", 524_288), ("16MiB", 16_777_216), ("2GiB", 2_147_483_648), ("10B", 10)])
    func sizes(text: String, expected: Int) throws {
        #expect(try parse("sync.batch_bytes = \(text)").bytes("sync.batch_bytes", default: 0) == expected)
    }

    @Test func portsOutOfRangeAreRefused() {
        #expect(throws: ConfigurationError.self) { try parse("http.port = 70000").integer("http.port", default: 0, in: 0...65535) }
    }

    @Test func choicesAreChecked() throws {
        #expect(throws: ConfigurationError.self) {
            try parse("store.durability = sometimes").choice("store.durability", default: "power-loss", among: ["power-loss"])
        }
        #expect(try parse("").choice("store.durability", default: "power-loss", among: ["power-loss"]) == "power-loss")
    }

    @Test func requiredSettingsMustBePresent() {
        #expect(throws: ConfigurationError.self) { try parse("").required("plant.id") }
        #expect(throws: ConfigurationError.self) { try parse("plant.id =").required("plant.id") }
    }
}
