import Foundation

/// What the plant needs of an item record from the hub: its unit, tracking, barcodes and unit conversions.
public struct ItemMaster: Sendable, Equatable {
    public enum Tracking: String, Sendable, Codable { case none, lot, serial }

    public var key: String
    public var description: String
    public var uom: String
    public var tracking: Tracking
    public var gtins: [String]
    /// Base units per unit: `["BOX": 12]` means a box holds 12 base units.
    public var conversions: [String: Decimal]
    public var shelfLifeDays: Int?
    public var active: Bool

    /// Reads an `item` master record; nil when it is not one or lacks what the plant needs.
    public init?(_ record: MasterRecord) {
        guard record.kind == .item, case .object(let data) = record.data,
              case .string(let uom)? = data["uom"], case .string(let trackingName)? = data["tracking"],
              let tracking = Tracking(rawValue: trackingName) else { return nil }
        key = record.key
        active = record.active
        self.uom = uom
        self.tracking = tracking
        if case .string(let text)? = data["description"] { description = text } else { description = record.key }
        gtins = []
        if case .array(let values)? = data["gtins"] {
            gtins = values.compactMap { if case .string(let gtin) = $0 { Self.normalised(gtin: gtin) } else { nil } }
        }
        conversions = [:]
        if case .array(let values)? = data["conversions"] {
            for value in values {
                if case .object(let conversion) = value, case .string(let unit)? = conversion["uom"],
                   case .string(let factorText)? = conversion["factor"], let factor = DecimalText.parse(factorText) {
                    conversions[unit] = factor
                }
            }
        }
        if case .number(let days)? = data["shelfLifeDays"] { shelfLifeDays = Int(days) }
    }

    /// `quantity` of `unit` in base units; nil for a unit the item has no conversion for, or an inexact result.
    public func baseQuantity(_ quantity: Quantity, unit: String?) -> Quantity? {
        guard let unit, unit != uom else { return quantity }
        guard let factor = conversions[unit] else { return nil }
        return quantity.times(factor)
    }

    /// GTIN-8/12/13 padded to the 14 digits of AI (01), so every form of a barcode finds the item.
    public static func normalised(gtin: String) -> String {
        String(repeating: "0", count: max(0, 14 - gtin.count)) + gtin
    }
}
