import Foundation
import GantryCore
import GRDB

/// The shipping tables' rows as SQLite returns them (times as ISO 8601 text), each turned into its `ShippingRows` row.
extension SQLiteHubStore {
    struct OrderRow: Decodable, FetchableRecord {
        var company, orderRef, plantID, customer, currency, requested, orderedAt, orderedBy: String
        enum CodingKeys: String, CodingKey {
            case company, orderRef = "order_ref", plantID = "plant_id", customer, currency, requested, orderedAt = "ordered_at"
            case orderedBy = "ordered_by"
        }
        func row() throws -> ShippingRows.Order {
            .init(company: company, order: orderRef, plant: plantID, customer: customer, currency: currency, requested: requested,
                  orderedAt: try Timestamp.parse(orderedAt).orThrow("unreadable ordered_at"), orderedBy: orderedBy)
        }
    }

    struct TransferRow: Decodable, FetchableRecord {
        var transfer, fromPlant, toPlant, fromCompany, toCompany, requested, createdAt, createdBy: String
        var closedAt, closedBy: String?
        var unitsShort: Int64?
        enum CodingKeys: String, CodingKey {
            case transfer, fromPlant = "from_plant", toPlant = "to_plant", fromCompany = "from_company", toCompany = "to_company"
            case requested, createdAt = "created_at", createdBy = "created_by", closedAt = "closed_at", closedBy = "closed_by"
            case unitsShort = "units_short"
        }
        func row() throws -> ShippingRows.Transfer {
            .init(transfer: transfer, fromPlant: fromPlant, toPlant: toPlant, fromCompany: fromCompany, toCompany: toCompany,
                  requested: requested, createdAt: try Timestamp.parse(createdAt).orThrow("unreadable created_at"), createdBy: createdBy,
                  closedAt: closedAt.flatMap(Timestamp.parse), closedBy: closedBy, unitsShort: unitsShort)
        }
    }

    struct OrderLineRow: Decodable, FetchableRecord {
        var owner: String, line: Int, item: String, quantity: Int64, price, currency, promised: String?
        var accepted: Bool?, answeredPromised, answerReason: String?
        enum CodingKeys: String, CodingKey {
            case owner, line, item, quantity, price, currency, promised, accepted, answeredPromised = "answered_promised"
            case answerReason = "answer_reason"
        }
        var row: ShippingRows.Line {
            .init(owner: owner, line: line, item: item, quantity: quantity, price: price, currency: currency, promised: promised,
                  accepted: accepted, answeredPromised: answeredPromised, reason: answerReason)
        }
    }

    struct ShipmentRow: Decodable, FetchableRecord {
        var owner, plantID, shipment, company: String, tradingPartner: String?, carrier, tracking, dispatchedAt: String
        enum CodingKeys: String, CodingKey {
            case owner, plantID = "plant_id", shipment, company, tradingPartner = "trading_partner", carrier, tracking
            case dispatchedAt = "dispatched_at"
        }
        func row() throws -> ShippingRows.Shipment {
            .init(owner: owner, plant: plantID, shipment: shipment, company: company, tradingPartner: tradingPartner, carrier: carrier,
                  tracking: tracking, dispatchedAt: try Timestamp.parse(dispatchedAt).orThrow("unreadable dispatched_at"))
        }
    }

    struct ShipmentLineRow: Decodable, FetchableRecord {
        var plantID, shipment: String, line: Int, item: String, quantity: Int64, price, currency: String?
        enum CodingKeys: String, CodingKey { case plantID = "plant_id", shipment, line, item, quantity, price, currency }
        var row: ShippingRows.ShipmentLine {
            .init(plant: plantID, shipment: shipment, line: line, item: item, quantity: quantity, price: price, currency: currency)
        }
    }

    struct UnitRow: Decodable, FetchableRecord {
        var plantID, shipment, sscc: String, receivedAt, receivedBy: String?
        enum CodingKeys: String, CodingKey { case plantID = "plant_id", shipment, sscc, receivedAt = "received_at", receivedBy = "received_by" }
        var row: ShippingRows.Unit {
            .init(plant: plantID, shipment: shipment, sscc: sscc, receivedAt: receivedAt.flatMap(Timestamp.parse), receivedBy: receivedBy)
        }
    }

    struct ContentRow: Decodable, FetchableRecord {
        var plantID, shipment, sscc: String, line: Int, item, lot, serial: String, expiry: String?, quantity: Int64
        var received, damaged: Int64?
        enum CodingKeys: String, CodingKey {
            case plantID = "plant_id", shipment, sscc, line, item, lot, serial, expiry, quantity, received, damaged
        }
        var row: ShippingRows.Content {
            .init(plant: plantID, shipment: shipment, sscc: sscc, line: line, item: item, lot: lot, serial: serial, expiry: expiry,
                  quantity: quantity, received: received, damaged: damaged)
        }
    }

    struct InTransitRow: Decodable, FetchableRecord {
        var transfer, fromPlant, toPlant, fromCompany, toCompany, shipment, sscc, dispatchedAt, carrier, tracking: String
        enum CodingKeys: String, CodingKey {
            case transfer, fromPlant = "from_plant", toPlant = "to_plant", fromCompany = "from_company", toCompany = "to_company"
            case shipment, sscc, dispatchedAt = "dispatched_at", carrier, tracking
        }
    }

    struct ServiceLineRow: Decodable, FetchableRecord {
        var company, plantID, timeZone, customer, orderRef, requested, orderedAt: String, line: Int, item: String, quantity: Int64
        var promised: String?
        enum CodingKeys: String, CodingKey {
            case company, plantID = "plant_id", timeZone = "time_zone", customer, orderRef = "order_ref", requested
            case orderedAt = "ordered_at", line, item, quantity, promised
        }
    }

    struct ShippedRow: Decodable, FetchableRecord {
        var company, orderRef: String, line: Int, dispatchedAt: String, quantity: Int64
        enum CodingKeys: String, CodingKey { case company, orderRef = "order_ref", line, dispatchedAt = "dispatched_at", quantity }
    }
}
