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

@Suite struct InventoryPayloadTests {
    func viaEncoder<E: PlantEvent>(_ event: E) throws -> String {
        String(decoding: try WireFormat.sharedEncoder.encode(event), as: UTF8.self)
    }

    @Test func machineSignalsAreWrittenAsTheEncoderWritesThem() throws {
        let t = Date(timeIntervalSince1970: 1_800_000_000.123456)
        let signals = MachineSignalsReported(
            states: [
                MachineStateChanged(line: "L1", machine: "press \"7\"", state: .down, reason: "JAM", at: t + 2),
                MachineStateChanged(line: "L1", machine: "press \"7\"", state: .running, reason: nil, at: t),
            ],
            counts: [MachineCountReported(line: "L/2", machine: "saw", good: 12, scrap: -1, at: t + 1)])
        #expect(try signals.payloadJSON() == viaEncoder(signals))
        let empty = MachineSignalsReported(states: [], counts: [])
        #expect(try empty.payloadJSON() == viaEncoder(empty))
        let onlyCounts = MachineSignalsReported(states: [], counts: signals.counts + signals.counts)
        #expect(try onlyCounts.payloadJSON() == viaEncoder(onlyCounts))
        let read = try MachineSignalsReported.decode(
            type: MachineSignalsReported.eventType, schemaVersion: 1, payload: JSONValue.parse(signals.payloadJSON()))
        #expect(read == signals)
        // The event's time is its earliest signal's, whatever order they were added in.
        var payload = MachineSignalsPayload()
        for state in signals.states { payload.add(state, at: Timestamp.format(state.at)) }
        #expect(payload.earliest == Timestamp.format(t) && payload.signals == 2)
    }

    @Test func handWrittenPayloadsAreWhatTheEncoderWrites() throws {
        let moves = [
            StockMoved(moveId: UUID(), kind: .receipt, item: "BOLT \"M8\"", lot: "L1", serial: nil, expiry: "2030-12-31",
                       quantity: Quantity(text: "12.5")!, uom: "EA", from: nil, to: "RECV",
                       reference: MoveReference(kind: .purchaseOrderLine, id: "PO-1/1"), scan: "]C10109506000134352\u{1D}10L1", reason: nil),
            StockMoved(moveId: UUID(), kind: .adjustment, item: "X", lot: nil, serial: "S/1", expiry: nil, quantity: Quantity(1), uom: "EA",
                       from: "A1", to: nil, reference: nil, scan: nil, reason: "cycle count"),
        ]
        for move in moves { #expect(try move.payloadJSON() == viaEncoder(move)) }
        let reserved = StockReserved(workOrder: "WO-1", reservations: [
            .init(reservationId: UUID(), item: "A", location: "L", lot: "1", serial: nil, quantity: Quantity(micro: 1)),
            .init(reservationId: UUID(), item: "B", location: "L", lot: nil, serial: "S", quantity: Quantity(3)),
        ])
        #expect(try reserved.payloadJSON() == viaEncoder(reserved))
        let counted = StockCounted(countId: UUID(), location: "A1", lines: [
            CountLine(item: "A", lot: "L", serial: nil, expected: Quantity(5), counted: Quantity(text: "4.25")!),
            CountLine(item: "B", lot: nil, serial: nil, expected: .zero, counted: Quantity(1)),
        ], exactLines: 0)
        #expect(try counted.payloadJSON() == viaEncoder(counted))
        // And each reads back as the event.
        #expect(try StockMoved(payload: JSONValue.parse(moves[0].payloadJSON())) == moves[0])
        #expect(try StockCounted(payload: JSONValue.parse(counted.payloadJSON())) == counted)
    }
}
