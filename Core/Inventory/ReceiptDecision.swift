import Foundation

/// Whether goods are accepted against a purchase order line: the right item, into a location that takes them, not
/// expired unless into quarantine, and within the line's over-receipt tolerance.
public enum ReceiptDecision {
    /// A purchase order line as the plant holds it.
    public struct OrderLine: Sendable, Equatable {
        public var item: String
        public var ordered: Quantity
        public var received: Quantity
        /// Percent of `ordered` that may be received beyond it.
        public var tolerancePercent: Quantity

        public init(item: String, ordered: Quantity, received: Quantity, tolerancePercent: Quantity) {
            self.item = item
            self.ordered = ordered
            self.received = received
            self.tolerancePercent = tolerancePercent
        }

        /// The most the line may receive in all.
        public var limit: Quantity { Quantity(decimal: ordered.decimal * (1 + tolerancePercent.decimal / 100)) ?? ordered }
    }

    /// What the receipt is checked against, read in the transaction that records it.
    public struct Snapshot: Sendable, Equatable {
        public var order: String
        public var line: Int
        /// The line; nil when the plant has no such line.
        public var orderLine: OrderLine?
        public var unit: UnitSpec
        public var masters: UnitResolution.Snapshot
        public var locationCode: String
        public var location: LocationDefined?
        /// The plant's day (`YYYY-MM-DD`): a lot expired before it is expired.
        public var today: String

        public init(
            order: String, line: Int, orderLine: OrderLine?, unit: UnitSpec, masters: UnitResolution.Snapshot, locationCode: String,
            location: LocationDefined?, today: String
        ) {
            self.order = order
            self.line = line
            self.orderLine = orderLine
            self.unit = unit
            self.masters = masters
            self.locationCode = locationCode
            self.location = location
            self.today = today
        }
    }

    /// An accepted receipt.
    public struct Decision: Sendable, Equatable {
        public var unit: ResolvedUnit
        public var location: LocationDefined
        public var ordered: Quantity
        /// What the line has received with this receipt.
        public var receivedAfter: Quantity
    }

    public static func decide(_ snapshot: Snapshot) throws -> Decision {
        let order = snapshot.order, number = snapshot.line
        guard let line = snapshot.orderLine else {
            throw InventoryRefusal(.unknownOrder, "no purchase order line \(order)/\(number) at this plant")
        }
        let unit = try UnitResolution.decide(snapshot.unit, snapshot.masters)
        guard unit.item.key == line.item else {
            throw InventoryRefusal(.wrongItem, "\(order)/\(number) is for \(line.item); this is \(unit.item.key)"
                + (snapshot.unit.scanned?.gtin.map { " (GTIN \($0))" } ?? "") + ". Put it aside and check the delivery note.")
        }
        let location = try LocationDecision.usable(snapshot.locationCode, found: snapshot.location)
        guard location.type != .scrap else {
            throw InventoryRefusal(.locationNotUsable, "goods are not received into the scrap location \(location.code)")
        }
        if let expiry = unit.expiry, expiry < snapshot.today, location.type != .quarantine {
            throw InventoryRefusal(.expired, "lot \(unit.lot ?? "-") of \(unit.item.key) expired on \(expiry): receive it into a quarantine location")
        }
        let limit = line.limit, received = line.received
        guard received + unit.quantity <= limit else {
            throw InventoryRefusal(.overReceipt, """
                over-receipt on \(order)/\(number): ordered \(line.ordered), received \(received), this \(unit.quantity) \
                would make \(received + unit.quantity), more than the \(line.tolerancePercent)% tolerance allows (\(limit)). Receive at most \
                \(max(.zero, limit - received)).
                """)
        }
        return Decision(unit: unit, location: location, ordered: line.ordered, receivedAfter: received + unit.quantity)
    }
}
