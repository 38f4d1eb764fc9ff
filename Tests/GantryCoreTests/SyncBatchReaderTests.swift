import Foundation
import GantryCore
import Testing

@Suite struct SyncBatchReaderTests {
    /// Payloads with every kind of JSON value, escapes, non-ASCII and numbers of every shape.
    static func payload(_ index: Int, random: inout SplitMix64) -> JSONValue {
        let texts = ["plain", "quote \" and \\ backslash", "slash / tab \t newline \n", "ümlaut 日本 🏭", "\u{01} control", ""]
        let numbers: [Double] = [0, -0.5, 1.25, 42, -17, 1e20, 3.141592653589793, 9_007_199_254_740_991, 1e-7]
        return .object([
            "data": .string(texts[Int(random.next() % UInt64(texts.count))]),
            "count": .number(numbers[Int(random.next() % UInt64(numbers.count))]),
            "flags": .array([.bool(index % 2 == 0), .null, .number(Double(index))]),
            "nested": .object(["b": .string("x"), "a": .array([]), "c": .object([:])]),
        ])
    }

    static func batch(events: Int, seed: UInt64) -> SyncBatch {
        var random = SplitMix64(seed: seed)
        let base = Date(timeIntervalSince1970: 1_790_000_000.123456)
        var list: [EventEnvelope] = []
        for index in 0..<events {
            let type = index % 3 == 0 ? "ScanRecorded" : "MachineCountReported"
            let occurred: Date = base.addingTimeInterval(Double(index) * 0.001)
            let recorded: Date = base.addingTimeInterval(Double(index))
            list.append(EventEnvelope(
                sequence: Int64(index + 1), id: UUID(), type: type, schemaVersion: 1 + index % 2,
                occurredAt: occurred, recordedAt: recorded, payload: payload(index, random: &random)))
        }
        return SyncBatch(plant: "ACME-BER", agentHead: Int64(events + 5), events: list)
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64]) func readsWhatTheAgentWritesAsJSONDecoderDoes(seed: UInt64) throws {
        let batch = Self.batch(events: 200, seed: seed)
        let body = try WireFormat.encoder().encode(batch)
        let read = try SyncBatchReader.read(body)
        #expect(read == (try WireFormat.decoder().decode(SyncBatch.self, from: body)))
        #expect(read.events.map(\.id) == batch.events.map(\.id) && read.events.map(\.payload) == batch.events.map(\.payload))
    }

    /// The agent sends stored payloads as they are; the body is still what the encoder writes, and reads back.
    @Test(arguments: [6, 7] as [UInt64]) func aBodyOfStoredEventsIsWhatTheEncoderWrites(seed: UInt64) throws {
        let batch = Self.batch(events: 150, seed: seed)
        let stored = batch.events.map {
            StoredEvent(
                sequence: $0.sequence, id: SyncBatchReader.text($0.id), type: $0.type, schemaVersion: $0.schemaVersion,
                occurredAt: Timestamp.format($0.occurredAt), recordedAt: Timestamp.format($0.recordedAt),
                payload: $0.payload.canonicalText)
        }
        let body = try SyncBatch.body(plant: batch.plant, agentHead: batch.agentHead, events: stored)
        #expect(body == (try WireFormat.encoder().encode(batch)))
        // Read back at the microseconds stored, as JSONDecoder reads it.
        let decoded = try WireFormat.decoder().decode(SyncBatch.self, from: body)
        #expect(try SyncBatchReader.read(body) == decoded && decoded.events.map(\.id) == batch.events.map(\.id))
        #expect(try stored.map { try $0.envelope() } == decoded.events)
        let empty = try SyncBatch.body(plant: "ACME-BER", agentHead: 0, events: [])
        #expect(empty == (try WireFormat.encoder().encode(SyncBatch(plant: "ACME-BER", agentHead: 0, events: []))))
        // A damaged row is the agent's error, named, and never sent.
        var damaged = stored
        damaged[3].occurredAt = "yesterday"
        #expect { _ = try SyncBatch.body(plant: batch.plant, agentHead: batch.agentHead, events: damaged) } throws: { error in
            (error as? EventDecodingError)?.reason.contains("stored event 4") == true
        }
        damaged = stored
        damaged[5].payload = ""
        #expect(throws: EventDecodingError.self) {
            _ = try SyncBatch.body(plant: batch.plant, agentHead: batch.agentHead, events: damaged)
        }
    }

    @Test func canonicalTextIsWhatTheWireFormatWrites() throws {
        var random = SplitMix64(seed: 9)
        for index in 0..<300 {
            let value = Self.payload(index, random: &random)
            let encoded = String(decoding: try WireFormat.encoder().encode(value), as: UTF8.self)
            #expect(value.canonicalText == encoded)
            #expect(try SyncBatchReader.value(Data(value.canonicalText.utf8)) == value, "reads back to the same value")
        }
    }

    @Test func uuidsReadAndWriteAsFoundationDoes() {
        for _ in 0..<200 {
            let id = UUID()
            #expect(SyncBatchReader.text(id) == id.uuidString)
            #expect(SyncBatchReader.uuid(id.uuidString) == id && SyncBatchReader.uuid(id.uuidString.lowercased()) == id)
        }
        for bad in ["", "0B7D2C3E-8F1A-4C6B-9D2E-1F3A5B7C9D0", "0B7D2C3E-8F1A-4C6B-9D2E_1F3A5B7C9D0E", "GB7D2C3E-8F1A-4C6B-9D2E-1F3A5B7C9D0E"] {
            #expect(SyncBatchReader.uuid(bad) == nil, "\(bad)")
        }
    }

    @Test func toleratesWhitespaceUnknownKeysAndEscapedText() throws {
        let body = """
            { "agentHead" : 1 , "future" : {"x": [1, 2]}, "plant": "ACME-\\u0042ER",
              "events": [ { "payload": {"data": "\\ud83c\\udfed \\/ok"}, "id": "0b7d2c3e-8f1a-4c6b-9d2e-1f3a5b7c9d0e",
                "sequence": 1, "type": "ScanRecorded", "schemaVersion": 1, "extra": null,
                "occurredAt": "2026-11-27T10:00:00+01:00", "recordedAt": "2026-11-27T09:00:00.5Z" } ] }
            """
        let batch = try SyncBatchReader.read(Data(body.utf8))
        #expect(batch.plant == "ACME-BER" && batch.agentHead == 1)
        let event = try #require(batch.events.first)
        #expect(event.id == UUID(uuidString: "0B7D2C3E-8F1A-4C6B-9D2E-1F3A5B7C9D0E"))
        #expect(event.payload == .object(["data": .string("🏭 /ok")]))
        #expect(event.occurredAt == Timestamp.parse("2026-11-27T09:00:00Z"))
        #expect(event.recordedAt.timeIntervalSince(event.occurredAt) == 0.5)
    }

    @Test(arguments: [
        ("", "ends early"),
        ("{\"plant\": ", "ends early"),
        ("[]", "expected \"{\""),
        (#"{"plant":"P","events":[]}"#, "missing field \"agentHead\""),
        (#"{"plant":"P","agentHead":1}"#, "missing field \"events\""),
        (#"{"plant":"P","agentHead":1.5,"events":[]}"#, "agentHead: expected an integer"),
        (#"{"plant":"P","agentHead":01,"events":[]}"#, "expected \",\" or \"}\""),
        (#"{"plant":"P","agentHead":1,"events":[]} x"#, "unexpected text after the batch"),
        (#"{"plant":"P","agentHead":1,"events":[{"sequence":1}]}"#, "missing field \"id\" in events[0]"),
        (#"{"plant":"P","agentHead":1,"events":[{"id":"nope"}]}"#, "events[0].id: expected a UUID"),
        (#"{"plant":"P","agentHead":1,"events":[{"occurredAt":"yesterday"}]}"#, "events[0].occurredAt: Expected an RFC 3339 timestamp"),
        (#"{"plant":"P","agentHead":1,"events":[{"payload":{"a":tru}}]}"#, "events[0].payload.a: body is not valid JSON"),
        (#"{"plant":"a\qb","agentHead":1,"events":[]}"#, "plant: invalid escape"),
        (#"{"plant":"\ud800","agentHead":1,"events":[]}"#, "plant: unpaired UTF-16 surrogate"),
        ("{\"plant\":\"a\u{01}\",\"agentHead\":1,\"events\":[]}", "unescaped control character"),
        (#"{"plant":"P","agentHead":1e999,"events":[]}"#, "out of range"),
        (#"{"plant":"P","agentHead":-,"events":[]}"#, "not valid JSON"),
    ])
    func refusesWithTheFieldAndTheReason(body: String, reason: String) {
        #expect { _ = try SyncBatchReader.read(Data(body.utf8)) } throws: { error in
            (error as? SyncBatchReader.Malformed)?.detail.contains(reason) == true
        }
    }

    @Test func invalidUTF8AndDeepNestingAreRefusedNotCrashedOn() {
        var bytes = Array(#"{"plant":""#.utf8) + [0xC3, 0x28] + Array(#"","agentHead":1,"events":[]}"#.utf8)
        #expect(throws: SyncBatchReader.Malformed.self) { _ = try SyncBatchReader.read(Data(bytes)) }
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        bytes = Array(#"{"plant":"P","agentHead":1,"events":[{"payload":"#.utf8) + Array(deep.utf8) + Array("}]}".utf8)
        #expect { _ = try SyncBatchReader.read(Data(bytes)) } throws: { error in
            (error as? SyncBatchReader.Malformed)?.detail.contains("nested deeper than 64") == true
        }
    }
}
