import Foundation

/// Goods sent back to the supplier against a purchase order line: they are owed again, so the line's received
/// quantity goes down by what is returned and readiness and reorder expect a replacement.
public enum PurchaseReturn {
    public enum Decision: Sendable, Equatable {
        /// The line's received quantity after the return, and what is open on it again.
        case accepted(received: Quantity, open: Quantity)
        /// The goods are another item than the line's.
        case wrongItem(lineItem: String)
        /// More than the line holds as received (less earlier returns).
        case moreThanReceived(received: Quantity)
    }

    /// Decides a return of `quantity` of `item` against `line`.
    public static func decide(_ line: SupplyLine, item: String, quantity: Quantity) -> Decision {
        guard item == line.item else { return .wrongItem(lineItem: line.item) }
        guard quantity <= line.received else { return .moreThanReceived(received: line.received) }
        var after = line
        after.received = line.received - quantity
        return .accepted(received: after.received, open: after.open)
    }

    /// `ORDER/LINE` split at its last `/`; nil when it is not that.
    public static func lineReference(_ text: String) -> (order: String, line: Int)? {
        guard let slash = text.lastIndex(of: "/"), let line = Int(text[text.index(after: slash)...]), line > 0 else { return nil }
        let order = String(text[..<slash])
        return order.isEmpty ? nil : (order, line)
    }
}
