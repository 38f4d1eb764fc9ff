import Foundation
import GantryCore
import Testing

@Suite struct PlantInstructionOrderTests {
    static func instruction(_ sequence: Int64, plant: String = "ACME-BER") -> PlantInstruction {
        PlantInstruction(
            plant: plant, sequence: sequence, kind: .demand, reference: "D-\(sequence)", body: .object([:]),
            issuedAt: Date(timeIntervalSince1970: 0), issuedBy: "planner")
    }

    @Test(arguments: [
        (Int64(1), Int64(0), "ACME-BER", nil),
        (Int64(8), Int64(7), "ACME-BER", nil),
        (Int64(3), Int64(1), "ACME-BER", "instruction 3 does not follow 1: the hub's numbers have a gap"),
        (Int64(1), Int64(1), "ACME-BER", "instruction 1 does not follow 1: the hub's numbers have a gap"),
        (Int64(2), Int64(1), "ACME-HAM", "instruction 2 is for plant ACME-HAM, not ACME-BER"),
    ] as [(Int64, Int64, String, String?)])
    func onlyTheNextNumberForThisPlantApplies(sequence: Int64, applied: Int64, plant: String, refusal: String?) {
        do {
            try Self.instruction(sequence, plant: plant).checkApplicable(after: applied, at: "ACME-BER")
            #expect(refusal == nil)
        } catch {
            #expect(error.code == .invalid && error.detail == refusal)
        }
    }
}
