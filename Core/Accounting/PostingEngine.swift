import Foundation

/// A plant event the ledger posts from, with what the hub knows of where it happened.
public struct PostingSource: Sendable {
    /// The events that post. Every other event posts nothing.
    public enum Event: Sendable {
        case stockMoved(StockMoved)
        case shipmentDispatched(ShipmentDispatched)
        case transferUnitReceived(TransferUnitReceived)
        case workOrderCompleted(WorkOrderCompleted)
    }

    public var eventID: UUID
    public var plant: String
    public var sequence: Int64
    /// The plant's company (the company the event posts to, but for an intercompany dispatch, which also posts the
    /// buyer's side).
    public var company: String
    /// When the fact happened, and the plant's time zone that makes it a day.
    public var occurredAt: Date
    public var timeZone: String
    public var event: Event

    public init(eventID: UUID, plant: String, sequence: Int64, company: String, occurredAt: Date, timeZone: String, event: Event) {
        self.eventID = eventID
        self.plant = plant
        self.sequence = sequence
        self.company = company
        self.occurredAt = occurredAt
        self.timeZone = timeZone
        self.event = event
    }

    /// The source's day in its plant's time zone (`YYYY-MM-DD`): the posting date when its period is open.
    public var day: String { ServiceLevel.day(of: occurredAt, timeZone: timeZone) }
}

/// A company's books as the posting rules need them: its currency, valuation, accounts for each posting kind,
/// its periods and which of them are closed.
public struct CompanyBooks: Sendable, Equatable {
    public struct AccountPair: Sendable, Equatable {
        public var debit: String
        public var credit: String
        public init(debit: String, credit: String) {
            self.debit = debit
            self.credit = credit
        }
    }

    public var company: String
    public var functionalCurrency: CurrencyCode
    public var valuation: InventoryValuation
    public var mapping: [PostingKind: AccountPair]
    /// Sorted by start.
    public var periods: [FiscalPeriodMaster]
    public var closedPeriods: Set<String>

    public init(company: String, functionalCurrency: CurrencyCode, valuation: InventoryValuation,
                mapping: [PostingKind: AccountPair], periods: [FiscalPeriodMaster], closedPeriods: Set<String>) {
        self.company = company
        self.functionalCurrency = functionalCurrency
        self.valuation = valuation
        self.mapping = mapping
        self.periods = periods.sorted { $0.start < $1.start }
        self.closedPeriods = closedPeriods
    }
}

/// A company's stock of one item as the ledger values it: quantity (base units, micro) and value (functional
/// currency, minor units). Under moving average the unit cost is `value / quantity`.
public struct StockPosition: Sendable, Equatable, Codable {
    public var quantity: Int64
    public var value: Int64
    public init(quantity: Int64 = 0, value: Int64 = 0) {
        self.quantity = quantity
        self.value = value
    }
}

/// One company's item, or work order at a plant: the keys of what posting reads and changes.
public struct CompanyItem: Sendable, Hashable, Comparable {
    public var company: String
    public var item: String
    public init(company: String, item: String) {
        self.company = company
        self.item = item
    }
    public static func < (lhs: CompanyItem, rhs: CompanyItem) -> Bool { (lhs.company, lhs.item) < (rhs.company, rhs.item) }
}

/// A company's stock of an item at one plant: the key of a valuation position. The valuation area is the plant, so a
/// moving average is the plant's, and plants of one company post side by side without waiting on each other.
public struct ValuationKey: Sendable, Hashable, Comparable {
    public var company: String
    public var plant: String
    public var item: String
    public init(company: String, plant: String, item: String) {
        self.company = company
        self.plant = plant
        self.item = item
    }
    public static func < (lhs: ValuationKey, rhs: ValuationKey) -> Bool {
        (lhs.company, lhs.plant, lhs.item) < (rhs.company, rhs.plant, rhs.item)
    }
}

