import Foundation

/// The plant's side of an outbound order (a customer order or a transfer it ships): which lines it takes on, what
/// may be packed into a logistic unit, and what a shipment carries and leaves owed.
public enum OutboundDecision {
    /// A line of an outbound order as the plant holds it.
    public struct Line: Sendable, Equatable {
        public var line: Int
        public var item: String
        public var ordered: Quantity
        public var packed: Quantity
        public var shipped: Quantity
        public var accepted: Bool

        public init(line: Int, item: String, ordered: Quantity, packed: Quantity, shipped: Quantity, accepted: Bool) {
            self.line = line
            self.item = item
            self.ordered = ordered
            self.packed = packed
            self.shipped = shipped
            self.accepted = accepted
        }

        /// What may still be packed: ordered, less packed (shipped units stay counted as packed).
        public var toPack: Quantity { Quantity.shortfall(ordered, packed) }
    }

    /// Answers an order's lines: a line is taken on when its item is one the plant knows and is active, its number
    /// is used once and its quantity is positive; it is promised for its own date or the order's requested one. A
    /// reference the plant holds already (handed over twice, or as another kind) is refused whole: it keeps what it has.
    public static func answer(
        reference: String, held: Bool, lines: [(line: Int, item: String, quantity: Quantity, promised: String?)], requested: String,
        activeItems: Set<String>
    ) -> [OrderLineAnswer] {
        if held {
            return lines.map { OrderLineAnswer(line: $0.line, accepted: false, reason: "\(reference) is already an order or transfer at this plant") }
        }
        var seen: Set<Int> = []
        return lines.map { line in
            defer { seen.insert(line.line) }
            if seen.contains(line.line) { return OrderLineAnswer(line: line.line, accepted: false, reason: "line \(line.line) appears twice") }
            if line.line < 1 { return OrderLineAnswer(line: line.line, accepted: false, reason: "line numbers start at 1") }
            if !line.quantity.isPositive { return OrderLineAnswer(line: line.line, accepted: false, reason: "the quantity must be positive") }
            guard activeItems.contains(line.item) else {
                return OrderLineAnswer(line: line.line, accepted: false, reason: "item \(line.item) is not an active item at this plant")
            }
            return OrderLineAnswer(line: line.line, accepted: true, promised: line.promised ?? requested)
        }
    }

    /// The status an order is taken on with: `open`, or `refused` when no line was taken on (nothing is packed for it).
    public static func status(of answers: [OrderLineAnswer]) -> String {
        answers.contains(where: \.accepted) ? "open" : "refused"
    }

    /// The GS1 company prefix a new logistic unit of `reference` is allocated under, or why none may be opened: an
    /// unknown order, one shipped in full or refused, a location whose stock is not usable, a plant without a prefix.
    public static func openUnit(
        for reference: String, orderStatus: String?, location: LocationDefined, prefix: GS1CompanyPrefix?
    ) throws -> GS1CompanyPrefix {
        guard let orderStatus else {
            throw ShippingRefusal(.unknownOrder, "no customer order or transfer \(reference) at this plant", field: "order")
        }
        guard orderStatus == "open" else {
            throw ShippingRefusal(.closed, orderStatus == "refused" ? "no line of \(reference) was taken on: nothing is packed for it"
                                                                   : "\(reference) is shipped in full")
        }
        guard location.type.isAvailable else {
            throw InventoryRefusal(.locationNotUsable, "\(location.code) is a \(location.type.rawValue) location: units are packed where stock is usable",
                                   field: "location")
        }
        guard let prefix else {
            throw ShippingRefusal(.noCompanyPrefix, "this plant's master at the hub names no gs1CompanyPrefix: no SSCC can be allocated")
        }
        return prefix
    }

    /// What packing is checked against, read in the transaction that packs.
    public struct PackSnapshot: Sendable, Equatable {
        /// The unit's order and whether it shipped; nil when the plant has no unit of that SSCC.
        public var unit: (order: String, shipped: Bool)?
        /// Whether the order is still open (nil: unknown order).
        public var orderOpen: Bool?
        public var lines: [Line]
        /// Whether stock may be taken from where it is (`IssueDecision`), for the order's holder.
        public var stock: IssueDecision.Snapshot

        public init(unit: (order: String, shipped: Bool)?, orderOpen: Bool?, lines: [Line], stock: IssueDecision.Snapshot) {
            self.unit = unit
            self.orderOpen = orderOpen
            self.lines = lines
            self.stock = stock
        }

        public static func == (lhs: PackSnapshot, rhs: PackSnapshot) -> Bool {
            lhs.unit?.order == rhs.unit?.order && lhs.unit?.shipped == rhs.unit?.shipped && lhs.orderOpen == rhs.orderOpen
                && lhs.lines == rhs.lines && lhs.stock == rhs.stock
        }
    }

