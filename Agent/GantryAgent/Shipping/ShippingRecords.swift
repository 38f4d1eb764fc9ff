import Foundation
import GantryCore
import GRDB

// Rows of the shipping tables, read into the views and decisions they feed.

/// A row of `outbound_orders`.
struct OutboundOrderRecord: Decodable, FetchableRecord {
    var reference: String
    var kind: String
    var counterpart: String
    var company: String
    var tradingPartner: String?
    var requested: String
    var status: String

    enum CodingKeys: String, CodingKey {
        case reference, kind, counterpart, company, requested, status
        case tradingPartner = "trading_partner"
    }

    var outboundKind: OutboundKind { OutboundKind(rawValue: kind) ?? .customerOrder }

    func view(lines: [OutboundOrderView.Line]) -> OutboundOrderView {
        OutboundOrderView(
            reference: reference, kind: outboundKind, counterpart: counterpart, company: company, tradingPartner: tradingPartner,
            requested: requested, status: status, lines: lines)
    }
}

/// A row of `outbound_lines`.
struct OutboundLineRecord: Decodable, FetchableRecord {
    var line: Int
    var item: String
    var ordered: Int64
    var packed: Int64
    var shipped: Int64
    var priceAmount: String?
    var priceCurrency: String?
    var accepted: Bool
    var promised: String?
    var reason: String?

    enum CodingKeys: String, CodingKey {
        case line, item, ordered, packed, shipped, accepted, promised, reason
        case priceAmount = "price_amount"
        case priceCurrency = "price_currency"
    }

    var price: Money? {
        guard let priceAmount, let priceCurrency else { return nil }
        return try? Money(text: priceAmount, currencyCode: priceCurrency)
    }

    var view: OutboundOrderView.Line {
        OutboundOrderView.Line(
            line: line, item: item, ordered: Quantity(micro: ordered), packed: Quantity(micro: packed), shipped: Quantity(micro: shipped),
            price: price, accepted: accepted, promised: promised, reason: reason)
    }

    var decisionLine: OutboundDecision.Line {
        OutboundDecision.Line(
            line: line, item: item, ordered: Quantity(micro: ordered), packed: Quantity(micro: packed), shipped: Quantity(micro: shipped),
            accepted: accepted)
    }
}

/// A reservation of an order to pick, summed per stock row.
struct PickRecord: Decodable, FetchableRecord {
    var location: String
    var item: String
    var lot: String
    var serial: String
    var expiry: String?
    var quantity: Int64

    var pick: PickList.Pick {
        PickList.Pick(location: location, item: item, lot: lot.nilIfEmpty, serial: serial.nilIfEmpty, expiry: expiry, quantity: Quantity(micro: quantity))
    }
}

/// A row of `logistic_units`.
struct LogisticUnitRecord: Decodable, FetchableRecord {
    var sscc: String
    var reference: String
    var location: String
    var status: String
    var shipment: String?
}

/// A row of `logistic_unit_contents` (or of `inbound_unit_contents`, whose `expiry` it then carries).
struct UnitContentRecord: Decodable, FetchableRecord {
    var sscc: String
    var line: Int
    var item: String
    var lot: String
    var serial: String
    var quantity: Int64
    var expiry: String?

    var content: LogisticUnitView.Content {
        LogisticUnitView.Content(line: line, item: item, lot: lot.nilIfEmpty, serial: serial.nilIfEmpty, quantity: Quantity(micro: quantity))
    }

    var shipped: ShippedUnit.Content {
        ShippedUnit.Content(line: line, item: item, lot: lot.nilIfEmpty, serial: serial.nilIfEmpty, expiry: expiry, quantity: Quantity(micro: quantity))
    }
}

/// A row of `inbound_transfers`.
struct InboundTransferRecord: Decodable, FetchableRecord {
    var transfer: String
    var fromPlant: String
    var company: String
    var tradingPartner: String?
    var senderPrefix: String?
    var status: String

    enum CodingKeys: String, CodingKey {
        case transfer, company, status
        case fromPlant = "from_plant"
        case tradingPartner = "trading_partner"
        case senderPrefix = "sender_prefix"
    }
}

/// A row of `inbound_units`.
struct InboundUnitRecord: Decodable, FetchableRecord {
    var sscc: String
    var transfer: String
    var shipment: String
    var status: String
    var location: String?
}

/// A row of `transfer_discrepancies`.
struct DiscrepancyRecord: Decodable, FetchableRecord {
    var discrepancy: String
    var sscc: String?
    var kind: String
    var line: Int
    var item: String
    var lot: String
    var serial: String
    var quantity: Int64
    var reason: String
    var recordedBy: String

    enum CodingKeys: String, CodingKey {
        case discrepancy, sscc, kind, line, item, lot, serial, quantity, reason
        case recordedBy = "recorded_by"
    }

    var view: InboundTransferView.Discrepancy {
        InboundTransferView.Discrepancy(
            discrepancy: discrepancy, sscc: sscc, kind: TransferDiscrepancyRecorded.Kind(rawValue: kind) ?? .short, line: line, item: item,
            lot: lot.nilIfEmpty, serial: serial.nilIfEmpty, quantity: Quantity(micro: quantity), reason: reason, recordedBy: recordedBy)
    }
}
