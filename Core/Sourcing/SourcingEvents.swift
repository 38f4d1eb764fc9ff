import Foundation

/// A supplier committed to a purchase order line: the date and quantity it confirmed.
public struct SupplierCommitmentRecorded: PlantEvent {
    public static let eventType = "SupplierCommitmentRecorded"
    public static let schemaVersion = 1

    public var order: String
    public var line: Int
    public var supplier: String
    /// `YYYY-MM-DD`.
    public var confirmedDue: String
    public var confirmedQuantity: Quantity

    public init(order: String, line: Int, supplier: String, confirmedDue: String, confirmedQuantity: Quantity) {
        self.order = order
        self.line = line
        self.supplier = supplier
        self.confirmedDue = confirmedDue
        self.confirmedQuantity = confirmedQuantity
    }
}

/// Something a person must act on, raised at the plant and sent out as a signed webhook.
public struct AlertRaised: PlantEvent {
    public static let eventType = "AlertRaised"
    public static let schemaVersion = 1

    public var alertId: UUID
    /// `supplier-delay`, `supplier-overdue`, `supplier-unconfirmed`, `approval-requested`, `approval-decided`.
    public var kind: String
    public var summary: String
    /// The alert's facts, as the webhook body carries them.
    public var details: JSONValue

    public init(alertId: UUID, kind: String, summary: String, details: JSONValue) {
        self.alertId = alertId
        self.kind = kind
        self.summary = summary
        self.details = details
    }
}

/// Another supplier that could deliver an item, as the hub's supplier masters describe it.
public struct AlternateSupplier: Sendable, Equatable, Codable {
    public var supplier: String
    public var status: String
    public var leadTimeDays: Int
    /// The supplier item's unit price; travels as `price` (decimal text) and `currency`.
    public var unitPrice: Money
    public var rank: Int
    /// Nonconforming parts per million received from this supplier at this plant (0 with no receipts).
    public var qualityPPM: Int

    public init(supplier: String, status: String, leadTimeDays: Int, unitPrice: Money, rank: Int, qualityPPM: Int) {
        self.supplier = supplier
        self.status = status
        self.leadTimeDays = leadTimeDays
        self.unitPrice = unitPrice
        self.rank = rank
        self.qualityPPM = qualityPPM
    }

    private enum CodingKeys: String, CodingKey { case supplier, status, leadTimeDays, price, currency, rank, qualityPPM }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let price = try container.decodeFlattenedMoney(amount: .price, currency: .currency) else {
            throw DecodingError.keyNotFound(CodingKeys.price, .init(codingPath: container.codingPath, debugDescription: "an alternate needs its price"))
        }
        self.init(
            supplier: try container.decode(String.self, forKey: .supplier), status: try container.decode(String.self, forKey: .status),
            leadTimeDays: try container.decode(Int.self, forKey: .leadTimeDays), unitPrice: price,
            rank: try container.decode(Int.self, forKey: .rank), qualityPPM: try container.decode(Int.self, forKey: .qualityPPM))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(supplier, forKey: .supplier)
        try container.encode(status, forKey: .status)
        try container.encode(leadTimeDays, forKey: .leadTimeDays)
        try container.encodeFlattened(unitPrice, amount: .price, currency: .currency)
        try container.encode(rank, forKey: .rank)
        try container.encode(qualityPPM, forKey: .qualityPPM)
    }

    /// Shortest lead time first, then lowest price (prices in one currency; across currencies the price does not
    /// decide), then best quality record, then the hub's rank.
    public static func ranked(_ alternates: [AlternateSupplier]) -> [AlternateSupplier] {
        alternates.sorted { lhs, rhs in
            if lhs.leadTimeDays != rhs.leadTimeDays { return lhs.leadTimeDays < rhs.leadTimeDays }
            let left = lhs.unitPrice, right = rhs.unitPrice
            if left.currency == right.currency, left.amount != right.amount { return left.amount < right.amount }
            if lhs.qualityPPM != rhs.qualityPPM { return lhs.qualityPPM < rhs.qualityPPM }
            return lhs.rank < rhs.rank
        }
    }
}
