import Foundation

/// How a transfer's discrepancy (short, over, damaged) was settled at the hub, by whom and when.
public struct DiscrepancySettlement: Sendable, Equatable, Codable {
    public enum Resolution: String, Sendable, Codable, CaseIterable {
        case writtenOff = "written-off", reshipped, credited, found
    }

    public var resolution: Resolution
    public var note: String
    public var settledBy: String?
    public var settledAt: Date?

    public init(resolution: Resolution, note: String, settledBy: String? = nil, settledAt: Date? = nil) {
        self.resolution = resolution
        self.note = note
        self.settledBy = settledBy
        self.settledAt = settledAt
    }
}

extension DiscrepancySettlement {
    /// A transfer discrepancy is settled once: `held` is how it stands (nil: open). Settling one that is settled
    /// already is refused, whatever the new resolution, so a write-off never turns into a credit behind the books.
    public static func settle(_ held: DiscrepancySettlement?, with settlement: DiscrepancySettlement, discrepancy: String)
        throws(ShippingRefusal) -> DiscrepancySettlement {
        if let held {
            throw ShippingRefusal(
                .settledAlready,
                "discrepancy \(discrepancy) was settled already: \(held.resolution.rawValue) by \(held.settledBy ?? "someone")",
                field: "resolution")
        }
        let note = settlement.note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty, note.count <= 1000 else {
            throw ShippingRefusal(.invalid, "say why, in 1 to 1000 characters", field: "note")
        }
        var settled = settlement
        settled.note = note
        return settled
    }
}
