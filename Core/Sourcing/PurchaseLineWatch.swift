import Foundation

/// Which open purchase order lines a buyer must act on, and why. Pure: the store gathers each line's dates.
public enum PurchaseLineWatch {
    /// What a buyer is alerted to.
    public enum Kind: String, Sendable, CaseIterable {
        /// Confirmed later than the work orders it feeds need it.
        case delay = "supplier-delay"
        /// Past its (confirmed) date with quantity still open.
        case overdue = "supplier-overdue"
        /// Not confirmed within the allowed time of being placed.
        case unconfirmed = "supplier-unconfirmed"
    }

    /// The exception an open line raises, if any, in that order of precedence: `confirmed` later than `neededBy`,
    /// the earliest date of a still-open portion (`openDue`) before `today`, or no confirmation more than
    /// `unconfirmedAfter` seconds after `placedAt` as of `now`. Days are `YYYY-MM-DD` in the plant's calendar.
    public static func kind(
        confirmed: String?, neededBy: String?, openDue: String?, today: String, placedAt: Date?, now: Date, unconfirmedAfter: TimeInterval
    ) -> Kind? {
        if let confirmed, let neededBy, confirmed > neededBy { return .delay }
        if let openDue, openDue < today { return .overdue }
        if confirmed == nil, let placedAt, now.timeIntervalSince(placedAt) > unconfirmedAfter { return .unconfirmed }
        return nil
    }
}

extension PurchaseLineWatch {
    /// Checks a supplier's confirmation of a line before it is recorded: a `YYYY-MM-DD` date and a positive quantity.
    public static func checkCommitment(due: String, quantity: Quantity) throws(SourcingRefusal) {
        guard due.count == 10, Timestamp.parse(due + "T00:00:00Z") != nil else { throw SourcingRefusal(.invalid, "due is a date YYYY-MM-DD") }
        guard quantity.isPositive else { throw SourcingRefusal(.invalid, "the confirmed quantity must be positive") }
    }
}