public struct PlantWorkOrder: Sendable, Hashable, Comparable {
    public var plant: String
    public var workOrder: String
    public init(plant: String, workOrder: String) {
        self.plant = plant
        self.workOrder = workOrder
    }
    public static func < (lhs: PlantWorkOrder, rhs: PlantWorkOrder) -> Bool { (lhs.plant, lhs.workOrder) < (rhs.plant, rhs.workOrder) }
}

/// What a run of sources needs read before it can post: the store reads exactly these inside its transaction.
public struct PostingNeeds: Sendable, Equatable {
    public var companies: Set<String> = []
    /// Items whose cost (standard, or what a moving average starts from) posting reads.
    public var items: Set<CompanyItem> = []
    /// The valuation positions posting reads and changes: the sources' own plants' stock.
    public var positions: Set<ValuationKey> = []
    /// Purchase order lines (`ORDER/LINE`) at a plant, for their price.
    public var orderLines: Set<PlantOrderLine> = []
    public var workOrders: Set<PlantWorkOrder> = []
    /// Plants whose location types decide quarantine and scrap moves.
    public var plants: Set<String> = []
    /// Transfer lines whose value in transit a dispatch adds to or a receipt takes from.
    public var transitLines: Set<TransitLine> = []
    /// Items whose bill of materials and routing a closing work order reads (`billsOfMaterials`, `routings`), with
    /// the item costs of the bill's components and the rates of the routing's work centres.
    public var productionItems: Set<PlantItem> = []
    public init() {}
}

public struct PlantOrderLine: Sendable, Hashable {
    public var plant: String
    /// `ORDER/LINE`, as a move's reference names it.
    public var line: String
    public init(plant: String, line: String) {
        self.plant = plant
        self.line = line
    }
}

/// Everything posting reads, as the store found it inside the transaction.
public struct PostingSnapshot: Sendable {
    public var books: [String: CompanyBooks]
    /// Standard costs (and the cost a moving average starts from), per company and item.
    public var itemCosts: [CompanyItem: ItemCostMaster]
    /// Valuation positions per company, plant and item.
    public var positions: [ValuationKey: StockPosition]
    /// The unit price each purchase order line was placed at.
    public var orderLinePrices: [PlantOrderLine: Money]
    /// What each open work order has accumulated in WIP (functional minor units) and the material issued to it.
    public var workInProgress: [PlantWorkOrder: WorkInProgress]
    /// Location codes per plant and their type.
    public var locationTypes: [String: [String: LocationType]]
    /// Transfer prices: seller company, buyer company and item.
    public var intercompanyPrices: [IntercompanyPriceKey: Money]
    public var rates: ExchangeRateTable
    /// The latest bill of materials and routing each plant defined for an item (`BOMDefined`, `RoutingDefined`), for
    /// a closing work order's usage variance and conversion absorption; absent ones leave the whole remainder to the
    /// production variance.
    public var billsOfMaterials: [PlantItem: BOMDefined] = [:]
    public var routings: [PlantItem: RoutingDefined] = [:]
    /// Work-centre rates by `PLANT.WORKCENTRE`.
    public var workCentreRates: [String: WorkCentreRateMaster] = [:]
    /// What is in transit per transfer line: its quantity and value in the buying company's functional currency.
    public var inTransit: [TransitLine: TransitValue] = [:]

    public init(books: [String: CompanyBooks], itemCosts: [CompanyItem: ItemCostMaster] = [:],
                positions: [ValuationKey: StockPosition] = [:], orderLinePrices: [PlantOrderLine: Money] = [:],
                workInProgress: [PlantWorkOrder: WorkInProgress] = [:], locationTypes: [String: [String: LocationType]] = [:],
                intercompanyPrices: [IntercompanyPriceKey: Money] = [:], rates: ExchangeRateTable = ExchangeRateTable([])) {
        self.books = books
        self.itemCosts = itemCosts
        self.positions = positions
        self.orderLinePrices = orderLinePrices
        self.workInProgress = workInProgress
        self.locationTypes = locationTypes
        self.intercompanyPrices = intercompanyPrices
        self.rates = rates
    }
}

public struct IntercompanyPriceKey: Sendable, Hashable {
    public var seller: String
    public var buyer: String
    public var item: String
    public init(seller: String, buyer: String, item: String) {
        self.seller = seller
        self.buyer = buyer
        self.item = item
    }
}

