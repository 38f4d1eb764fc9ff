import Foundation
import GantryCore
import GRDB

/// Supplier commitments, late and unconfirmed purchase order lines, and the alerts they raise.
extension SQLitePlantStore {
    /// Records a supplier's confirmation of a line. If the confirmed date is later than the work orders fed by the
    /// line need it, a `supplier-delay` alert names those orders and the alternate suppliers.
    public func recordCommitment(order: String, line: Int, due: String, quantity: Quantity) async throws -> PurchaseLineException? {
        let at = now()
        try await writer.write { db in
            try PurchaseLineWatch.checkCommitment(due: due, quantity: quantity)
            guard let supplier = try String.fetchOne(db, sql: "SELECT supplier FROM purchase_order_lines WHERE purchase_order = ? AND line = ?",
                                                     arguments: [order, line]) else {
                throw SourcingRefusal(.notFound, "no purchase order line \(order)/\(line)")
            }
            try db.execute(sql: """
                UPDATE purchase_order_lines SET confirmed_due = ?, confirmed_quantity = ?, confirmed_at = ? WHERE purchase_order = ? AND line = ?
                """, arguments: [due, quantity.micro, Timestamp.format(at), order, line])
            _ = try Self.append(SupplierCommitmentRecorded(order: order, line: line, supplier: supplier, confirmedDue: due, confirmedQuantity: quantity),
                                occurredAt: at, recordedAt: at, in: db)
        }
        let exception = try await purchaseExceptions(unconfirmedAfter: .infinity).first { $0.order == order && $0.line == line && $0.kind == "supplier-delay" }
        if let exception { try await raise(exception) }
        return exception
    }

    /// Open lines that need a buyer: confirmed later than needed (`supplier-delay`), past their date
    /// (`supplier-overdue`), or not confirmed within `unconfirmedAfter` seconds of being placed (`supplier-unconfirmed`).
    public func purchaseExceptions(unconfirmedAfter: TimeInterval) async throws -> [PurchaseLineException] {
        let at = now()
        let readiness = try await readiness(workOrder: nil)
        return try await pool.read { db in
            let days = try Self.plantDays(in: db), today = days.day(at)
            var exceptions: [PurchaseLineException] = []
            // The hub's supplier items, read once and only when a line needs alternates.
            var offers: [String: [Reorder.Offer]]?
            for row in try OpenPurchaseLineRow.fetchAll(db, sql: """
                SELECT purchase_order, line, supplier, item, ordered, received, due, confirmed_due, confirmed_quantity, placed_at
                FROM purchase_order_lines WHERE received < ordered ORDER BY purchase_order, line
                """) {
                let (order, line, item, supplier) = (row.purchaseOrder, row.line, row.item, row.supplier)
                let source = "\(order)/\(line)"
                let fed = readiness.filter { order in order.components.contains { $0.item == item && $0.coveredBy.contains(source) } }
                let neededBy = fed.map { days.day($0.plannedStart) }.min()
                let confirmed = row.confirmedDue, due = row.due
                // A partial confirmation dates only its quantity: the line is overdue when any part still open is.
                let portions = SupplyLine(
                    item: item, source: source, ordered: Quantity(micro: row.ordered), received: Quantity(micro: row.received), due: due,
                    confirmedDue: confirmed, confirmedQuantity: row.confirmedQuantity.map(Quantity.init(micro:))).portions
                guard let kind = PurchaseLineWatch.kind(
                    confirmed: confirmed, neededBy: neededBy, openDue: portions.compactMap(\.due).min(), today: today,
                    placedAt: row.placedAt.flatMap(Timestamp.parse), now: at, unconfirmedAfter: unconfirmedAfter) else { continue }
                if offers == nil { offers = try Self.supplierOffers(in: db) }
                exceptions.append(PurchaseLineException(
                    kind: kind.rawValue, order: order, line: line, supplier: supplier, item: item,
                    open: Quantity(micro: row.ordered - row.received), due: due, confirmedDue: confirmed,
                    neededBy: neededBy, affectedWorkOrders: fed.map(\.workOrder),
                    alternates: AlternateSupplier.ranked(try Self.alternates(among: offers?[item] ?? [], except: supplier, in: db))))
            }
            return exceptions
        }
    }

