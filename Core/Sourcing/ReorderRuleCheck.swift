import Foundation

extension Reorder {
    /// The rule as kept: its quantities converted from `uom` (nil: the item's base unit) into the item's base unit,
    /// or the refusal naming the field at fault. `item` is the rule's item master (nil: the plant holds none);
    /// `supplierHeld` says whether the plant holds the supplier the rule names (true when it names none).
    public static func check(
        _ given: ReorderRuleDefined, uom: String?, item: ItemMaster?, supplierHeld: Bool
    ) throws(SourcingRefusal) -> ReorderRuleDefined {
        guard let item else { throw SourcingRefusal(.unknownItem, "no item \(given.item) in this plant's masters", field: "item") }
        guard item.active else { throw SourcingRefusal(.unknownItem, "item \(given.item) is retired", field: "item") }
        var rule = given
        let quantities: [(String, WritableKeyPath<ReorderRuleDefined, Quantity>)] = [("minimum", \.minimum), ("maximum", \.maximum), ("multiple", \.multiple)]
        for (field, path) in quantities {
            guard let base = item.baseQuantity(given[keyPath: path], unit: uom) else {
                throw SourcingRefusal(.unknownUnit, "\(item.key) has no exact conversion of the \(field) from \(uom ?? "-") to \(item.uom)", field: "uom")
            }
            rule[keyPath: path] = base
        }
        if let invalid = rule.invalidField { throw SourcingRefusal(.invalid, invalid.detail, field: invalid.field) }
        if item.uom == "EA" || item.tracking == .serial, !rule.multiple.isWhole {
            throw SourcingRefusal(.invalid, "\(item.key) is counted in whole \(item.uom): the multiple cannot be \(rule.multiple)", field: "multiple")
        }
        if let supplier = rule.supplier, !supplierHeld {
            throw SourcingRefusal(.invalid, "no supplier \(supplier) in this plant's masters", field: "supplier")
        }
        return rule
    }
}