/// An item at a plant.
public struct PlantItem: Sendable, Hashable {
    public var plant: String
    public var item: String
    public init(plant: String, item: String) {
        self.plant = plant
        self.item = item
    }
}

/// One line of a transfer, in transit between dispatch and receipt.
public struct TransitLine: Sendable, Hashable, Comparable {
    public var transfer: String
    public var line: Int
    public init(transfer: String, line: Int) {
        self.transfer = transfer
        self.line = line
    }
    public static func < (lhs: TransitLine, rhs: TransitLine) -> Bool { (lhs.transfer, lhs.line) < (rhs.transfer, rhs.line) }
}

/// What a transfer line holds in transit: the company that carries it (the buyer for an intercompany transfer, the
/// one company otherwise), its quantity (micro) and value (that company's functional minor units).
public struct TransitValue: Sendable, Equatable, Codable {
    public var company: String
    public var quantity: Int64
    public var value: Int64
    public init(company: String, quantity: Int64 = 0, value: Int64 = 0) {
        self.company = company
        self.quantity = quantity
        self.value = value
    }
}

/// A work order's WIP: its value so far (functional minor units) and the material issued to it per item (micro).
public struct WorkInProgress: Sendable, Equatable, Codable {
    public var company: String
    public var value: Int64
    public var issued: [String: Int64]
    public var closed: Bool
    public init(company: String, value: Int64 = 0, issued: [String: Int64] = [:], closed: Bool = false) {
        self.company = company
        self.value = value
        self.issued = issued
        self.closed = closed
    }
}

/// A source that could not post, and why: kept by the hub (the event is applied all the same) and posted again
/// once what was missing is there (`POST /v1/ledger/held/retry`).
public struct HeldPosting: Sendable, Equatable {
    public var eventID: UUID
    public var plant: String
    public var sequence: Int64
    public var company: String
    public var refusal: AccountingRefusal
    public init(eventID: UUID, plant: String, sequence: Int64, company: String, refusal: AccountingRefusal) {
        self.eventID = eventID
        self.plant = plant
        self.sequence = sequence
        self.company = company
        self.refusal = refusal
    }
}

/// What posting a run of sources decides: the entries to write, the positions and WIP as they now stand (only
/// those that changed), and the sources held.
public struct PostingOutcome: Sendable {
    public var entries: [JournalEntry] = []
    public var positions: [ValuationKey: StockPosition] = [:]
    public var workInProgress: [PlantWorkOrder: WorkInProgress] = [:]
    public var inTransit: [TransitLine: TransitValue] = [:]
    /// What receipts and returns against purchase order lines put into GRNI or took out, in posting order.
    public var grni: [GRNIChange] = []
    /// What each source changed in a position, in posting order, with the period it posted to.
    public var positionChanges: [PositionChange] = []
    /// What each source changed on a transfer line in transit, in posting order, with the period it posted to.
    public var transitChanges: [TransitChange] = []
    public var held: [HeldPosting] = []
    public init() {}
}

/// What one source changed in a valuation position (quantity micro, value minor units), in the period it posted to:
/// summed through a period, the changes give the position at that period's end.
public struct PositionChange: Sendable, Equatable {
    public var key: ValuationKey
    public var period: String
    public var quantity: Int64
    public var value: Int64
    public init(key: ValuationKey, period: String, quantity: Int64, value: Int64) {
        self.key = key
        self.period = period
        self.quantity = quantity
        self.value = value
    }
}

/// What one source changed on a transfer line in transit (quantity micro, value minor units in `company`'s books, the
/// company carrying it), in the period it posted to: summed through a period, what was in transit at its end.
public struct TransitChange: Sendable, Equatable {
    public var line: TransitLine
    public var company: String
    public var period: String
    public var quantity: Int64
    public var value: Int64
    public init(line: TransitLine, company: String, period: String, quantity: Int64, value: Int64) {
        self.line = line
        self.company = company
        self.period = period
        self.quantity = quantity
        self.value = value
    }
}
