import Foundation

/// How reservations give way: an issue uses up its work order's own reservations, and a row that holds less than
/// is reserved of it (after a count) shrinks its reservations, newest first.
public enum ReservationDecision {
    /// A reservation as the plant holds it.
    public struct Held: Sendable, Equatable {
        public var id: String
        public var workOrder: String
        public var quantity: Quantity

        public init(id: String, workOrder: String, quantity: Quantity) {
            self.id = id
            self.workOrder = workOrder
            self.quantity = quantity
        }
    }

    /// Part or all of one reservation taken away.
    public struct Change: Sendable, Equatable {
        public var reservation: Held
        public var take: Quantity

        /// The whole reservation goes.
        public var releases: Bool { take == reservation.quantity }
    }

    /// Uses up `quantity` from `held`, in the order given (the row issued from first, then the oldest).
    public static func consume(_ quantity: Quantity, from held: [Held]) -> [Change] {
        take(quantity, from: held)
    }

    /// Shrinks the reservations of a row holding `onHand`, `held` newest first, until no more is reserved than is there.
    public static func trim(onHand: Quantity, held: [Held]) -> [Change] {
        let excess = held.reduce(Quantity.zero) { $0 + $1.quantity } - onHand
        return excess.isPositive ? take(excess, from: held) : []
    }

    static func take(_ quantity: Quantity, from held: [Held]) -> [Change] {
        var remaining = quantity, changes: [Change] = []
        for reservation in held where remaining.isPositive {
            let take = min(reservation.quantity, remaining)
            remaining -= take
            changes.append(Change(reservation: reservation, take: take))
        }
        return changes
    }
}
