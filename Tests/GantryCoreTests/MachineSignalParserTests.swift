import Foundation
@testable import GantryCore
import Testing

/// The hand-written payload reader against the `JSONDecoder` reading that defined the contract's reasons:
/// the same signal or the same dead-letter reason for every message, and the plain shapes decided by hand.
@Suite struct MachineSignalParserTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let ts = Timestamp.format(now - 30)

    /// Both readings of one message, as comparable values.
    static func outcomes(_ topic: String, _ payload: [UInt8]) -> (hand: String, decoder: String) {
        func describe(_ read: () throws(MachineSignalError) -> MachineSignal) -> String {
            do { return "\(try read())" } catch { return "dead letter: \(error.reason)" }
        }
        let hand = describe { () throws(MachineSignalError) in
            try MachineSignal.parse(topic: topic, payload: payload, prefix: "gantry", plant: "ACME-BER", now: now)
        }
        let decoder = describe { () throws(MachineSignalError) in
            try MachineSignal.parseUsingDecoder(topic: topic, payload: payload, prefix: "gantry", plant: "ACME-BER", now: now)
        }
        return (hand, decoder)
    }

    @Test(arguments: [
        ("state", #"{"state":"running","ts":"\#(ts)"}"#, "running"),
        ("state", #"{"state":"down","reason":"JAM","ts":"\#(ts)"}"#, "JAM"),
        ("state", #" { "ts" : "\#(ts)" , "state" : "idle", "extra": [1, {"a": null}], "n": -1.5e3 } "#, "idle"),
        ("state", #"{"state":"down","reason":"Störung","ts":"\#(ts)"}"#, "Störung"),
        ("count", #"{"good":12,"scrap":0,"ts":"\#(ts)"}"#, "good: 12"),
        ("count", #"{"scrap":1,"ts":"\#(ts)","note":"a \"quoted\" \u00e9 word"}"#, "scrap: 1"),
        ("state", "not json", "not a JSON object"),
        ("count", "[]", "not a JSON object"),
        ("state", #"{"state":"exploded","ts":"\#(ts)"}"#, "unknown state \"exploded\""),
        ("state", #"{"state":"running"}"#, "missing \"ts\""),
        ("state", #"{"state":"idle","ts":"\#(Timestamp.format(now + 3600))"}"#, "in the future"),
        ("state", #"{"state":"idle","ts":"\#(Timestamp.format(now - 40 * 86_400))"}"#, "too old"),
        ("state", #"{"state":"idle","ts":"yesterday"}"#, "not an RFC 3339"),
        ("state", #"{"state":"down","reason":"","ts":"\#(ts)"}"#, "\"reason\" must be"),
        ("state", #"{"ts":"\#(ts)"}"#, "missing \"state\""),
        ("temperature", #"{"value":80,"ts":"\#(ts)"}"#, "unknown message kind"),
        ("count", #"{"good":-1,"ts":"\#(ts)"}"#, "\"good\" must be"),
        ("count", #"{"good":1.5,"ts":"\#(ts)"}"#, "\"good\" must be"),
        ("count", #"{"good":0,"ts":"\#(ts)"}"#, "says nothing"),
        ("count", #"{"good":"5","ts":"\#(ts)"}"#, "good: expected a number"),
        ("state", #"{"state":5,"ts":"\#(ts)"}"#, "state: expected a string"),
    ])
    func theContractsCasesReadTheSameBothWays(kind: String, payload: String, expected: String) {
        let (hand, decoder) = Self.outcomes("gantry/ACME-BER/L1/M1/\(kind)", Array(payload.utf8))
        #expect(hand == decoder)
        #expect(hand.contains(expected), "\(hand)")
    }

    @Test func topicAndSizeAreCheckedBeforeThePayload() {
        let big = #"{"state":"idle","pad":"\#(String(repeating: "x", count: 5000))","ts":"\#(Self.ts)"}"#
        for (topic, payload, expected) in [
            ("gantry/OTHER/L1/M1/state", "{}", "topic is not gantry/ACME-BER/"),
            ("gantry/ACME-BER/L 1/M1/state", "{}", "line and machine must be"),
            ("gantry/ACME-BER/L1/M1/state", big, "payload of 5"),
        ] {
            let (hand, decoder) = Self.outcomes(topic, Array(payload.utf8))
            #expect(hand == decoder && hand.contains(expected), "\(hand)")
        }
    }

    /// What machines send day in, day out is read by hand, never by the decoder.
    @Test func plainMessagesAreDecidedByHand() {
        for payload in [
            #"{"state":"running","ts":"\#(Self.ts)"}"#, #"{"good":1,"ts":"\#(Self.ts)"}"#,
            #"{"state":"down","reason":"JAM","ts":"\#(Self.ts)","source":"plc-7","seq":123,"ok":true,"tags":["a"]}"#,
            #"{"state":"running","ts":"yesterday"}"#, #"{"state":"bogus","ts":"\#(Self.ts)"}"#, "{}",
        ] {
            #expect(MachineSignal.PayloadReader.read(Array(payload.utf8)) != nil, "\(payload)")
        }
    }

    /// Generated messages (valid, subtly wrong and broken) read the same both ways; and most are decided by hand.
    @Test func generatedMessagesReadTheSameBothWays() {
        var random = SplitMix64(seed: 22400)
        var decidedByHand = 0
        let count = 20_000
        for _ in 0..<count {
            let kind = ["state", "count", "state", "count", "other"][Int(random.next() % 5)]
            let payload = Self.message(&random)
            let (hand, decoder) = Self.outcomes("gantry/ACME-BER/L1/M1/\(kind)", payload)
            #expect(hand == decoder, "payload: \(String(decoding: payload, as: UTF8.self))")
            if MachineSignal.PayloadReader.read(payload) != nil { decidedByHand += 1 }
        }
        // The generator leans towards the unusual; plain messages are covered by plainMessagesAreDecidedByHand.
        #expect(decidedByHand > count / 10, "only \(decidedByHand) of \(count) decided by hand")
    }

    // MARK: Generators

    static func pick<T>(_ options: [T], _ random: inout SplitMix64) -> T {
        options[Int(random.next() % UInt64(options.count))]
    }

    /// A payload: an object of contract fields with right, wrong, null or repeated values and extra fields,
    /// sometimes with its bytes damaged.
    static func message(_ random: inout SplitMix64) -> [UInt8] {
        var fields: [String] = []
        for key in ["state", "reason", "ts", "good", "scrap"] where random.next() % 3 != 0 {
            fields.append("\"\(key)\":\(value(for: key, &random))")
            if random.next() % 40 == 0 { fields.append("\"\(key)\":\(value(for: key, &random))") }
        }
        for _ in 0..<Int(random.next() % 3) { fields.append("\"\(pick(["x", "note", "st\\u0061te", "é"], &random))\":\(any(&random, depth: 0))") }
        fields.shuffle(using: &random)
        let space = pick(["", " ", "\n\t"], &random)
        var bytes = Array(("{" + space + fields.joined(separator: "," + space) + space + "}").utf8)
        switch random.next() % 12 {
        case 0 where !bytes.isEmpty: bytes.remove(at: Int(random.next() % UInt64(bytes.count)))
        case 1 where !bytes.isEmpty: bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
        case 2: bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count + 1))))
        case 3: bytes += Array(pick([" x", ",", "}", " \n"], &random).utf8)
        default: break
        }
        return bytes
    }

    static func value(for key: String, _ random: inout SplitMix64) -> String {
        if random.next() % 8 == 0 { return any(&random, depth: 1) }
        switch key {
        case "state":
            return "\"" + pick(["running", "setup", "idle", "down", "planned_stop", "unknown", "Running", "", "run\\u006eing"], &random) + "\""
        case "reason":
            return "\"" + pick(["JAM", "", "Störung", String(repeating: "r", count: 65), "A\\tB", "😀"], &random) + "\""
        case "ts":
            let offsets: [TimeInterval] = [-30, -0.5, 200, 400, -40 * 86_400, -86_400]
            let text = Timestamp.format(now + pick(offsets, &random))
            let variants: [String] = [
                text, String(text.dropLast()) + "+02:00", String(text.prefix(19)) + "Z", String(text.prefix(21)) + "Z",
                "2026-02-30T10:00:00Z", "yesterday", "", String(text.prefix(10)),
            ]
            return "\"" + pick(variants, &random) + "\""
        default:
            return pick(["0", "1", "12", "-1", "1000000000", "1000000001", "1.0", "1.5", "1e3", "-0", "007",
                         "123456789012345678", "\"3\"", "true", "null"], &random)
        }
    }

    /// Any JSON value (and a few that are not quite JSON).
    static func any(_ random: inout SplitMix64, depth: Int) -> String {
        switch random.next() % (depth > 2 ? 6 : 8) {
        case 0: return pick(["0", "-2.5", "1e400", "3E+2", "01", ".5", "1."], &random)
        case 1: return pick(["true", "false", "null", "nul", "True"], &random)
        case 2: return "\"" + pick(["plain", "with \\\"escape\\\"", "\\u00e9", "\\ud83d\\ude00", "\\ud800", "\\x", "tab\there"], &random) + "\""
        case 3, 4, 5: return "\"" + pick(["a", "b/c", "ü", ""], &random) + "\""
        case 6: return "[" + (0..<Int(random.next() % 3)).map { _ in any(&random, depth: depth + 1) }.joined(separator: ",") + "]"
        default:
            return "{" + (0..<Int(random.next() % 3)).map { index in "\"k\(index)\":\(any(&random, depth: depth + 1))" }
                .joined(separator: ",") + "}"
        }
    }
}