    /// Raises an alert for an exception once (the same line and kind raise one alert).
    public func raise(_ exception: PurchaseLineException) async throws {
        let at = now()
        try await writer.write { db in
            let key = "\(exception.kind):\(exception.order)/\(exception.line)" + (exception.confirmedDue.map { "@\($0)" } ?? "")
            try Self.raiseAlert(kind: exception.kind, key: key, summary: exception.summary, details: try JSONValue.encoding(exception), at: at, in: db)
        }
    }

    /// Raises an alert inside the caller's write, once per `key`: a row the webhook service delivers, and its event.
    static func raiseAlert(kind: String, key: String, summary: String, details: JSONValue, at: Date, in db: Database) throws {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM alerts WHERE key = ?", arguments: [key]) != true else { return }
        let alert = AlertRaised(alertId: UUID(), kind: kind, summary: summary, details: details)
        try db.execute(sql: """
            INSERT INTO alerts (alert_id, key, kind, summary, body, raised_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [alert.alertId.uuidString, key, alert.kind, alert.summary, try alert.payloadJSON(), Timestamp.format(at), Timestamp.format(at)])
        _ = try append(alert, occurredAt: at, recordedAt: at, in: db)
    }

    public func alerts() async throws -> [AlertRecord] {
        try await pool.read { db in
            try AlertRow.fetchAll(db, sql: "SELECT * FROM alerts ORDER BY raised_at").map { row in
                let deliveries = try AlertDeliveryRow.fetchAll(
                    db, sql: "SELECT * FROM alert_deliveries WHERE alert_id = ? ORDER BY attempt", arguments: [row.alertId]).map { delivery in
                    AlertRecord.Delivery(attempt: delivery.attempt, at: Timestamp.parse(delivery.at) ?? .distantPast, url: delivery.url,
                                         status: delivery.status, error: delivery.error)
                }
                return AlertRecord(
                    alertId: UUID(uuidString: row.alertId)!, kind: row.kind, summary: row.summary, details: try JSONValue.parse(row.body),
                    raisedAt: Timestamp.parse(row.raisedAt) ?? .distantPast, deliveredAt: row.deliveredAt.flatMap(Timestamp.parse),
                    deliveries: deliveries)
            }
        }
    }

    /// Sends goods back against a purchase order line (`ORDER/LINE`): they leave stock as a `return` move and the
    /// line's received quantity goes down by them, so the line is owed them again (`PurchaseReturn`).
    public func returnToSupplier(_ intent: IssueIntent, reason: String) async throws -> MoveAnswer {
        let at = now()
        return try await writer.write { db in
            try Self.idempotent(intent.requestID, kind: "return", fingerprint: [intent.workOrder, intent.unit.fingerprint, intent.from, reason], in: db) {
                guard let (order, number) = PurchaseReturn.lineReference(intent.workOrder) else {
                    throw InventoryRefusal(.invalid, "order names the purchase order line as ORDER/LINE, not \(intent.workOrder)", field: "order")
                }
                guard let row = try OrderedLineRow.fetchOne(
                    db, sql: "SELECT item, ordered, received, due FROM purchase_order_lines WHERE purchase_order = ? AND line = ?", arguments: [order, number])
                else { throw InventoryRefusal(.unknownOrder, "no purchase order line \(order)/\(number) at this plant", field: "order") }
                let unit = try Self.resolve(intent.unit, in: db)
                _ = try Self.location(intent.from, in: db)
                let line = SupplyLine(item: row.item, source: "\(order)/\(number)", ordered: Quantity(micro: row.ordered),
                                      received: Quantity(micro: row.received), due: row.due)
                let received: Quantity, open: Quantity
                switch PurchaseReturn.decide(line, item: unit.item.key, quantity: unit.quantity) {
                case .accepted(let after, let owed):
                    (received, open) = (after, owed)
                case .wrongItem(let lineItem):
                    throw InventoryRefusal(.wrongItem, "\(order)/\(number) is for \(lineItem); \(unit.item.key) is not returned against it", field: "order")
                case .moreThanReceived(let held):
                    throw InventoryRefusal(.overReturn, "\(order)/\(number) has \(held) received (less earlier returns); \(unit.quantity) cannot go back against it")
                }
                try Self.requireFree(unit, at: intent.from, for: nil, in: db)
                try db.execute(sql: "UPDATE purchase_order_lines SET received = ? WHERE purchase_order = ? AND line = ?",
                               arguments: [received.micro, order, number])
                var answer = try Self.move(.returned, unit, from: intent.from, to: nil, reference: MoveReference(kind: .purchaseOrderLine, id: "\(order)/\(number)"),
                                           scan: intent.unit.scan, reason: reason, requestID: intent.requestID, at: at, in: db)
                answer.purchaseOrder = .init(order: order, line: number, received: received, ordered: line.ordered)
                answer.message = "Returned \(unit.quantity) \(unit.item.uom) of \(unit.description) from \(intent.from) against \(order)/\(number): \(reason). "
                    + "\(received) of \(line.ordered) received, \(open) owed again."
                return answer
            }
        }
    }

    /// The supplier a lot came from, by the purchase order line it was received against.
    static func supplier(ofLot lot: String, item: String, in db: Database) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT p.supplier FROM stock_moves m JOIN purchase_order_lines p ON m.reference_id = p.purchase_order || '/' || p.line
            WHERE m.kind = 'receipt' AND m.reference_kind = 'purchase-order-line' AND m.item = ? AND m.lot = ? ORDER BY m.seq LIMIT 1
            """, arguments: [item, lot])
    }

