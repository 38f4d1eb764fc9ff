import Foundation
import GantryCore

/// The rows either backend reads for the shipping reports, and the reports built from them once for both: each
/// dialect only fills these from its SQL. Quantities in millionths; `owner` keys a row to its order or transfer.
struct ShippingRows {
    struct Order { var company, order, plant, customer, currency, requested: String; var orderedAt: Date; var orderedBy: String }
    struct Transfer {
        var transfer, fromPlant, toPlant, fromCompany, toCompany, requested: String
        var createdAt: Date, createdBy: String, closedAt: Date?, closedBy: String?, unitsShort: Int64?
    }
    struct Line {
        var owner: String, line: Int, item: String, quantity: Int64, price: String?, currency: String?, promised: String?
        var accepted: Bool?, answeredPromised: String?, reason: String?
    }
    struct Shipment {
        var owner: String, plant: String, shipment: String, company: String, tradingPartner: String?, carrier: String, tracking: String
        var dispatchedAt: Date
    }
    struct ShipmentLine { var plant, shipment: String; var line: Int; var item: String; var quantity: Int64; var price, currency: String? }
    struct Unit { var plant, shipment, sscc: String; var receivedAt: Date?; var receivedBy: String? }
    struct Content {
        var plant, shipment, sscc: String, line: Int, item, lot, serial: String, expiry: String?, quantity: Int64
        var received: Int64?, damaged: Int64?
    }

    var lines: [Line] = []
    var shipments: [Shipment] = []
    var shipmentLines: [ShipmentLine] = []
    var units: [Unit] = []
    var contents: [Content] = []

    /// The owner key of a customer order (`company`, `order`): orders are unique per company.
    static func owner(company: String, order: String) -> String { "\(company)\u{1F}\(order)" }

    /// Each owner's shipments, oldest first; a transfer's unit not received is short when `short` holds for its owner and
    /// SSCC (the receiver recorded it short), else in transit.
    func shipmentReports(short: (_ owner: String, _ sscc: String) -> Bool = { _, _ in false }) -> [String: [ShipmentReport]] {
        let key = { (plant: String, shipment: String) in "\(plant)\u{1F}\(shipment)" }
        let linesOf = Dictionary(grouping: shipmentLines) { key($0.plant, $0.shipment) }
        let contentsOf = Dictionary(grouping: contents) { "\(key($0.plant, $0.shipment))\u{1F}\($0.sscc)" }
        let unitsOf = Dictionary(grouping: units) { key($0.plant, $0.shipment) }
        var reports: [String: [ShipmentReport]] = [:]
        for shipment in shipments.sorted(by: { ($0.dispatchedAt, $0.shipment) < ($1.dispatchedAt, $1.shipment) }) {
            let id = key(shipment.plant, shipment.shipment)
            let units = (unitsOf[id] ?? []).sorted { $0.sscc < $1.sscc }.map { unit in
                let state: UnitReport.State = unit.receivedAt != nil ? .received : short(shipment.owner, unit.sscc) ? .short : .inTransit
                return UnitReport(
                    sscc: unit.sscc, state: state, receivedAt: unit.receivedAt, receivedBy: unit.receivedBy,
                    contents: (contentsOf["\(id)\u{1F}\(unit.sscc)"] ?? []).map(Self.report))
            }
            reports[shipment.owner, default: []].append(ShipmentReport(
                plant: shipment.plant, shipment: shipment.shipment, company: shipment.company, tradingPartner: shipment.tradingPartner,
                dispatchedAt: shipment.dispatchedAt, carrier: shipment.carrier, trackingReference: shipment.tracking,
                lines: (linesOf[id] ?? []).sorted { $0.line < $1.line }.map {
                    .init(line: $0.line, item: $0.item, quantity: Quantity(micro: $0.quantity), price: $0.price, currency: $0.currency)
                },
                units: units))
        }
        return reports
    }

