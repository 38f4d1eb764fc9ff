import Foundation
import GantryCore

/// The posting flow, written once for both databases: which applied events post, and what the store reads and
/// writes for them. Each dialect reads the masters (cached per version), asks `PostingEngine.needs`, reads exactly
/// that into the snapshot, posts, and writes the `LedgerWrite` in the transaction that applied the events.
enum LedgerPosting {
    /// A plant's company and the time zone its days are in.
    struct PlantBooks: Sendable {
        var plant: String
        var company: String
        var timeZone: String
    }

    /// The posting sources among `events` (a held posting's event read back), read as the projection reads them.
    static func sources(_ events: [EventEnvelope], plant: PlantBooks, masters: LedgerMasters) -> [PostingSource] {
        sources(EventProjection(events), plant: plant, masters: masters)
    }

    /// The locations a projection's applied `LocationDefined` events define, the latest per code, with their type.
    static func locations(_ projection: EventProjection) -> [(location: String, type: String)] {
        var types: [String: String] = [:]
        for stored in projection.events where stored.status == .applied && stored.envelope.type == LocationDefined.eventType {
            let envelope = stored.envelope
            guard let defined = try? LocationDefined.decode(type: envelope.type, schemaVersion: envelope.schemaVersion, payload: envelope.payload)
            else { continue }
            types[defined.code] = defined.type.rawValue
        }
        return types.sorted { $0.key < $1.key }.map { (location: $0.key, type: $0.value) }
    }

    /// The bills of materials and routings a projection's applied events define, the latest per item and type, as
    /// canonical payloads: a closing work order's usage variance and conversion absorption read them.
    static func definitions(_ projection: EventProjection) -> [(item: String, type: String, payload: String)] {
        var latest: [String: (item: String, type: String, payload: String)] = [:]
        for stored in projection.events where stored.status == .applied {
            let envelope = stored.envelope
            let item: String?
            switch envelope.type {
            case BOMDefined.eventType:
                item = try? BOMDefined.decode(type: envelope.type, schemaVersion: envelope.schemaVersion, payload: envelope.payload).item
            case RoutingDefined.eventType:
                item = try? RoutingDefined.decode(type: envelope.type, schemaVersion: envelope.schemaVersion, payload: envelope.payload).item
            default:
                item = nil
            }
            guard let item else { continue }
            latest["\(item)\u{1F}\(envelope.type)"] = (item, envelope.type, stored.payload)
        }
        return latest.keys.sorted().compactMap { latest[$0] }
    }

    /// A stored definition read back into the snapshot (a payload that no longer reads is left out).
    static func define(_ reads: inout Reads, plant: String, item: String, type: String, payload: String) {
        guard let value = try? JSONValue.parse(payload) else { return }
        let key = PlantItem(plant: plant, item: item)
        switch type {
        case BOMDefined.eventType:
            reads.billsOfMaterials[key] = try? BOMDefined.decode(type: type, schemaVersion: BOMDefined.schemaVersion, payload: value)
        case RoutingDefined.eventType:
            reads.routings[key] = try? RoutingDefined.decode(type: type, schemaVersion: RoutingDefined.schemaVersion, payload: value)
        default:
            break
        }
    }

    /// The posting sources of a projection's applied events (`EventProjection.postings`), in log order; none when the
    /// plant's company keeps no books at the hub (`LedgerMasters.keepsBooks`).
    static func sources(_ projection: EventProjection, plant: PlantBooks, masters: LedgerMasters) -> [PostingSource] {
        guard masters.keepsBooks(plant.company) else { return [] }
        let zone = masters.timeZone(of: plant.plant, enrolled: plant.timeZone)
        return projection.events.compactMap { stored in
            guard stored.status == .applied, let event = projection.postings[stored.envelope.sequence] else { return nil }
            return PostingSource(
                eventID: stored.envelope.id, plant: plant.plant, sequence: stored.envelope.sequence, company: plant.company,
                occurredAt: stored.envelope.occurredAt, timeZone: zone, event: event)
        }
    }

    /// What settling a discrepancy reads of its transfer: the sending plant and company, the line's price (text and
    /// currency, none within one company), the receiving plant's time zone, and when the discrepancy's unit was
    /// dispatched with the sending plant's time zone (the day the buyer's purchase of it posted on).
    struct SettlementTransfer: Sendable {
        var fromPlant: String
        var fromCompany: String
        var price: String?
        var currency: String?
        var timeZone: String
        var dispatchedAt: Date?
        var fromTimeZone: String?
    }

