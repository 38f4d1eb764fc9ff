import Foundation

/// Reorder arithmetic: whether an item's projected position calls for an order under its rule, how much, from
/// which supplier and for which day. Pure: the plant store gathers the position and the offers.
public enum Reorder {
    /// What an item's projected position is made of, in its base unit.
    public struct Position: Sendable, Equatable, Codable {
        /// Usable stock: in receiving, storage or production locations, of lots neither held nor expired.
        public var onHand: Quantity
        /// Reserved for work orders.
        public var reserved: Quantity
        /// Ordered from suppliers and not received yet.
        public var openPurchases: Quantity
        /// What open work orders still need (not yet issued) beyond what they have reserved.
        public var demand: Quantity
        /// `onHand − reserved + openPurchases − demand`.
        public var projected: Quantity

        public init(onHand: Quantity, reserved: Quantity, openPurchases: Quantity, demand: Quantity) {
            self.onHand = onHand
            self.reserved = reserved
            self.openPurchases = openPurchases
            self.demand = demand
            projected = onHand - reserved + openPurchases - demand
        }
    }

    /// A supplier's terms for an item, from the hub's supplier items, with the supplier's status.
    public struct Offer: Sendable, Equatable, Codable {
        public var supplier: String
        /// The supplier master's status (`approved`, `conditional`, `pending`, `blocked`), or `retired`.
        public var status: String
        /// 1 = primary; higher = alternates.
        public var rank: Int
        public var leadTimeDays: Int
        /// The supplier item's unit price.
        public var unitPrice: Money
        /// The least the supplier sells in one line, in the item's base unit.
        public var minimumQuantity: Quantity?

        public init(supplier: String, status: String, rank: Int, leadTimeDays: Int, unitPrice: Money, minimumQuantity: Quantity? = nil) {
            self.supplier = supplier
            self.status = status
            self.rank = rank
            self.leadTimeDays = leadTimeDays
            self.unitPrice = unitPrice
            self.minimumQuantity = minimumQuantity
        }

        /// On the approved list: purchase orders may go to the supplier.
        public var isApproved: Bool { status == "approved" || status == "conditional" }
    }

    /// Where an order goes and on what terms; `unitPrice` is nil for a supplier the rule names without a supplier item.
    public struct Source: Sendable, Equatable {
        public var supplier: String
        public var leadTimeDays: Int
        public var unitPrice: Money?
        public var minimumQuantity: Quantity?
        /// Why this supplier, e.g. `primary S2 is blocked; next approved alternate S3 (rank 2)`.
        public var reason: String
    }

    /// An order a rule calls for, with its arithmetic.
    public struct Proposal: Sendable, Equatable, Codable {
        public var item: String
        public var minimum: Quantity
        public var maximum: Quantity
        public var multiple: Quantity
        public var position: Position
        public var quantity: Quantity
        public var supplier: String
        /// The supplier item's unit price, nil without one; answered as `price` (decimal text) and `currency`.
        public var unitPrice: Money?
        public var leadTimeDays: Int
        /// `YYYY-MM-DD`: today plus the lead time in calendar days.
        public var due: String
        /// Why an order, and how much.
        public var reason: String
        public var supplierReason: String

        private enum CodingKeys: String, CodingKey {
            case item, minimum, maximum, multiple, position, quantity, supplier, price, currency, leadTimeDays, due, reason, supplierReason
        }

