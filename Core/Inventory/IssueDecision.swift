import Foundation

/// Whether stock may be issued to a work order: from a location whose stock is available, of a lot neither held
/// nor (unless the plant allows it) expired, and not reserved for other work orders.
public enum IssueDecision {
    /// What the issue is checked against, read in the transaction that records it.
    public struct Snapshot: Sendable, Equatable {
        public var location: LocationDefined
        /// The lot's status as the plant holds it (`quarantined`, `available`); nil for a unit without known lot.
        public var lotStatus: String?
        /// The lot's expiry as the plant holds it.
        public var lotExpiry: String?
        /// The plant's day (`YYYY-MM-DD`).
        public var today: String
        /// The stock row the unit is taken from.
        public var held: Quantity
        /// What of that row is reserved for other work orders.
        public var reservedForOthers: Quantity

        public init(location: LocationDefined, lotStatus: String?, lotExpiry: String?, today: String, held: Quantity, reservedForOthers: Quantity) {
            self.location = location
            self.lotStatus = lotStatus
            self.lotExpiry = lotExpiry
            self.today = today
            self.held = held
            self.reservedForOthers = reservedForOthers
        }
    }

    /// Refuses issuing `unit` to `workOrder`, or returns normally when it may be issued.
    public static func decide(_ unit: ResolvedUnit, to workOrder: String, allowExpired: Bool, _ snapshot: Snapshot) throws {
        let from = snapshot.location
        guard from.type.isAvailable else {
            throw InventoryRefusal(.quarantined, "\(from.code) is a \(from.type.rawValue) location: nothing there may be issued")
        }
        if let lot = unit.lot, snapshot.lotStatus == "quarantined" {
            throw InventoryRefusal(.quarantined, "lot \(lot) of \(unit.item.key) is quarantined: it may not be issued")
        }
        if !allowExpired, let lot = unit.lot, let expiry = snapshot.lotExpiry, expiry < snapshot.today {
            throw InventoryRefusal(.expired, "lot \(lot) of \(unit.item.key) expired on \(expiry): it is blocked from issue")
        }
        try StockAvailability.requireFree(unit, at: from.code, held: snapshot.held, reservedForOthers: snapshot.reservedForOthers, for: workOrder)
    }
}
