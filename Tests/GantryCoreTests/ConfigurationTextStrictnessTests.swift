import GantryCore
import Testing

/// Line endings, comments, keys given twice and stray environment variables (docs/operations.md, Configuration).
@Suite struct ConfigurationTextStrictnessTests {
    let keys: Set<String> = ["plant.id", "hub.url", "hub.token", "http.port", "store.path"]

    func parse(_ text: String, environment: [String: String] = [:]) throws -> ConfigurationText {
        try ConfigurationText(text: text, source: "agent.conf", environment: environment, prefix: "GANTRY_AGENT_", knownKeys: keys)
    }

    func error(_ text: String, environment: [String: String] = [:]) -> ConfigurationError? {
        do {
            _ = try parse(text, environment: environment)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test(arguments: ["\r\n", "\r", "\n"])
    func everyLineEndingSeparatesLines(ending: String) throws {
        let text = ["# plant", "plant.id = ACME-BER", "store.path = /srv/h3.sqlite", "", "http.port = 8081", ""]
            .joined(separator: ending)
        let settings = try parse(text)
        #expect(settings.values == ["plant.id": "ACME-BER", "store.path": "/srv/h3.sqlite", "http.port": "8081"])
        #expect(settings.origins["http.port"] == "agent.conf:5")
    }

    @Test func aByteOrderMarkIsNotPartOfTheFirstKey() throws {
        #expect(try parse("\u{FEFF}plant.id = ACME-BER\r\n").values == ["plant.id": "ACME-BER"])
    }

    @Test func aKeyGivenTwiceNamesBothLines() {
        #expect(error("plant.id = A\r\nhttp.port = 1\r\nplant.id = B\r\n") == ConfigurationError(
            key: "plant.id", origin: "agent.conf:3", reason: "set again (first set at agent.conf:1); keep one line"))
    }

    @Test func anEnvironmentOverrideIsNotADuplicate() throws {
        let settings = try parse("http.port = 1\n", environment: ["GANTRY_AGENT_HTTP_PORT": "2"])
        #expect(settings.values["http.port"] == "2")
    }

    @Test func anUnknownVariableUnderTheProgramsPrefixIsRefused() {
        let refused = error("", environment: ["GANTRY_AGENT_HTTP_PROT": "9000"])
        #expect(refused?.origin == "GANTRY_AGENT_HTTP_PROT")
        #expect(refused?.key == nil)
        #expect(refused?.description.contains("unknown environment variable") == true)
    }

    @Test func variablesOfOtherProgramsAndTestsAreLeftAlone() throws {
        let settings = try parse("", environment: [
            "GANTRY_HUB_HTTP_PORT": "8480", "GANTRY_HUB_NOT_A_KEY": "x", "GANTRY_BIN_DIR": "/tmp/bin",
            "GANTRY_USER_TOKEN": "gpu_1", "GANTRY_AGENT_PLANT_ID": "ACME-BER",
        ])
        #expect(settings.values == ["plant.id": "ACME-BER"])
    }

    @Test(arguments: [
        ("http.port = 8081 # the local API", "8081"),
        ("http.port = 8081\t# after a tab", "8081"),
        ("hub.token = ab#cd", "ab#cd"),
        ("hub.url = http://hub.example/#frag", "http://hub.example/#frag"),
        ("hub.url = http://hub.example/#frag   # where the hub is", "http://hub.example/#frag"),
        ("hub.token = \"ab #cd\" # quoted: the # is the value's", "ab #cd"),
        ("hub.token = \" spaced \"", " spaced "),
        ("hub.token = \"#x\"", "#x"),
        ("hub.token = #nothing", ""),
        ("hub.token = \"\"", ""),
    ])
    func commentsFollowWhitespaceAndQuotesKeepEverything(line: String, value: String) throws {
        let settings = try parse(line + "\n")
        #expect(settings.values.count == 1)
        #expect(settings.values.first?.value == value)
    }

    @Test(arguments: ["hub.token = \"ab\" cd", "hub.token = \"ab", "= value"])
    func malformedQuotesAndMissingKeysNameTheLine(line: String) {
        #expect(error("plant.id = X\n" + line)?.origin == "agent.conf:2")
    }
}

@Suite struct OperatorFileLineEndingTests {
    @Test func aReasonsFileWithWindowsLineEndingsKeepsEveryReason() throws {
        let reasons = try DowntimeReasons(
            csv: "code,class,failure,description\r\nJAM,availability,yes,Material jam\r\nSLOW,performance,no,Reduced speed\r\n",
            source: "reasons.csv")
        #expect(reasons.reasons.count == 2)
        #expect(reasons["JAM"] == DowntimeReasons.Reason(code: "JAM", lossClass: .availability, failure: true, description: "Material jam"))
        #expect(reasons["SLOW"]?.description == "Reduced speed")
    }

    @Test func aBadLineInAWindowsReasonsFileIsNamedByItsNumber() {
        #expect(throws: ConfigurationError(key: nil, origin: "reasons.csv:3", reason: "failure must be yes or no")) {
            try DowntimeReasons(csv: "code,class,failure\r\nJAM,availability,yes\r\nQC,quality,maybe\r\n", source: "reasons.csv")
        }
    }

    @Test func linesEndAtEveryKindOfLineEnding() {
        #expect(TextLines.split("a\r\nb\rc\nd") == ["a", "b", "c", "d"])
        #expect(TextLines.split("\u{FEFF}a\r\n") == ["a", ""])
    }
}