    /// The line a scanned unit is packed against (the named one, else the first taken-on line of its item that still
    /// needs it), or why it may not be packed into `sscc`: an unknown or shipped unit, a closed order, an item not on
    /// the order, more than the line still needs, or stock that may not be taken (held, expired, reserved for others).
    public static func pack(_ unit: ResolvedUnit, into sscc: SSCC, line requested: Int?, holder: String, _ snapshot: PackSnapshot) throws -> Int {
        guard let held = snapshot.unit else { throw ShippingRefusal(.unknownUnit, "no logistic unit \(sscc) at this plant", field: "sscc") }
        guard !held.shipped else { throw ShippingRefusal(.unitShipped, "logistic unit \(sscc) has shipped: open a new one") }
        guard snapshot.orderOpen == true else { throw ShippingRefusal(.closed, "\(held.order) is shipped in full: nothing more is packed for it") }
        let candidates = snapshot.lines.filter { $0.item == unit.item.key && $0.accepted && (requested == nil || $0.line == requested) }
        guard !candidates.isEmpty else {
            throw ShippingRefusal(.notOnOrder, requested.map { "line \($0) of \(held.order) is not a taken-on line for \(unit.item.key)" }
                ?? "\(unit.item.key) is not on \(held.order)", field: "item")
        }
        guard let line = candidates.first(where: { $0.toPack >= unit.quantity }) else {
            let open = candidates.reduce(Quantity.zero) { $0 + $1.toPack }
            throw ShippingRefusal(.overPack, "\(held.order) still needs \(open) of \(unit.item.key), not \(unit.quantity)")
        }
        try IssueDecision.decide(unit, to: holder, allowExpired: false, snapshot.stock)
        return line.line
    }

    /// A unit named for a shipment, as the plant holds it.
    public struct UnitState: Sendable, Equatable {
        public var sscc: SSCC
        /// nil when the plant has no unit of that SSCC.
        public var order: String?
        public var shipped: Bool
        /// Per order line, what is packed in it.
        public var contents: [Int: Quantity]

        public init(sscc: SSCC, order: String?, shipped: Bool, contents: [Int: Quantity]) {
            self.sscc = sscc
            self.order = order
            self.shipped = shipped
            self.contents = contents
        }
    }

    /// What a shipment carries, per line, and what stays owed.
    public struct Shipment: Sendable, Equatable {
        public var lines: [(line: Int, item: String, quantity: Quantity)]
        public var backorders: [ShipmentDispatched.Backorder]
        /// Every taken-on line is shipped in full after it.
        public var complete: Bool

        public static func == (lhs: Shipment, rhs: Shipment) -> Bool {
            lhs.lines.map(\.line) == rhs.lines.map(\.line) && lhs.lines.map(\.quantity) == rhs.lines.map(\.quantity)
                && lhs.backorders == rhs.backorders && lhs.complete == rhs.complete
        }
    }

    /// Ships `units` for `order`: each must be a unit of this plant, of this order, not shipped yet, named once and
    /// not empty; every one of them must be under the plant's company prefix.
    public static func ship(
        _ units: [UnitState], order: String, prefix: GS1CompanyPrefix?, lines: [Line]
    ) throws -> Shipment {
        guard !units.isEmpty else { throw ShippingRefusal(.invalid, "a shipment names at least one SSCC", field: "units") }
        var seen: Set<SSCC> = [], shipping: [Int: Quantity] = [:]
        for unit in units {
            guard seen.insert(unit.sscc).inserted else { throw ShippingRefusal(.scannedTwice, "SSCC \(unit.sscc) is named twice") }
            if let prefix, !unit.sscc.isAllocated(under: prefix) {
                throw ShippingRefusal(.foreignSSCC, "SSCC \(unit.sscc) is not under this plant's company prefix \(prefix)")
            }
            guard let owner = unit.order else { throw ShippingRefusal(.unknownUnit, "no logistic unit \(unit.sscc) at this plant") }
            guard owner == order else { throw ShippingRefusal(.wrongOrder, "SSCC \(unit.sscc) is packed for \(owner), not \(order)") }
            guard !unit.shipped else { throw ShippingRefusal(.scannedTwice, "SSCC \(unit.sscc) has shipped already") }
            guard !unit.contents.isEmpty else { throw ShippingRefusal(.unitEmpty, "SSCC \(unit.sscc) is empty: pack it or leave it out") }
            for (line, quantity) in unit.contents { shipping[line, default: .zero] += quantity }
        }
        var shipped: [(line: Int, item: String, quantity: Quantity)] = [], backorders: [ShipmentDispatched.Backorder] = []
        for line in lines.sorted(by: { $0.line < $1.line }) where line.accepted {
            let now = shipping[line.line] ?? .zero
            if now.isPositive { shipped.append((line.line, line.item, now)) }
            let owed = Quantity.shortfall(line.ordered, line.shipped + now)
            if owed.isPositive { backorders.append(ShipmentDispatched.Backorder(line: line.line, item: line.item, quantity: owed)) }
        }
        return Shipment(lines: shipped, backorders: backorders, complete: backorders.isEmpty)
    }
}
