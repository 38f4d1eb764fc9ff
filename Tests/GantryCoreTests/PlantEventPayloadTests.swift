import Foundation
import GantryCore
import Testing

/// Events read from a parsed payload give what `JSONDecoder` gives, whether through the default reader or a
/// hand-written one.
@Suite struct PlantEventPayloadTests {
    func viaDecoder<E: PlantEvent>(_ type: E.Type, _ payload: JSONValue) throws -> E {
        try WireFormat.decoder().decode(E.self, from: try WireFormat.encoder().encode(payload))
    }

    @Test func scansReadByHandAsJSONDecoderReadsThem() throws {
        for data in ["]C10109506000134352\u{1D}10LOT42", "", "quote \" ümlaut 🏭"] {
            let scan = ScanRecorded(scanID: UUID(), device: "dock-1", data: data)
            let payload = try WireFormat.decoder().decode(JSONValue.self, from: Data(try scan.payloadJSON().utf8))
            #expect(try ScanRecorded(payload: payload) == scan)
            #expect(try viaDecoder(ScanRecorded.self, payload) == scan)
        }
        let lower = JSONValue.object(["scanId": .string("0b7d2c3e-8f1a-4c6b-9d2e-1f3a5b7c9d0e"), "device": .string("d"), "data": .string("x")])
        #expect(try ScanRecorded(payload: lower) == viaDecoder(ScanRecorded.self, lower))
    }

    @Test(arguments: [
        JSONValue.object(["device": .string("d"), "data": .string("x")]),
        .object(["scanId": .string("nope"), "device": .string("d"), "data": .string("x")]),
        .object(["scanId": .string(UUID().uuidString), "device": .number(1), "data": .string("x")]),
        .array([]),
    ])
    func aScanThatJSONDecoderRefusesIsRefusedByHandToo(payload: JSONValue) {
        #expect(throws: (any Error).self) { _ = try viaDecoder(ScanRecorded.self, payload) }
        #expect(throws: EventDecodingError.self) { _ = try ScanRecorded(payload: payload) }
    }

    @Test func theDefaultReaderNamesTheField() throws {
        let count = MachineCountReported(line: "L1", machine: "press", good: 3, scrap: 1, at: Date(timeIntervalSince1970: 1_800_000_000))
        let payload = try WireFormat.decoder().decode(JSONValue.self, from: Data(try count.payloadJSON().utf8))
        #expect(try MachineCountReported.decode(type: MachineCountReported.eventType, schemaVersion: 1, payload: payload) == count)
        guard case .object(var members) = payload else { Issue.record("not an object"); return }
        members["good"] = .string("three")
        #expect { _ = try MachineCountReported(payload: .object(members)) } throws: { error in
            (error as? EventDecodingError)?.reason.contains("good") == true
        }
        #expect(throws: EventDecodingError.self) {
            _ = try MachineCountReported.decode(type: "ScanRecorded", schemaVersion: 1, payload: payload)
        }
    }
}
