import Foundation

/// Holding a lot (quarantine) or releasing it: only a lot of an item the plant knows, and a held lot cannot stay
/// reserved.
public enum LotStatusDecision {
    public struct Decision: Sendable, Equatable {
        /// The lot's status as stored (`quarantined` or `available`).
        public var stored: String
        /// Every reservation of the lot goes back.
        public var releasesReservations: Bool
    }

    /// Decides setting `item`'s lot to `status`; `itemKnown` says whether the plant's masters have the item.
    public static func decide(item: String, itemKnown: Bool, status: LotStatusChanged.Status) throws -> Decision {
        guard itemKnown else { throw InventoryRefusal(.unknownItem, "no item \(item) in this plant's masters") }
        let held = status == .quarantined
        return Decision(stored: held ? "quarantined" : "available", releasesReservations: held)
    }
}
