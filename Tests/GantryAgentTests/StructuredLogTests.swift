import Foundation
@testable import GantryAgent
import GantryCore
import Hummingbird
import Logging
import Synchronization
import Testing

/// The log handler both binaries share (Core/Web/Logging): every record one line, hostile values escaped.
@Suite struct StructuredLogTests {
    /// 2026-03-01T08:15:02.125Z.
    static let time = Date(timeIntervalSince1970: 1_772_352_902.125)

    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    static func logger(_ format: LogFormat, into lines: Lines, level: Logger.Level = .info) -> Logger {
        Logger(label: "gantry-test") { label in
            StructuredLogHandler(label: label, format: format, level: level, now: { time }, write: { lines.append($0) })
        }
    }

    static let hostile: [String] = [
        "plain", "two words", "say \"hi\"", "a=b", "back\\slash", "line\nbreak", "carriage\rreturn", "tab\there", "bell\u{07}",
        "", "ünïcödé ✓", "{\"json\": [1, 2]}", "trailing space ", "key=value other=thing\nlevel=critical message=forged",
    ]

    /// A refusal for a full disk is not a failure of the request: the disk watch logs the level, not every scan.
    @Test func aFullDiskIsNotLoggedOncePerRefusedRequestButAFailureIs() throws {
        let lines = Lines()
        let logger = Self.logger(.logfmt, into: lines)
        let request = Request(
            head: HTTPRequest(method: .post, scheme: "http", authority: "agent", path: "/v1/scans"), body: RequestBody(buffer: ByteBuffer()))
        let refused = try ProblemDetails.answer(InsufficientStorage(free: 1 << 20, required: 64 << 20), to: request, server: "the agent", logger: logger)
        #expect(refused.status.code == 507)
        #expect(lines.all.isEmpty)
        struct Broken: Error {}
        let failed = try ProblemDetails.answer(Broken(), to: request, server: "the agent", logger: logger)
        #expect(failed.status.code == 500)
        #expect(lines.all.count == 1 && lines.all.first?.contains("request failed") == true)
    }

