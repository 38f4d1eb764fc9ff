import Foundation
import GantryCore
import GRDB

// Rows of the inventory tables as the store reads them. Quantities are millionths of the item's base unit; lot and
// serial are '' for none.

/// A row of `locations`.
struct LocationRecord: Decodable, FetchableRecord {
    var code: String
    var type: String
    var warehouse: String
    var zone: String?
    var bin: String?
    var active: Bool

    var defined: LocationDefined {
        LocationDefined(code: code, type: LocationType(rawValue: type) ?? .storage, warehouse: warehouse, zone: zone, bin: bin, active: active)
    }
}

/// What a receipt needs of a row of `purchase_order_lines`.
struct OrderLineRecord: Decodable, FetchableRecord {
    var item: String
    var ordered: Int64
    var received: Int64
    var tolerancePercent: String

    enum CodingKeys: String, CodingKey {
        case item, ordered, received
        case tolerancePercent = "tolerance_percent"
    }

    var line: ReceiptDecision.OrderLine {
        ReceiptDecision.OrderLine(
            item: item, ordered: Quantity(micro: ordered), received: Quantity(micro: received),
            tolerancePercent: Quantity(text: tolerancePercent) ?? .zero)
    }
}

/// A row of `stock` with its location's type, its lot's expiry and status, and what is reserved of it.
struct StockPlaceRecord: Decodable, FetchableRecord {
    var item: String
    var location: String
    var lot: String
    var serial: String
    var quantity: Int64
    var type: String
    var expiry: String?
    var status: String
    var reserved: Int64

    /// The columns every query of this record selects, from `stock s`, `locations loc` and `lots l`.
    static let selection = """
        s.item, s.location, s.lot, s.serial, s.quantity, loc.type, l.expiry, coalesce(l.status, 'available') AS status,
            (SELECT coalesce(sum(r.quantity), 0) FROM reservations r
              WHERE r.item = s.item AND r.location = s.location AND r.lot = s.lot AND r.serial = s.serial) AS reserved
        """

    var locationType: LocationType { LocationType(rawValue: type) ?? .storage }
    var held: Bool { status == "quarantined" }

    var candidate: FEFOAllocation.Candidate {
        FEFOAllocation.Candidate(
            item: item, location: location, lot: lot, serial: serial, locationType: locationType, held: held, expiry: expiry,
            quantity: Quantity(micro: quantity), reserved: Quantity(micro: reserved))
    }
}

/// An item, lot and serial with a quantity: a row of `stock` at one location, or what was issued to a work order.
struct UnitQuantityRecord: FetchableRecord {
    var item: String
    var lot: String
    var serial: String
    var quantity: Int64

    enum Columns {
        static let item = Column("item"), lot = Column("lot"), serial = Column("serial"), quantity = Column("quantity")
    }

    /// Read column by column (a count reads every stock row of its location; `Decodable` costs several times more).
    init(row: Row) throws {
        item = try row.decode(forColumn: Columns.item)
        lot = try row.decode(forColumn: Columns.lot)
        serial = try row.decode(forColumn: Columns.serial)
        quantity = try row.decode(forColumn: Columns.quantity)
    }

    var key: StockKey { StockKey(item: item, lot: lot, serial: serial) }
    var unit: StockUnit { StockUnit(stored: item, lot: lot, serial: serial) }
}

/// A lot's dates from `lots`.
struct LotDatesRecord: Decodable, FetchableRecord {
    var expiry: String?
    var bestBefore: String?
    var produced: String?

    enum CodingKeys: String, CodingKey {
        case expiry, produced
        case bestBefore = "best_before"
    }

    var dates: LotLabel.Dates { LotLabel.Dates(expiry: expiry, bestBefore: bestBefore, produced: produced) }
}

/// A row of `reservations`.
struct ReservationRecord: Decodable, FetchableRecord {
    var reservationId: String
    var workOrder: String
    var item: String
    var location: String
    var lot: String
    var serial: String
    var quantity: Int64

    enum CodingKeys: String, CodingKey {
        case item, location, lot, serial, quantity
        case reservationId = "reservation_id"
        case workOrder = "work_order"
    }

    var held: ReservationDecision.Held {
        ReservationDecision.Held(id: reservationId, workOrder: workOrder, quantity: Quantity(micro: quantity))
    }

    var reservation: StockReserved.Reservation {
        StockReserved.Reservation(
            reservationId: UUID(uuidString: reservationId)!, item: item, location: location, lot: lot.nilIfEmpty, serial: serial.nilIfEmpty,
            quantity: Quantity(micro: quantity))
    }
}

/// A row of `genealogy`.
struct GenealogyRecord: Decodable, FetchableRecord {
    var workOrder: String
    var outputItem: String
    var outputLot: String
    var outputSerial: String
    var inputItem: String
    var inputLot: String
    var inputSerial: String
    var quantity: Int64

    enum CodingKeys: String, CodingKey {
        case quantity
        case workOrder = "work_order"
        case outputItem = "output_item", outputLot = "output_lot", outputSerial = "output_serial"
        case inputItem = "input_item", inputLot = "input_lot", inputSerial = "input_serial"
    }

    var output: StockUnit { StockUnit(stored: outputItem, lot: outputLot, serial: outputSerial) }
    var input: StockUnit { StockUnit(stored: inputItem, lot: inputLot, serial: inputSerial) }
}

/// A row of the move ledger `stock_moves`.
struct StockMoveRecord: Decodable, FetchableRecord {
    var seq: Int64
    var moveId: String
    var at: String
    var kind: String
    var item: String
    var lot: String
    var serial: String
    var quantity: Int64
    var fromLocation: String?
    var toLocation: String?
    var referenceKind: String?
    var referenceId: String?
    var reason: String?

    enum CodingKeys: String, CodingKey {
        case seq, at, kind, item, lot, serial, quantity, reason
        case moveId = "move_id"
        case fromLocation = "from_location", toLocation = "to_location"
        case referenceKind = "reference_kind", referenceId = "reference_id"
    }

    var move: LedgerMove {
        let reference = referenceKind.flatMap(MoveReference.Kind.init(rawValue:)).map { MoveReference(kind: $0, id: referenceId ?? "") }
        return LedgerMove(
            sequence: seq, moveId: UUID(uuidString: moveId)!, at: Timestamp.parse(at) ?? .distantPast, kind: MoveKind(rawValue: kind) ?? .move,
            item: item, lot: lot.nilIfEmpty, serial: serial.nilIfEmpty, quantity: Quantity(micro: quantity), from: fromLocation, to: toLocation,
            reference: reference, reason: reason)
    }
}

/// A row of `stock_counts`.
struct StockCountRecord: Decodable, FetchableRecord {
    var countId: String
    var location: String
    var at: String
    var lines: Int
    var exactLines: Int

    enum CodingKeys: String, CodingKey {
        case location, at, lines
        case countId = "count_id"
        case exactLines = "exact_lines"
    }

    var record: CountRecord {
        CountRecord(
            countId: UUID(uuidString: countId)!, location: location, at: Timestamp.parse(at) ?? .distantPast, lines: lines,
            exactLines: exactLines, accuracy: lines == 0 ? 1 : Double(exactLines) / Double(lines))
    }
}

/// A stored answer of `inventory_requests`.
struct InventoryRequestRecord: Decodable, FetchableRecord {
    var kind: String
    var fingerprint: String
    var answer: String
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
