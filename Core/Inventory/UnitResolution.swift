import Foundation

/// Which unit a request is about: its item (from the scan's GTIN or the named item), lot, serial, expiry and
/// quantity in base units, checked against the item's tracking. Pure: the store reads the snapshot.
public enum UnitResolution {
    /// What the plant's masters say about the request's item.
    public struct Snapshot: Sendable, Equatable {
        /// The item the scanned GTIN belongs to; nil when the scan has no GTIN or no item has it.
        public var gtinItem: String?
        /// The master of the item the request is about (see `itemKey(of:gtinItem:)`); nil when there is none.
        public var item: ItemMaster?

        public init(gtinItem: String?, item: ItemMaster?) {
            self.gtinItem = gtinItem
            self.item = item
        }
    }

    /// The item whose master the snapshot holds: the GTIN's item when the scan carries a GTIN, else the named one.
    public static func itemKey(of spec: UnitSpec, gtinItem: String?) -> String? {
        spec.scanned?.gtin != nil ? gtinItem : spec.item
    }

    /// Resolves `spec` against the masters, or refuses it. Without `quantityRequired` (a count line) a unit may
    /// come without a quantity and is not checked for one.
    public static func decide(_ spec: UnitSpec, _ snapshot: Snapshot, quantityRequired: Bool = true) throws -> ResolvedUnit {
        var key = spec.item
        if let gtin = spec.scanned?.gtin {
            guard let found = snapshot.gtinItem else {
                throw InventoryRefusal(.unknownItem, "GTIN \(gtin) belongs to no item in this plant's masters", field: "scan")
            }
            if let named = spec.item, named != found {
                throw InventoryRefusal(.wrongItem, "the scan is GTIN \(gtin) of \(found), the request names \(named)", field: "item")
            }
            key = found
        }
        guard let key else { throw InventoryRefusal(.unknownItem, "scan a barcode with a GTIN or name the item", field: "item") }
        guard let item = snapshot.item, item.key == key else {
            throw InventoryRefusal(.unknownItem, "no item \(key) in this plant's masters", field: "item")
        }
        guard item.active else { throw InventoryRefusal(.unknownItem, "item \(key) is retired", field: "item") }
        let (lot, serial) = try tracked(spec, item)
        let quantity = try quantity(spec, item, required: quantityRequired)
        return ResolvedUnit(
            item: item, lot: lot, serial: serial, expiry: spec.scanned?.expiry ?? spec.expiry, quantity: quantity,
            bestBefore: spec.scanned?.bestBefore, produced: spec.scanned?.productionDate)
    }

    /// The lot and serial the item's tracking keeps, when the scan and the fields agree.
    static func tracked(_ spec: UnitSpec, _ item: ItemMaster) throws -> (lot: String?, serial: String?) {
        let key = item.key
        let lot = spec.scanned?.lot ?? spec.lot, serial = spec.scanned?.serial ?? spec.serial
        if let named = spec.lot, let scanned = spec.scanned?.lot, named != scanned {
            throw InventoryRefusal(.invalid, "the scan says lot \(scanned), the request \(named)", field: "lot")
        }
        if let named = spec.serial, let scanned = spec.scanned?.serial, named != scanned {
            throw InventoryRefusal(.invalid, "the scan says serial \(scanned), the request \(named)", field: "serial")
        }
        if let named = spec.expiry, let scanned = spec.scanned?.expiry, named != scanned {
            throw InventoryRefusal(.invalid, "the scan says expiry \(scanned), the request \(named)", field: "expiry")
        }
        switch item.tracking {
        case .none:
            return (nil, nil)
        case .lot:
            guard let value = lot, !value.isEmpty else {
                throw InventoryRefusal(.lotRequired, "\(key) is lot-tracked: scan the label with the lot (AI 10) or give the lot", field: "lot")
            }
            return (lot, nil)
        case .serial:
            guard let value = serial, !value.isEmpty else {
                throw InventoryRefusal(.serialRequired, "\(key) is serial-tracked: scan the label with the serial (AI 21) or give the serial", field: "serial")
            }
            return (lot, serial)
        }
    }

    /// The quantity in base units: the request's (converted from its unit), else the scan's count, else one serial.
    static func quantity(_ spec: UnitSpec, _ item: ItemMaster, required: Bool) throws -> Quantity {
        let key = item.key
        var quantity = Quantity.zero
        if let given = spec.quantity {
            guard let base = item.baseQuantity(given, unit: spec.uom) else {
                throw InventoryRefusal(.unknownUnit, "\(key) has no conversion from \(spec.uom ?? "-") to \(item.uom)", field: "uom")
            }
            quantity = base
        } else if let scanned = spec.scanned?.quantity {
            quantity = scanned
        } else if item.tracking == .serial {
            quantity = Quantity(1)
        } else if required {
            throw InventoryRefusal(.quantityRequired, "how many? give the quantity (the scan carries no count)", field: "quantity")
        }
        guard required else { return quantity }
        guard quantity.isPositive else { throw InventoryRefusal(.invalid, "the quantity must be positive", field: "quantity") }
        if item.tracking == .serial, quantity != Quantity(1) {
            throw InventoryRefusal(.serialQuantity, "\(key) is serial-tracked: one serial is one unit, not \(quantity)", field: "quantity")
        }
        if item.uom == "EA" || item.tracking == .serial, !quantity.isWhole {
            throw InventoryRefusal(.invalid, "\(key) is counted in whole \(item.uom), not \(quantity)", field: "quantity")
        }
        return quantity
    }
}
