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
    public var price: String
    public var currency: String
    public var rank: Int
    /// Nonconforming parts per million received from this supplier at this plant (0 with no receipts).
    public var qualityPPM: Int

    public init(supplier: String, status: String, leadTimeDays: Int, price: String, currency: String, rank: Int, qualityPPM: Int) {
        self.supplier = supplier
        self.status = status
        self.leadTimeDays = leadTimeDays
        self.price = price
        self.currency = currency
        self.rank = rank
        self.qualityPPM = qualityPPM
    }

    /// Shortest lead time first, then lowest price, then best quality record, then the hub's rank.
    public static func ranked(_ alternates: [AlternateSupplier]) -> [AlternateSupplier] {
        alternates.sorted { lhs, rhs in
            if lhs.leadTimeDays != rhs.leadTimeDays { return lhs.leadTimeDays < rhs.leadTimeDays }
            let left = DecimalText.parse(lhs.price) ?? 0, right = DecimalText.parse(rhs.price) ?? 0
            if left != right { return left < right }
            if lhs.qualityPPM != rhs.qualityPPM { return lhs.qualityPPM < rhs.qualityPPM }
            return lhs.rank < rhs.rank
        }
    }
}
