import Foundation
import GantryCore
import Testing

@Suite struct WireFormatTests {
    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000000Z"),
        (951_782_400.5, "2000-02-29T00:00:00.500000Z"),
        (1_798_761_599.000001, "2026-12-31T23:59:59.000001Z"),
        (-1.0, "1970-01-01T00:00:00.000000Z"),
    ])
    func timestampsAreFixedWidthUTC(seconds: Double, expected: String) {
        #expect(Timestamp.format(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func timestampsRoundTripToTheMicrosecond() throws {
        let date = Date(timeIntervalSince1970: 1_764_230_400.123456)
        let parsed = try #require(Timestamp.parse(Timestamp.format(date)))
        #expect(abs(parsed.timeIntervalSince(date)) < 0.000_001)
    }

    @Test(arguments: ["2026-02-30T00:00:00Z", "2026-11-27T25:00:00Z", "2026-11-27T10:61:00Z", "0000-01-01T00:00:00Z",
                      "1969-12-31T23:59:59Z", "300000-01-01T00:00:00Z", "2026-11-27T10:00:00", "2026-11-27T10:00:00.Z",
                      "2026-11-27 10:00:00Z", "2026-11-27T10:00:00+0100"])
    func impossibleOrUnstorableTimestampsAreRefused(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func formattingNeverTrapsAndClampsToTheStoredRange() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1e15)) == "9999-12-31T23:59:59.000000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -1e15)) == "1970-01-01T00:00:00.000000Z")
        #expect(Timestamp.parse("2000-02-29T12:00:00.5+02:00") == Date(timeIntervalSince1970: 951_818_400.5))
    }

    @Test func parsingAcceptsOffsetsAndNoFraction() {
        #expect(Timestamp.parse("2026-11-27T10:00:00Z") == Date(timeIntervalSince1970: 1_795_773_600))
        #expect(Timestamp.parse("2026-11-27T11:00:00+01:00") == Date(timeIntervalSince1970: 1_795_773_600))
        #expect(Timestamp.parse("27/11/2026") == nil)
        #expect(Timestamp.parse("") == nil)
    }

    @Test func eventsDecodeOnlyAsTheirOwnTypeAndVersion() throws {
        let scan = ScanRecorded(scanID: UUID(), device: "dock-1", data: "0109506000134352")
        let payload = try WireFormat.decoder().decode(JSONValue.self, from: Data(try scan.payloadJSON().utf8))
        #expect(try ScanRecorded.decode(type: "ScanRecorded", schemaVersion: 1, payload: payload) == scan)
        #expect(throws: EventDecodingError.self) { try ScanRecorded.decode(type: "Other", schemaVersion: 1, payload: payload) }
        #expect(throws: EventDecodingError.self) { try ScanRecorded.decode(type: "ScanRecorded", schemaVersion: 2, payload: payload) }
    }

    @Test func decodingErrorsNameTheMissingField() {
        #expect {
            try ScanRecorded.decode(type: "ScanRecorded", schemaVersion: 1, payload: .object(["data": .string("x")]))
        } throws: { error in
            "\(error)".contains("missing field \"scanId\"")
        }
    }

    @Test func plantIdentitiesAreUpperCaseCodes() throws {
        #expect(try PlantIdentity(company: "acme", code: "Ber1").plantID == "ACME-BER1")
        #expect(throws: IdentifierError.self) { try PlantIdentity(company: "ac-me", code: "BER") }
        #expect(throws: IdentifierError.self) { try PlantIdentity(company: "ACME", code: "") }
        #expect(throws: IdentifierError.self) { try PlantIdentity(company: String(repeating: "A", count: 17), code: "B") }
    }

    @Test func backoffCeilingsDoubleAndCap() {
        let backoff = Backoff(initial: .milliseconds(500), maximum: .seconds(5))
        #expect((1...6).map { backoff.ceiling(afterFailures: $0) } == [0.5, 1, 2, 4, 5, 5].map { Duration.milliseconds(Int($0 * 1000)) })
        #expect(backoff.delay(afterFailures: 3, unit: 0) == .seconds(1))
        #expect(backoff.delay(afterFailures: 3, unit: 1) == .seconds(2))
        #expect(backoff.ceiling(afterFailures: 10_000) == .seconds(5), "no overflow for long outages")
    }
}

@Suite struct HandWrittenPayloadTests {
    /// The machine events write their payloads by hand for speed; the bytes must be the encoder's.
    @Test(arguments: 0..<200)
    func machinePayloadsMatchTheEncoder(seed: Int) throws {
        var random = SplitMix64(seed: UInt64(seed))
        let characters = Array("AZaz09-_.\"\\/\n\t\u{1}é€ ")
        func text() -> String { String((0..<(1 + Int(random.next() % 12))).map { _ in characters[Int(random.next() % UInt64(characters.count))] }) }
        let at = Date(timeIntervalSince1970: Double(random.next() % 4_000_000_000) + Double(random.next() % 1_000_000) / 1e6)
        let state = MachineStateChanged(
            line: text(), machine: text(), state: MachineState.reportable[Int(random.next() % 5)],
            reason: random.next() % 2 == 0 ? nil : text(), at: at)
        let count = MachineCountReported(line: text(), machine: text(), good: Int64(random.next() % 1000), scrap: Int64(random.next() % 9), at: at)
        #expect(try state.payloadJSON() == String(decoding: try WireFormat.encoder().encode(state), as: UTF8.self))
        #expect(try count.payloadJSON() == String(decoding: try WireFormat.encoder().encode(count), as: UTF8.self))
    }
}