    @Test func logfmtWritesTheFixedFieldsThenSortedMetadata() {
        let lines = Lines()
        Self.logger(.logfmt, into: lines).info("catch-up finished", metadata: ["events": "42", "duration_s": "1.5"])
        #expect(lines.all == [
            "time=2026-03-01T08:15:02.125Z level=info logger=gantry-test message=\"catch-up finished\" duration_s=1.5 events=42\n",
        ])
    }

    @Test(arguments: hostile)
    func logfmtQuotesAndEscapesWhatWouldBreakTheLine(_ value: String) throws {
        let lines = Lines()
        Self.logger(.logfmt, into: lines).info("m", metadata: ["value": .string(value)])
        let line = try #require(lines.all.first)
        #expect(lines.all.count == 1)
        #expect(line.hasSuffix("\n") && !line.dropLast().contains("\n") && !line.contains("\r"), "one line: \(line)")
        let field = try #require(line.dropLast().range(of: " value=")).upperBound
        let written = String(line.dropLast()[field...])
        #expect(Self.unquoteLogfmt(written) == value, "\(written) reads back as the value")
        let needsQuotes = value.isEmpty || value.contains { " =\"\\\n\r\t\u{07}".contains($0) }
        #expect(written.hasPrefix("\"") == needsQuotes, "\(written)")
    }

    @Test(arguments: hostile)
    func jsonLinesParseBackToTheSameValues(_ value: String) throws {
        let lines = Lines()
        let logger = Self.logger(.json, into: lines)
        logger.warning("hub \"unreachable\"\nforged", metadata: [
            "reason": .string(value), "nested": ["inner": .string(value), "list": [.string(value), "2"]],
        ])
        let line = try #require(lines.all.first)
        #expect(line.hasSuffix("\n") && !line.dropLast().contains("\n"), "one line: \(line)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["time"] as? String == "2026-03-01T08:15:02.125Z")
        #expect(object["level"] as? String == "warning")
        #expect(object["logger"] as? String == "gantry-test")
        #expect(object["message"] as? String == "hub \"unreachable\"\nforged")
        #expect(object["reason"] as? String == value)
        let nested = try #require(object["nested"] as? [String: Any])
        #expect(nested["inner"] as? String == value)
        #expect(nested["list"] as? [String] == [value, "2"])
    }

    @Test func metadataCannotOverwriteTheFixedFields() throws {
        let lines = Lines()
        var logger = Self.logger(.json, into: lines)
        logger[metadataKey: "plant"] = "ACME-BER"
        logger.info("real", metadata: ["level": "critical", "message": "forged", "time": "1970", "logger": "other"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines.all[0].utf8)) as? [String: Any])
        #expect(object["level"] as? String == "info" && object["message"] as? String == "real" && object["logger"] as? String == "gantry-test")
        #expect(object["meta.level"] as? String == "critical" && object["meta.message"] as? String == "forged")
        #expect(object["plant"] as? String == "ACME-BER", "the logger's own metadata is written")

        Self.logger(.logfmt, into: lines).info("real", metadata: ["level": "critical"])
        #expect(lines.all[1].contains(" level=info ") && lines.all[1].contains(" meta.level=critical"), "\(lines.all[1])")
    }

    @Test func theLevelFiltersAndTheCallsMetadataWins() {
        let lines = Lines()
        var logger = Self.logger(.logfmt, into: lines, level: .notice)
        logger[metadataKey: "who"] = "logger"
        logger.info("dropped")
        logger.notice("kept", metadata: ["who": "call"])
        #expect(lines.all.count == 1 && lines.all[0].hasSuffix(" message=kept who=call\n"), "\(lines.all)")
    }

    @Test func theRequestScopeAddsItsIDToEveryLineLoggedWhileServing() async throws {
        let lines = Lines()
        let logger = Logger(label: "gantry-test") { label in
            StructuredLogHandler(
                label: label, format: .logfmt, metadataProvider: RequestLogScope.metadataProvider, now: { Self.time },
                write: { lines.append($0) })
        }
        await RequestLogScope.$current.withValue(RequestLogScope(requestID: "abc123")) {
            logger.info("inside")
        }
        logger.info("outside")
        #expect(lines.all[0].contains(" request_id=abc123"), "\(lines.all[0])")
        #expect(!lines.all[1].contains("request_id"), "\(lines.all[1])")
    }

    @Test(arguments: [
        ("2f1c0a9e-7b", true), ("req_1.2:3", true), (String(repeating: "a", count: 128), true),
        ("", false), ("two words", false), ("new\nline", false), ("quote\"", false), (String(repeating: "a", count: 129), false),
        ("ünï", false),
    ])
    func anIncomingRequestIDIsTakenOnlyWhenWellFormed(_ text: String, _ accepted: Bool) {
        #expect((RequestID.accepted(text) != nil) == accepted)
    }

    @Test func aNewRequestIDIs32HexDigitsAndUnique() {
        let ids = (0..<100).map { _ in RequestID.make() }
        #expect(Set(ids).count == 100)
        #expect(ids.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) && RequestID.accepted($0) == $0 })
    }

    @Test func accessDurationsAreMillisecondsWithThreeDecimals() {
        #expect(AccessLogMiddleware<BasicRequestContext>.milliseconds(.microseconds(12_345)) == "12.345")
        #expect(AccessLogMiddleware<BasicRequestContext>.milliseconds(.microseconds(7)) == "0.007")
        #expect(AccessLogMiddleware<BasicRequestContext>.milliseconds(.seconds(2)) == "2000.000")
    }

    @Test func settingsReadFormatAndAccessLogAndRefuseOthers() throws {
        let settings = try ConfigurationText(
            text: "log.format = json\nlog.access = off\n", source: "t", environment: [:], prefix: "X_", knownKeys: LogSettings.keys)
        let read = try LogSettings(settings)
        #expect(read.format == .json && !read.accessLog)
        #expect(try LogSettings(try ConfigurationText(text: "", source: "t", environment: [:], prefix: "X_", knownKeys: LogSettings.keys))
            == LogSettings())
        let bad = try ConfigurationText(text: "log.format = xml\n", source: "t", environment: [:], prefix: "X_", knownKeys: LogSettings.keys)
        #expect(throws: ConfigurationError.self) { try LogSettings(bad) }
    }

    /// Reads a logfmt value back: bare, or quoted with `\"`, `\\`, `\n`, `\r`, `\t` and `\uXXXX` escapes.
    static func unquoteLogfmt(_ text: String) -> String {
        guard text.hasPrefix("\"") else { return text }
        var result = ""
        var characters = Array(text.dropFirst().dropLast().unicodeScalars)[...]
        while let scalar = characters.popFirst() {
            guard scalar == "\\", let next = characters.popFirst() else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch next {
            case "n": result += "\n"
            case "r": result += "\r"
            case "t": result += "\t"
            case "u":
                let hex = String(String.UnicodeScalarView(characters.prefix(4)))
                characters = characters.dropFirst(4)
                result.unicodeScalars.append(Unicode.Scalar(UInt32(hex, radix: 16)!)!)
            default: result.unicodeScalars.append(next)
            }
        }
        return result
    }
}