    /// Alerts not delivered yet whose next attempt is due.
    func alertsDue(at date: Date) async throws -> [(id: UUID, body: String, attempts: Int)] {
        try await pool.read { db in
            try DueAlertRow.fetchAll(db, sql: """
                SELECT alert_id, body, attempts FROM alerts WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY raised_at LIMIT 50
                """, arguments: [Timestamp.format(date)]).map { (UUID(uuidString: $0.alertId)!, $0.body, $0.attempts) }
        }
    }

    /// Logs a delivery attempt; a failure schedules the next one at `retryAt`.
    func recordDelivery(_ id: UUID, url: String, status: Int?, error: String?, delivered: Bool, retryAt: Date) async throws {
        let at = now()
        try await writer.write { db in
            let attempt = (try Int.fetchOne(db, sql: "SELECT attempts FROM alerts WHERE alert_id = ?", arguments: [id.uuidString]) ?? 0) + 1
            try db.execute(sql: "INSERT INTO alert_deliveries (alert_id, attempt, at, url, status, error) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [id.uuidString, attempt, Timestamp.format(at), url, status, error])
            try db.execute(sql: """
                UPDATE alerts SET attempts = ?, delivered_at = ?, next_attempt_at = ? WHERE alert_id = ?
                """, arguments: [attempt, delivered ? Timestamp.format(at) : nil, Timestamp.format(retryAt), id.uuidString])
        }
    }

    /// The other approved suppliers among an item's `offers` (`supplierOffers`), with this plant's quality record of them.
    static func alternates(among offers: [Reorder.Offer], except current: String, in db: Database) throws -> [AlternateSupplier] {
        let offers = offers.filter { $0.supplier != current && ($0.status == "approved" || $0.status == "conditional") }
        return try offers.map { offer in
            // Everything received from the supplier, returns included: a line's `received` is net of returns.
            let received = try Int64.fetchOne(db, sql: """
                SELECT coalesce(sum(m.quantity), 0) FROM stock_moves m JOIN purchase_order_lines p ON m.reference_id = p.purchase_order || '/' || p.line
                WHERE m.kind = 'receipt' AND m.reference_kind = 'purchase-order-line' AND p.supplier = ?
                """, arguments: [offer.supplier]) ?? 0
            let rejected = try Int64.fetchOne(
                db, sql: "SELECT coalesce(sum(quantity), 0) FROM nonconformances WHERE supplier = ?", arguments: [offer.supplier]) ?? 0
            return AlternateSupplier(
                supplier: offer.supplier, status: offer.status, leadTimeDays: offer.leadTimeDays, unitPrice: offer.unitPrice,
                rank: offer.rank, qualityPPM: received > 0 ? Int(Double(rejected) / Double(received) * 1_000_000) : 0)
        }
    }
}

/// A purchase order line a buyer must act on.
public struct PurchaseLineException: Sendable, Equatable, Codable {
    public var kind: String
    public var order: String
    public var line: Int
    public var supplier: String
    public var item: String
    public var open: Quantity
    public var due: String?
    public var confirmedDue: String?
    /// The earliest planned start of the work orders the line feeds.
    public var neededBy: String?
    public var affectedWorkOrders: [String]
    /// Other suppliers of the item, best first (lead time, price, quality record).
    public var alternates: [AlternateSupplier]