    static func report(_ content: Content) -> ContentReport {
        ContentReport(
            line: content.line, item: content.item, lot: content.lot.isEmpty ? nil : content.lot,
            serial: content.serial.isEmpty ? nil : content.serial, expiry: content.expiry, quantity: Quantity(micro: content.quantity),
            received: content.received.map(Quantity.init(micro:)), damaged: content.damaged.map(Quantity.init(micro:)))
    }

    /// Each owner's lines with what its shipments carried against them.
    func lineReports(_ shipped: [String: [ShipmentReport]]) -> [String: [OrderLineReport]] {
        var reports: [String: [OrderLineReport]] = [:]
        for line in lines.sorted(by: { $0.line < $1.line }) {
            let carried = (shipped[line.owner] ?? []).flatMap(\.lines).filter { $0.line == line.line }
            let total = carried.reduce(Quantity.zero) { $0 + $1.quantity }
            let ordered = Quantity(micro: line.quantity)
            reports[line.owner, default: []].append(OrderLineReport(
                line: line.line, item: line.item, ordered: ordered, price: line.price, currency: line.currency, promised: line.promised,
                shipped: total, backorder: line.accepted == false || total >= ordered ? .zero : ordered - total, accepted: line.accepted,
                answeredPromised: line.answeredPromised, reason: line.reason))
        }
        return reports
    }

    func customerOrders(_ orders: [Order]) -> [CustomerOrderReport] {
        let shipped = shipmentReports()
        let lines = lineReports(shipped)
        return orders.map { order in
            let owner = Self.owner(company: order.company, order: order.order)
            let mine = (lines[owner] ?? []).filter { $0.accepted != false }
            let status: CustomerOrderReport.Status =
                !mine.isEmpty && mine.allSatisfy({ !$0.backorder.isPositive }) ? .shipped
                : mine.contains(where: { $0.shipped.isPositive }) ? .partiallyShipped : .open
            return CustomerOrderReport(
                order: order.order, plant: order.plant, company: order.company, customer: order.customer, currency: order.currency,
                requested: order.requested, orderedAt: order.orderedAt, orderedBy: order.orderedBy, status: status,
                lines: lines[owner] ?? [], shipments: shipped[owner] ?? [])
        }
    }

    func transfers(_ transfers: [Transfer], discrepancies: [DiscrepancyReport]) -> [TransferReport] {
        // A unit is short once the receiver recorded it so (at the close of its receipt); one shipped after that close, a
        // reshipment, is on its way like any other.
        let short = Set(discrepancies.compactMap { found -> String? in
            guard found.kind == .short, let sscc = found.sscc else { return nil }
            return "\(found.transfer)\u{1F}\(sscc)"
        })
        let shipped = shipmentReports { short.contains("\($0)\u{1F}\($1)") }
        let lines = lineReports(shipped)
        let discrepanciesOf = Dictionary(grouping: discrepancies, by: \.transfer)
        return transfers.map { transfer in
            let units = (shipped[transfer.transfer] ?? []).flatMap(\.units)
            let counts = TransferReport.Units(
                shipped: units.count, received: units.count { $0.state == .received }, short: units.count { $0.state == .short })
            let status: TransferReport.Status =
                units.contains { $0.state == .inTransit } ? .inTransit
                : transfer.closedAt != nil ? .closed
                : units.isEmpty ? .open : .received
            return TransferReport(
                transfer: transfer.transfer, fromPlant: transfer.fromPlant, toPlant: transfer.toPlant, fromCompany: transfer.fromCompany,
                toCompany: transfer.toCompany, requested: transfer.requested, createdAt: transfer.createdAt, createdBy: transfer.createdBy,
                status: status, closedAt: transfer.closedAt, closedBy: transfer.closedBy, lines: lines[transfer.transfer] ?? [],
                shipments: shipped[transfer.transfer] ?? [], units: counts,
                discrepancies: (discrepanciesOf[transfer.transfer] ?? []).sorted { $0.discrepancy < $1.discrepancy })
        }
    }
}
