import Foundation

/// A change of stock: what leaves a row must be there, a serial is in one place only, and a label agrees with
/// the lot's known dates (`LotLabel`).
public enum StockMoveDecision {
    /// What the plant holds of the unit, read in the transaction that moves it.
    public struct Snapshot: Sendable, Equatable {
        /// The row the unit leaves (zero when there is none, or nothing leaves).
        public var held: Quantity
        /// Where the unit's serial is in stock now (empty for a unit without serial).
        public var serialPlaces: [String]
        /// The lot's dates as the plant holds them; nil for a new lot or a unit without one.
        public var knownLot: LotLabel.Dates?

        public init(held: Quantity = .zero, serialPlaces: [String] = [], knownLot: LotLabel.Dates? = nil) {
            self.held = held
            self.serialPlaces = serialPlaces
            self.knownLot = knownLot
        }
    }

    /// An accepted change.
    public struct Decision: Sendable, Equatable {
        /// The row the unit leaves is emptied (deleted) rather than reduced.
        public var emptiesSource: Bool
        /// The lot's dates from now on; nil for a unit without lot.
        public var lotDates: LotLabel.Dates?
    }

    /// Decides moving `unit` out of `from` (nil: it comes in) into `to` (nil: it leaves stock).
    public static func decide(_ unit: ResolvedUnit, from: String?, to: String?, _ snapshot: Snapshot) throws -> Decision {
        let lot = unit.lot ?? "", serial = unit.serial ?? ""
        var emptiesSource = false
        if let from {
            try StockAvailability.requireHeld(unit, at: from, held: snapshot.held)
            emptiesSource = snapshot.held == unit.quantity
        }
        if to != nil, !serial.isEmpty {
            // The row the unit leaves is gone by the time it arrives.
            var places = snapshot.serialPlaces
            if emptiesSource, let from, let index = places.firstIndex(of: from) { places.remove(at: index) }
            if let place = places.first {
                throw InventoryRefusal(.serialInStock, "serial \(serial) of \(unit.item.key) is already in stock at \(place)", field: "serial")
            }
        }
        guard !lot.isEmpty else { return Decision(emptiesSource: emptiesSource, lotDates: nil) }
        switch LotLabel.decide(known: snapshot.knownLot, label: unit.labelDates) {
        case .accepted(let dates):
            return Decision(emptiesSource: emptiesSource, lotDates: dates)
        case .refused(let conflicts):
            throw InventoryRefusal(
                .lotLabelConflict, "lot \(lot) of \(unit.item.key): " + conflicts.map(\.description).joined(separator: "; ")
                    + ". A lot has one date of each kind: put the goods aside and check the label against the delivery note.",
                field: conflicts[0].field)
        }
    }
}
