import Foundation

/// A `supplier-category` master: a node of the supplier category tree.
public struct SupplierCategoryMaster: MasterView, Equatable {
    public static let kind = MasterKind.supplierCategory
    public var key = ""
    public var company: String?
    public var active = true
    public var name: String
    public var parent: String?

    private enum CodingKeys: String, CodingKey { case name, parent }
}

/// A `supplier` master: who the plant may buy from, and in which categories.
public struct SupplierMaster: MasterView, Equatable {
    /// Where a supplier stands on the approved list.
    public enum Status: String, Sendable, Codable, CaseIterable {
        case approved, conditional, pending, blocked

        /// Purchase orders may go to the supplier.
        public var isApproved: Bool { self == .approved || self == .conditional }
    }

    public static let kind = MasterKind.supplier
    public var key = ""
    public var company: String?
    public var active = true
    public var name: String
    public var status: Status
    /// Supplier category codes.
    public var categories: [String]
    public var country: String?
    public var email: String?

    private enum CodingKeys: String, CodingKey { case name, status, categories, country, email }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        status = try container.decode(Status.self, forKey: .status)
        categories = try container.decodeIfPresent([String].self, forKey: .categories) ?? []
        country = try container.decodeIfPresent(String.self, forKey: .country)
        email = try container.decodeIfPresent(String.self, forKey: .email)
    }

    /// On the approved list and not retired: purchase orders may go to the supplier.
    public var takesOrders: Bool { active && status.isApproved }
}

/// A `supplier-item` master (key `SUPPLIER:ITEM`): a supplier's terms for an item.
public struct SupplierItemMaster: MasterView, Equatable {
    public static let kind = MasterKind.supplierItem
    public var key = ""
    public var company: String?
    public var active = true
    public var supplier: String
    public var item: String
    public var leadTimeDays: Int
    /// The unit price, per base unit of the item.
    public var price: Money
    /// The least the supplier sells in one line, in the item's base unit (nil when absent or finer than a quantity holds).
    public var minimumQuantity: Quantity?
    /// 1 = primary; higher = alternates.
    public var rank: Int

    private enum CodingKeys: String, CodingKey { case supplier, item, leadTimeDays, price, minimumQuantity, rank }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        supplier = try container.decode(String.self, forKey: .supplier)
        item = try container.decode(String.self, forKey: .item)
        leadTimeDays = try container.decode(Int.self, forKey: .leadTimeDays)
        price = try container.decode(Money.self, forKey: .price)
        minimumQuantity = try container.decodeIfPresent(String.self, forKey: .minimumQuantity).flatMap(Quantity.init(text:))
        rank = try container.decodeIfPresent(Int.self, forKey: .rank) ?? 1
    }
}
