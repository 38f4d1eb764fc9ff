import Foundation

/// A plant set its reorder rule for an item: keep the projected position above `minimum` by ordering up to
/// `maximum` in multiples of `multiple`. Quantities are in the item's base unit.
public struct ReorderRuleDefined: PlantEvent {
    public static let eventType = "ReorderRuleDefined"
    public static let schemaVersion = 1

    public var item: String
    public var minimum: Quantity
    public var maximum: Quantity
    public var multiple: Quantity
    /// The supplier to order from; nil: the best approved one of the hub's supplier items.
    public var supplier: String?
    /// Calendar days from order to delivery; nil: the supplier item's lead time.
    public var leadTimeDays: Int?

    public init(item: String, minimum: Quantity, maximum: Quantity, multiple: Quantity, supplier: String?, leadTimeDays: Int?) {
        self.item = item
        self.minimum = minimum
        self.maximum = maximum
        self.multiple = multiple
        self.supplier = supplier
        self.leadTimeDays = leadTimeDays
    }
}

/// A plant removed its reorder rule for an item: the item is no longer reordered automatically.
public struct ReorderRuleDeleted: PlantEvent {
    public static let eventType = "ReorderRuleDeleted"
    public static let schemaVersion = 1

    public var item: String

    public init(item: String) {
        self.item = item
    }
}