    /// A settled discrepancy as it posts (docs/accounting.md, "Settled transfer discrepancies"); nil when it posts nothing or
    /// the receiving company keeps no books at the hub.
    static func settled(_ report: DiscrepancyReport, _ settlement: DiscrepancySettlement, transfer: SettlementTransfer,
                        masters: LedgerMasters) -> SettledDiscrepancy? {
        guard masters.keepsBooks(report.company) else { return nil }
        let settled = SettledDiscrepancy(
            discrepancy: report.discrepancy, transfer: report.transfer, line: report.line, item: report.item, kind: report.kind,
            quantity: report.quantity, resolution: settlement.resolution, company: report.company, plant: report.plant,
            seller: transfer.fromCompany, sellerPlant: transfer.fromPlant, price: price(transfer.price, currency: transfer.currency),
            settledAt: settlement.settledAt ?? report.recordedAt, timeZone: masters.timeZone(of: report.plant, enrolled: transfer.timeZone),
            purchasedOn: purchaseDay(transfer, masters: masters))
        return settled.posts ? settled : nil
    }

    /// The day the unit's dispatch posted the buyer's purchase on: its dispatch in the sending plant's time zone (the
    /// plant master's, else the one given at enrolment), as a dispatch posts.
    private static func purchaseDay(_ transfer: SettlementTransfer, masters: LedgerMasters) -> String? {
        guard let dispatchedAt = transfer.dispatchedAt,
              let zone = masters.timeZones[transfer.fromPlant] ?? transfer.fromTimeZone else { return nil }
        return ServiceLevel.day(of: dispatchedAt, timeZone: zone)
    }

    /// What the store read for `needs`, assembled with the masters into the engine's snapshot.
    struct Reads: Sendable {
        var locationTypes: [String: [String: LocationType]] = [:]
        var closed: [String: Set<String>] = [:]
        var positions: [ValuationKey: StockPosition] = [:]
        var orderLinePrices: [PlantOrderLine: Money] = [:]
        var workInProgress: [PlantWorkOrder: WorkInProgress] = [:]
        var inTransit: [TransitLine: TransitValue] = [:]
        var billsOfMaterials: [PlantItem: BOMDefined] = [:]
        var routings: [PlantItem: RoutingDefined] = [:]
    }

    static func snapshot(_ needs: PostingNeeds, masters: LedgerMasters, reads: Reads) -> PostingSnapshot {
        var books: [String: CompanyBooks] = [:]
        for company in needs.companies {
            books[company] = masters.books(company, closed: reads.closed[company] ?? [])
        }
        var itemCosts: [CompanyItem: ItemCostMaster] = [:]
        for item in needs.items {
            itemCosts[item] = masters.itemCost(item)
        }
        // A closing work order's usage variance values each component of its bill at standard.
        for source in needs.productionItems {
            guard let bill = reads.billsOfMaterials[source] else { continue }
            for company in needs.companies {
                for line in bill.lines {
                    let component = CompanyItem(company: company, item: line.component)
                    if itemCosts[component] == nil { itemCosts[component] = masters.itemCost(component) }
                }
            }
        }
        var snapshot = PostingSnapshot(
            books: books, itemCosts: itemCosts, positions: reads.positions,
            orderLinePrices: reads.orderLinePrices, workInProgress: reads.workInProgress, locationTypes: reads.locationTypes,
            intercompanyPrices: masters.intercompanyPrices, rates: masters.rates)
        snapshot.workCentreRates = masters.workCentreRates
        snapshot.inTransit = reads.inTransit
        snapshot.billsOfMaterials = reads.billsOfMaterials
        snapshot.routings = reads.routings
        return snapshot
    }

    /// A purchase order line as a move's reference names it (`ORDER/LINE`), split; nil when it is not one.
    static func orderLine(_ line: PlantOrderLine) -> (order: String, line: Int)? {
        guard let slash = line.line.lastIndex(of: "/"), let number = Int(line.line[line.line.index(after: slash)...]) else { return nil }
        return (String(line.line[..<slash]), number)
    }

    /// A price as stored (decimal text and currency code), or nil when either is missing or unreadable.
    static func price(_ text: String?, currency: String?) -> Money? {
        guard let text, let currency, let code = CurrencyCode(code: currency) else { return nil }
        return Money(text: text, currency: code)
    }
}
