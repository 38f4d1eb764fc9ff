import Foundation

/// What a scan says about a unit of stock, as the GS1 parser read it.
public struct ScannedUnit: Sendable, Equatable {
    public var gtin: String?
    public var lot: String?
    public var serial: String?
    /// `YYYY-MM-DD` (AI 17).
    public var expiry: String?
    /// A count of trade items (AI 30 or 37).
    public var quantity: Quantity?
    /// `YYYY-MM-DD` (AI 15 and AI 11): a lot keeps them as it keeps its expiry.
    public var bestBefore: String?
    public var productionDate: String?

    public init(
        gtin: String? = nil, lot: String? = nil, serial: String? = nil, expiry: String? = nil, quantity: Quantity? = nil,
        bestBefore: String? = nil, productionDate: String? = nil
    ) {
        self.gtin = gtin
        self.lot = lot
        self.serial = serial
        self.expiry = expiry
        self.quantity = quantity
        self.bestBefore = bestBefore
        self.productionDate = productionDate
    }

    public init(_ message: GS1Message) {
        self.init(
            gtin: message.gtin, lot: message.batch, serial: message.serial, expiry: message.expiry?.iso,
            quantity: message.quantity.flatMap { Quantity(text: $0) }, bestBefore: message.bestBefore?.iso,
            productionDate: message.productionDate?.iso)
    }
}

/// The stock unit a request is about: from a scan, from named fields, or both (they must agree).
public struct UnitSpec: Sendable, Equatable {
    /// The raw scan, kept with the move.
    public var scan: String?
    public var scanned: ScannedUnit?
    public var item: String?
    public var lot: String?
    public var serial: String?
    public var expiry: String?
    /// In `uom` (the item's base unit when absent); a scan's own count is used when this is absent.
    public var quantity: Quantity?
    public var uom: String?

    public init(
        scan: String? = nil, scanned: ScannedUnit? = nil, item: String? = nil, lot: String? = nil, serial: String? = nil,
        expiry: String? = nil, quantity: Quantity? = nil, uom: String? = nil
    ) {
        self.scan = scan
        self.scanned = scanned
        self.item = item
        self.lot = lot
        self.serial = serial
        self.expiry = expiry
        self.quantity = quantity
        self.uom = uom
    }

    /// The request's own fields, for telling a retried request from a different one under the same id.
    public var fingerprint: String {
        [scan, item, lot, serial, expiry, quantity?.description, uom].map { $0 ?? "" }.joined(separator: "\u{1F}")
    }
}

/// A request's unit with its item master, in base units (`UnitResolution`).
public struct ResolvedUnit: Sendable, Equatable, CustomStringConvertible {
    public var item: ItemMaster
    public var lot: String?
    public var serial: String?
    public var expiry: String?
    public var quantity: Quantity
    /// What the scanned label says of the lot beside its expiry (AI 15, AI 11).
    public var bestBefore: String?
    public var produced: String?

    public init(
        item: ItemMaster, lot: String?, serial: String?, expiry: String?, quantity: Quantity, bestBefore: String? = nil, produced: String? = nil
    ) {
        self.item = item
        self.lot = lot
        self.serial = serial
        self.expiry = expiry
        self.quantity = quantity
        self.bestBefore = bestBefore
        self.produced = produced
    }

    public var description: String { StockUnit(item: item.key, lot: lot, serial: serial).description }
    /// The lot dates the unit's label names.
    public var labelDates: LotLabel.Dates { LotLabel.Dates(expiry: expiry, bestBefore: bestBefore, produced: produced) }
}

/// Item, lot and serial as stored ('' for none), ordered for stable output.
public struct StockKey: Sendable, Hashable, Comparable {
    public var item: String
    public var lot: String
    public var serial: String

    public init(item: String, lot: String, serial: String) {
        self.item = item
        self.lot = lot
        self.serial = serial
    }

    public init(_ unit: ResolvedUnit) {
        self.init(item: unit.item.key, lot: unit.lot ?? "", serial: unit.serial ?? "")
    }

    public static func < (lhs: StockKey, rhs: StockKey) -> Bool { (lhs.item, lhs.lot, lhs.serial) < (rhs.item, rhs.lot, rhs.serial) }
}
