import Foundation
import GantryCore

/// An instruction for a plant before the store numbers it.
public struct InstructionDraft: Sendable, Equatable {
    public var plant: String
    public var kind: PlantInstruction.Kind
    public var reference: String
    public var body: JSONValue
    public var issuedAt: Date
    public var issuedBy: String

    public init(plant: String, kind: PlantInstruction.Kind, reference: String, body: JSONValue, issuedAt: Date, issuedBy: String) {
        self.plant = plant
        self.kind = kind
        self.reference = reference
        self.body = body
        self.issuedAt = issuedAt
        self.issuedBy = issuedBy
    }

    func numbered(_ sequence: Int64) -> PlantInstruction {
        PlantInstruction(plant: plant, sequence: sequence, kind: kind, reference: reference, body: body, issuedAt: issuedAt, issuedBy: issuedBy)
    }
}

extension PlantInstruction {
    /// Reads the stored columns; `answer` is the canonical JSON of the plant's answering event.
    static func stored(
        plant: String, sequence: Int64, kind: String, reference: String, body: String, issuedAt: Date, issuedBy: String, answer: String?
    ) throws -> PlantInstruction {
        guard let kind = Kind(rawValue: kind) else { throw HubStoreError(.unusable, "instruction \(plant)/\(sequence) is of unknown kind \(kind)") }
        return PlantInstruction(
            plant: plant, sequence: sequence, kind: kind, reference: reference, body: try JSONValue.parse(body), issuedAt: issuedAt,
            issuedBy: issuedBy, answer: try answer.map(JSONValue.parse))
    }
}
