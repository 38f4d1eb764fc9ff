import Foundation

/// An open purchase order line as readiness and reorder expect it: what is still owed, split by the day each part
/// is expected.
public struct SupplyLine: Sendable, Equatable {
    public var item: String
    /// `ORDER/LINE`.
    public var source: String
    public var ordered: Quantity
    /// Received less returned to the supplier: a return is owed again.
    public var received: Quantity
    /// `YYYY-MM-DD`: as ordered, or as the plant last rescheduled it.
    public var due: String?
    /// What the supplier last confirmed: the quantity and the day it comes.
    public var confirmedDue: String?
    public var confirmedQuantity: Quantity?

    public init(
        item: String, source: String, ordered: Quantity, received: Quantity, due: String?, confirmedDue: String? = nil,
        confirmedQuantity: Quantity? = nil
    ) {
        self.item = item
        self.source = source
        self.ordered = ordered
        self.received = received
        self.due = due
        self.confirmedDue = confirmedDue
        self.confirmedQuantity = confirmedQuantity
    }

    /// What is still to come: ordered less received, never negative.
    public var open: Quantity { max(.zero, ordered - received) }

    /// The open quantity by day. A confirmation covers only the quantity it names, and receipts use up the confirmed
    /// part first: `min(open, confirmed − received)` comes on the confirmed day, the rest stays on the line's own
    /// due date. With no confirmation everything open is on the due date.
    public var portions: [Readiness.Supply] {
        let open = open
        guard open > .zero else { return [] }
        guard let confirmedDue, let confirmedQuantity else { return [Readiness.Supply(item: item, source: source, due: due, open: open)] }
        let confirmed = min(open, max(.zero, confirmedQuantity - received))
        var portions: [Readiness.Supply] = []
        if confirmed > .zero { portions.append(Readiness.Supply(item: item, source: source, due: confirmedDue, open: confirmed)) }
        if open - confirmed > .zero { portions.append(Readiness.Supply(item: item, source: source, due: due, open: open - confirmed)) }
        return portions
    }
}