    public var summary: String {
        switch kind {
        case "supplier-delay":
            return "\(supplier) confirmed \(order)/\(line) (\(item)) for \(confirmedDue ?? "-"), later than needed (\(neededBy ?? "-")) by "
                + affectedWorkOrders.joined(separator: ", ")
        case "supplier-overdue":
            return "\(order)/\(line) (\(item)) from \(supplier) is overdue since \(confirmedDue ?? due ?? "-"): \(open) open"
        default:
            return "\(supplier) has not confirmed \(order)/\(line) (\(item))"
        }
    }
}

/// An alert and its webhook deliveries.
public struct AlertRecord: Sendable, Equatable, Codable {
    public struct Delivery: Sendable, Equatable, Codable {
        public var attempt: Int
        public var at: Date
        public var url: String
        public var status: Int?
        public var error: String?
    }

    public var alertId: UUID
    public var kind: String
    public var summary: String
    public var details: JSONValue
    public var raisedAt: Date
    public var deliveredAt: Date?
    public var deliveries: [Delivery]
}

/// An open row of `purchase_order_lines`, as the exception watch reads it.
struct OpenPurchaseLineRow: Decodable, FetchableRecord {
    var purchaseOrder: String
    var line: Int
    var supplier: String
    var item: String
    var ordered: Int64
    var received: Int64
    var due: String?
    var confirmedDue: String?
    var confirmedQuantity: Int64?
    var placedAt: String?

    enum CodingKeys: String, CodingKey {
        case purchaseOrder = "purchase_order", line, supplier, item, ordered, received, due
        case confirmedDue = "confirmed_due", confirmedQuantity = "confirmed_quantity", placedAt = "placed_at"
    }
}

/// What a purchase order line is for and how much of it came, as a return reads it.
struct OrderedLineRow: Decodable, FetchableRecord {
    var item: String
    var ordered: Int64
    var received: Int64
    var due: String?
}

/// A row of `alerts`.
struct AlertRow: Decodable, FetchableRecord {
    var alertId: String
    var kind: String
    var summary: String
    var body: String
    var raisedAt: String
    var deliveredAt: String?

    enum CodingKeys: String, CodingKey {
        case alertId = "alert_id", kind, summary, body, raisedAt = "raised_at", deliveredAt = "delivered_at"
    }
}

/// A row of `alert_deliveries`: one webhook attempt.
struct AlertDeliveryRow: Decodable, FetchableRecord {
    var attempt: Int
    var at: String
    var url: String
    var status: Int?
    var error: String?
}

/// An alert waiting for delivery.
struct DueAlertRow: Decodable, FetchableRecord {
    var alertId: String
    var body: String
    var attempts: Int

    enum CodingKeys: String, CodingKey { case alertId = "alert_id", body, attempts }
}