        public init(
            item: String, minimum: Quantity, maximum: Quantity, multiple: Quantity, position: Position, quantity: Quantity,
            supplier: String, unitPrice: Money?, leadTimeDays: Int, due: String, reason: String, supplierReason: String
        ) {
            self.item = item
            self.minimum = minimum
            self.maximum = maximum
            self.multiple = multiple
            self.position = position
            self.quantity = quantity
            self.supplier = supplier
            self.unitPrice = unitPrice
            self.leadTimeDays = leadTimeDays
            self.due = due
            self.reason = reason
            self.supplierReason = supplierReason
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                item: try container.decode(String.self, forKey: .item), minimum: try container.decode(Quantity.self, forKey: .minimum),
                maximum: try container.decode(Quantity.self, forKey: .maximum), multiple: try container.decode(Quantity.self, forKey: .multiple),
                position: try container.decode(Position.self, forKey: .position), quantity: try container.decode(Quantity.self, forKey: .quantity),
                supplier: try container.decode(String.self, forKey: .supplier),
                unitPrice: try container.decodeFlattenedMoney(amount: .price, currency: .currency),
                leadTimeDays: try container.decode(Int.self, forKey: .leadTimeDays), due: try container.decode(String.self, forKey: .due),
                reason: try container.decode(String.self, forKey: .reason), supplierReason: try container.decode(String.self, forKey: .supplierReason))
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(item, forKey: .item)
            try container.encode(minimum, forKey: .minimum)
            try container.encode(maximum, forKey: .maximum)
            try container.encode(multiple, forKey: .multiple)
            try container.encode(position, forKey: .position)
            try container.encode(quantity, forKey: .quantity)
            try container.encode(supplier, forKey: .supplier)
            try container.encodeFlattened(unitPrice, amount: .price, currency: .currency)
            try container.encode(leadTimeDays, forKey: .leadTimeDays)
            try container.encode(due, forKey: .due)
            try container.encode(reason, forKey: .reason)
            try container.encode(supplierReason, forKey: .supplierReason)
        }
    }

    /// A rule no supplier can serve, with what it would order now (zero while the position is above the minimum).
    public struct Unserved: Sendable, Equatable, Codable {
        public var item: String
        public var position: Position
        public var quantity: Quantity
        public var reason: String
    }

    /// What a rule comes to.
    public enum Outcome: Sendable, Equatable {
        case covered
        case order(Proposal)
        case unserved(Unserved)
    }

    /// Evaluates `rule` for an item whose position is `position`, offered by `offers` (every supplier item of the
    /// item); `statuses` gives the status of suppliers by code, for a supplier the rule names without an offer.
    public static func evaluate(
        _ rule: ReorderRuleDefined, position: Position, offers: [Offer], statuses: [String: String], today: String
    ) -> Outcome {
        let source: Source
        switch choose(for: rule, offers: offers, statuses: statuses) {
        case .success(let chosen):
            source = chosen
        case .failure(let none):
            let needed = orderQuantity(projected: position.projected, minimum: rule.minimum, maximum: rule.maximum, multiple: rule.multiple)
            return .unserved(Unserved(item: rule.item, position: position, quantity: needed, reason: none.reason))
        }
        let quantity = orderQuantity(
            projected: position.projected, minimum: rule.minimum, maximum: rule.maximum, multiple: rule.multiple,
            supplierMinimum: source.minimumQuantity)
        guard quantity.isPositive, let due = due(today: today, leadTimeDays: source.leadTimeDays) else { return .covered }
        var reason = "projected \(position.projected) is at or below the minimum \(rule.minimum): \(rule.maximum - position.projected) "
            + "brings it to the maximum \(rule.maximum)"
        if let least = source.minimumQuantity, least > rule.maximum - position.projected { reason += ", raised to the supplier's minimum \(least)" }
        reason += ", ordered \(quantity) in multiples of \(rule.multiple)"
        return .order(Proposal(
            item: rule.item, minimum: rule.minimum, maximum: rule.maximum, multiple: rule.multiple, position: position, quantity: quantity,
            supplier: source.supplier, unitPrice: source.unitPrice, leadTimeDays: source.leadTimeDays, due: due,
            reason: reason, supplierReason: source.reason))
    }

    /// Why no supplier can serve a rule.
    public struct NoSource: Error, Sendable, Equatable {
        public var reason: String

        public init(reason: String) {
            self.reason = reason
        }
    }

    /// The rule's own supplier, if it names one and it is approved; else the item's primary supplier, or the
    /// next-ranked approved alternate when the primary is not approved.
    public static func choose(for rule: ReorderRuleDefined, offers: [Offer], statuses: [String: String]) -> Result<Source, NoSource> {
        if let named = rule.supplier {
            let offer = offers.first { $0.supplier == named }
            let status = offer?.status ?? statuses[named] ?? "unknown"
            guard status == "approved" || status == "conditional" else {
                return .failure(NoSource(reason: "the rule's supplier \(named) is \(status), not on the approved list"))
            }
            guard let leadTimeDays = rule.leadTimeDays ?? offer?.leadTimeDays else {
                return .failure(NoSource(reason: "the hub has no supplier item \(named):\(rule.item) to give a lead time; give the rule one"))
            }
            return .success(Source(
                supplier: named, leadTimeDays: leadTimeDays, unitPrice: offer?.unitPrice,
                minimumQuantity: offer?.minimumQuantity, reason: "the rule names \(named)"))
        }
        let ranked = offers.sorted { ($0.rank, $0.supplier) < ($1.rank, $1.supplier) }
        guard let offer = ranked.first(where: \.isApproved) else {
            if ranked.isEmpty { return .failure(NoSource(reason: "the hub's supplier information has no supplier for \(rule.item)")) }
            return .failure(NoSource(reason: "no approved supplier for \(rule.item): " + ranked.map { "\($0.supplier) is \($0.status)" }.joined(separator: ", ")))
        }
        let skipped = ranked.prefix { $0 != offer }.map { "\($0.supplier) (rank \($0.rank)) is \($0.status)" }
        let reason = skipped.isEmpty
            ? "primary supplier \(offer.supplier) (rank \(offer.rank))"
            : skipped.joined(separator: ", ") + "; next approved alternate \(offer.supplier) (rank \(offer.rank))"
        return .success(Source(
            supplier: offer.supplier, leadTimeDays: rule.leadTimeDays ?? offer.leadTimeDays, unitPrice: offer.unitPrice,
            minimumQuantity: offer.minimumQuantity, reason: reason))
    }

    /// Nothing while the projected position is above the minimum; else what brings it up to the maximum (at least
    /// the supplier's minimum), rounded up to a whole number of multiples.
    public static func orderQuantity(
        projected: Quantity, minimum: Quantity, maximum: Quantity, multiple: Quantity, supplierMinimum: Quantity? = nil
    ) -> Quantity {
        guard projected <= minimum, multiple.isPositive else { return .zero }
        var needed = maximum - projected
        guard needed.isPositive else { return .zero }
        if let supplierMinimum, needed < supplierMinimum { needed = supplierMinimum }
        let (whole, rest) = needed.micro.quotientAndRemainder(dividingBy: multiple.micro)
        return Quantity(micro: (whole + (rest > 0 ? 1 : 0)) * multiple.micro)
    }

    /// `today` (`YYYY-MM-DD`, the plant's day) plus `leadTimeDays` calendar days (civil date arithmetic, done on
    /// UTC midnights, which no clock change moves); nil for a malformed day.
    public static func due(today: String, leadTimeDays: Int) -> String? {
        guard let start = Timestamp.parse(today + "T00:00:00Z") else { return nil }
        return String(Timestamp.format(start.addingTimeInterval(Double(leadTimeDays) * 86_400)).prefix(10))
    }

    /// The most a rule's quantities may be, in base units: far beyond any stock, far below overflow.
    public static let largestQuantity = Quantity(1_000_000_000)
}

extension ReorderRuleDefined {
    /// The first field that makes the rule meaningless, with what is expected; nil for a sound rule.
    public var invalidField: (field: String, detail: String)? {
        if minimum < .zero || minimum > Reorder.largestQuantity {
            return ("minimum", "the minimum is from 0 to \(Reorder.largestQuantity)")
        }
        if maximum < minimum || maximum > Reorder.largestQuantity {
            return ("maximum", "the maximum (\(maximum)) must be at least the minimum (\(minimum)) and at most \(Reorder.largestQuantity)")
        }
        if !multiple.isPositive || multiple > Reorder.largestQuantity {
            return ("multiple", "the order multiple must be positive, not \(multiple)")
        }
        if let days = leadTimeDays, !(0...3650).contains(days) {
            return ("leadTimeDays", "the lead time is 0 to 3650 days, not \(days)")
        }
        return nil
    }
}
