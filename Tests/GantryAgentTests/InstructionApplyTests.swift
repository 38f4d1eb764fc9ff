import Foundation
@testable import GantryAgent
import GantryCore
import GantryTestSupport
import Testing

/// The hub's instructions are applied once each, in their order, with their answers in the same transaction.
@Suite struct InstructionApplyTests {
    static func demand(_ sequence: Int64, plant: String = "ACME-BER") throws -> PlantInstruction {
        PlantInstruction(
            plant: plant, sequence: sequence, kind: .demand, reference: "SO-\(sequence)",
            body: try JSONValue.encoding(DemandInstruction(reference: "SO-\(sequence)", item: "ASSY", quantity: Quantity(2), due: "2030-05-01")),
            issuedAt: Date(), issuedBy: "user:pat")
    }

    @Test func instructionsApplyOnceInOrderAndAGapOrAnotherPlantIsRefused() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/agent.sqlite", plantID: "ACME-BER")
            await #expect(throws: ProductionRefusal.self, "2 does not follow 0") {
                try await store.applyInstructions([try Self.demand(2)], defaults: DemandDefaults())
            }
            await #expect(throws: ProductionRefusal.self, "another plant's") {
                try await store.applyInstructions([try Self.demand(1, plant: "ACME-HAM")], defaults: DemandDefaults())
            }
            let applied = try await store.instructionsApplied(), events = try await store.events(from: 1, maxEvents: 10, maxBytes: 1 << 20)
            #expect(applied == 0 && events.isEmpty, "a refused answer leaves nothing")

            try await store.applyInstructions([try Self.demand(1), try Self.demand(2)], defaults: DemandDefaults())
            try await store.applyInstructions([try Self.demand(2)], defaults: DemandDefaults())
            #expect(try await store.instructionsApplied() == 2)
            let answers = try await store.events(from: 1, maxEvents: 10, maxBytes: 1 << 20)
            #expect(answers.map(\.type) == [DemandAnswered.eventType, DemandAnswered.eventType], "one answer each, not one per delivery")
            let first = try DemandAnswered(payload: answers[0].payload)
            #expect(!first.accepted && first.reason?.contains("locations") == true, "no locations named and none set: \(first.reason ?? "")")
        }
    }
}
