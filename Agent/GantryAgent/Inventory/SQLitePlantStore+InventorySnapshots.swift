import Foundation
import GantryCore
import GRDB

/// What inventory decisions are taken on, read inside the caller's write transaction. Readers only read; the
/// refusals come from the decisions in Core (`UnitResolution`, `LocationDecision`, `StockAvailability`).
extension SQLitePlantStore {
    static func isCode(_ text: String) -> Bool { PlantIdentity.isLocalCode(text) }

    /// A master record of this plant's copy; a company's own record wins over a shared one with the same key.
    static func master(_ kind: MasterKind, _ key: String, in db: Database) throws -> MasterRecord? {
        try Row.fetchOne(db.cachedStatement(sql: """
            SELECT * FROM hub_masters INDEXED BY hub_masters_kind_key WHERE kind = ? AND key = ? ORDER BY company = '' LIMIT 1
            """), arguments: [kind.rawValue, key]).flatMap(heldMaster)
    }

    static func item(_ key: String, in db: Database) throws -> ItemMaster? {
        try master(.item, key, in: db).flatMap(ItemMaster.init)
    }

    /// What the masters say of the item a unit names: the owner of its scanned GTIN, and the item's master.
    static func masters(of spec: UnitSpec, in db: Database) throws -> UnitResolution.Snapshot {
        var gtinItem: String?
        if let gtin = spec.scanned?.gtin {
            gtinItem = try String.fetchOne(db.cachedStatement(sql: """
                SELECT item FROM item_gtins WHERE gtin = ? ORDER BY company = '' LIMIT 1
                """), arguments: [ItemMaster.normalised(gtin: gtin)])
        }
        let item = try UnitResolution.itemKey(of: spec, gtinItem: gtinItem).flatMap { try Self.item($0, in: db) }
        return UnitResolution.Snapshot(gtinItem: gtinItem, item: item)
    }

    /// The request's item (from its scan's GTIN or its name), lot, serial, expiry and quantity in base units,
    /// checked against the item's tracking (`UnitResolution`).
    static func resolve(_ spec: UnitSpec, in db: Database, quantityRequired: Bool = true) throws -> ResolvedUnit {
        try UnitResolution.decide(spec, try masters(of: spec, in: db), quantityRequired: quantityRequired)
    }

    /// The location as the plant holds it, active or not; nil when there is none.
    static func heldLocation(_ code: String, in db: Database) throws -> LocationDefined? {
        try LocationRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM locations WHERE code = ?"), arguments: [code])?.defined
    }

    /// The active location `code` names (`LocationDecision.usable`).
    static func location(_ code: String, in db: Database) throws -> LocationDefined {
        try LocationDecision.usable(code, found: try heldLocation(code, in: db))
    }

    static func stockRow(_ unit: ResolvedUnit, at location: String, in db: Database) throws -> Quantity {
        Quantity(micro: try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT quantity FROM stock WHERE item = ? AND location = ? AND lot = ? AND serial = ?
            """), arguments: [unit.item.key, location, unit.lot ?? "", unit.serial ?? ""]) ?? 0)
    }

    /// Refuses to take more of a stock row than is there and not reserved for others (any order, when
    /// `workOrder` is nil: a move takes only unreserved stock).
    static func requireFree(_ unit: ResolvedUnit, at location: String, for workOrder: String?, in db: Database) throws {
        try StockAvailability.requireFree(
            unit, at: location, held: try stockRow(unit, at: location, in: db),
            reservedForOthers: try reserved(unit, at: location, excluding: workOrder, in: db), for: workOrder)
    }

    /// What is reserved of a stock row, leaving out one work order's own reservations.
    static func reserved(_ unit: ResolvedUnit, at location: String, excluding workOrder: String?, in db: Database) throws -> Quantity {
        Quantity(micro: try Int64.fetchOne(db.cachedStatement(sql: """
            SELECT coalesce(sum(quantity), 0) FROM reservations
            WHERE item = ? AND location = ? AND lot = ? AND serial = ? AND work_order IS NOT ?
            """), arguments: [unit.item.key, location, unit.lot ?? "", unit.serial ?? "", workOrder]) ?? 0)
    }

    static func lotStatus(_ item: String, _ lot: String, in db: Database) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT status FROM lots WHERE item = ? AND lot = ?"), arguments: [item, lot])
    }

    static func lotExpiry(_ item: String, _ lot: String, in db: Database) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT expiry FROM lots WHERE item = ? AND lot = ?"), arguments: [item, lot])
    }

    /// The lot's dates as the plant holds them; nil for a lot it does not know.
    static func knownLot(_ item: String, _ lot: String, in db: Database) throws -> LotLabel.Dates? {
        try LotDatesRecord.fetchOne(
            db.cachedStatement(sql: "SELECT expiry, best_before, produced FROM lots WHERE item = ? AND lot = ?"), arguments: [item, lot])?.dates
    }

    /// Whether `id` names one of this plant's work orders (issues and outputs to it keep its rules).
    static func isWorkOrder(_ id: String, in db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM work_orders WHERE work_order = ?", arguments: [id]) == true
    }
}
