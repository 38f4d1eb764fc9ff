import Foundation

/// Which stock a work order can have: the one rule release's reservation and readiness both follow, so readiness
/// never counts stock that release would not reserve.
public enum UsableStock {
    /// A stock row (item, location, lot, serial) with what is reserved of it.
    public struct Row: Sendable, Equatable {
        public var item: String
        public var location: String
        public var locationType: LocationType
        /// Held (quarantined) lot.
        public var held: Bool
        /// The lot's expiry, `YYYY-MM-DD`.
        public var expiry: String?
        public var quantity: Quantity
        public var reserved: Quantity

        public init(item: String, location: String, locationType: LocationType, held: Bool, expiry: String?, quantity: Quantity, reserved: Quantity) {
            self.item = item
            self.location = location
            self.locationType = locationType
            self.held = held
            self.expiry = expiry
            self.quantity = quantity
            self.reserved = reserved
        }
    }

    /// Stock in receiving, storage or production locations, of a lot neither held nor expired before `today`.
    public static func isUsable(locationType: LocationType, held: Bool, expiry: String?, today: String) -> Bool {
        guard [.receiving, .storage, .production].contains(locationType), !held else { return false }
        return expiry.map { $0 >= today } ?? true
    }

    /// Free stock per item and location: each usable row's quantity less what is reserved of that row.
    public static func free(_ rows: [Row], today: String) -> [Readiness.Place: Quantity] {
        var free: [Readiness.Place: Quantity] = [:]
        for row in rows where isUsable(locationType: row.locationType, held: row.held, expiry: row.expiry, today: today) {
            free[Readiness.Place(item: row.item, location: row.location), default: .zero] += max(.zero, row.quantity - row.reserved)
        }
        return free
    }
}
