import Foundation
import GantryCore

/// What a run of a plant's new events becomes at the hub, worked out once and written by either backend:
/// the events themselves with their status, and the rows each projection adds. An event the hub cannot
/// read is kept and quarantined rather than blocking the plant's log; an event of a type or schema version
/// this hub does not know yet is kept for a later version to project.
struct EventProjection {
    enum Status: String { case applied, unprojected, quarantined }

    struct StoredEvent {
        var envelope: EventEnvelope
        /// The payload as stored: canonical JSON (sorted keys), the same bytes on both backends.
        var payload: String
        var status: Status
        var reason: String?
    }

    struct Scan { var sequence: Int64; var scanID: UUID; var device: String; var data: String; var occurredAt: Date }
    struct State { var sequence: Int64; var line: String; var machine: String; var at: Date; var state: MachineState; var reason: String? }
    struct Count { var sequence: Int64; var line: String; var machine: String; var at: Date; var good: Int64; var scrap: Int64 }
    struct Gap { var sequence: Int64; var at: Date; var cause: String }
    struct StockDelta { var sequence: Int64; var item: String; var lot: String; var delta: Int64 }
    struct Link { var sequence: Int64; var workOrder: String; var output: StockUnit; var input: StockUnit; var quantity: Int64 }
    /// A plant fact kept whole (as its canonical payload) in a table of its own: requests for approval and
    /// their decisions, answers to the hub's demand.
    struct Kept<E: PlantEvent> { var sequence: Int64; var event: E; var payload: String; var at: Date }
    /// A fact that adds to the plant's operations elements (`kpi_operations_hours`).
    struct Operation { var sequence: Int64; var fact: OperationsFact }

    private(set) var events: [StoredEvent] = []
    private(set) var scans: [Scan] = []
    private(set) var states: [State] = []
    private(set) var counts: [Count] = []
    private(set) var gaps: [Gap] = []
    private(set) var moves: [StockDelta] = []
    private(set) var approvalRequests: [Kept<ApprovalRequested>] = []
    private(set) var approvalDecisions: [Kept<ApprovalDecided>] = []
    private(set) var demandAnswers: [Kept<DemandAnswered>] = []
    private(set) var operations: [Operation] = []
    /// The applied events that post to the ledger, as read here, by sequence: posting reads them from here rather
    /// than decoding each payload a second time.
    private(set) var postings: [Int64: PostingSource.Event] = [:]
    static let largestMove = Quantity(100_000_000)

    static let keptTypes: [String: any PlantEvent.Type] = Dictionary(uniqueKeysWithValues: ([
        LocationDefined.self, StockReserved.self, ReservationsReleased.self,
        LotStatusChanged.self, WorkCentreDefined.self, BOMDefined.self, RoutingDefined.self, WorkOrderCreated.self,
        WorkOrderReleased.self, OperationProgressed.self, QualityPointDefined.self, QualityCheckRecorded.self,
        AlertRaised.self, ReorderRuleDefined.self, ReorderRuleDeleted.self, LogisticUnitCreated.self,
        LogisticUnitPacked.self, MaintenanceCompleted.self, MaintenancePlanDefined.self,
    ] as [any PlantEvent.Type]).map { ($0.eventType, $0) })
    private(set) var links: [Link] = []
    private(set) var sourcing = SourcingFacts()
    private(set) var shipping = ShippingFacts()

    /// The plant's stock changes of this run, one per item and lot (a batch may move one lot many times; the
    /// store adds each sum once).
    var stockDeltas: [(item: String, lot: String, delta: Int64)] {
        var sums: [String: (item: String, lot: String, delta: Int64)] = [:]
        for move in moves {
            sums["\(move.item)\u{1F}\(move.lot)", default: (move.item, move.lot, 0)].delta += move.delta
        }
        return sums.values.filter { $0.delta != 0 }.sorted { ($0.item, $0.lot) < ($1.item, $1.lot) }
    }

    init(_ envelopes: some Sequence<EventEnvelope>) {
        for event in envelopes {
            let (status, reason) = project(event)
            events.append(StoredEvent(envelope: event, payload: event.payload.canonicalText, status: status, reason: reason))
        }
    }

    /// Only what follows `sequence`: the part of a batch the hub does not hold yet.
    func after(_ sequence: Int64) -> EventProjection {
        guard let first = events.first, first.envelope.sequence <= sequence else { return self }
        var rest = self
        rest.events.removeAll { $0.envelope.sequence <= sequence }
        rest.scans.removeAll { $0.sequence <= sequence }
        rest.states.removeAll { $0.sequence <= sequence }
        rest.counts.removeAll { $0.sequence <= sequence }
        rest.gaps.removeAll { $0.sequence <= sequence }
        rest.moves.removeAll { $0.sequence <= sequence }
        rest.links.removeAll { $0.sequence <= sequence }
        rest.approvalRequests.removeAll { $0.sequence <= sequence }
        rest.approvalDecisions.removeAll { $0.sequence <= sequence }
        rest.demandAnswers.removeAll { $0.sequence <= sequence }
        rest.operations.removeAll { $0.sequence <= sequence }
        rest.postings = postings.filter { $0.key > sequence }
        rest.sourcing = sourcing.after(sequence)
        rest.shipping = shipping.after(sequence)
        return rest
    }

    private mutating func project(_ event: EventEnvelope) -> (Status, String?) {
        switch event.type {
        case ScanRecorded.eventType:
            return typed(ScanRecorded.self, event) {
                $0.scans.append(Scan(
                    sequence: event.sequence, scanID: $1.scanID, device: $1.device, data: $1.data, occurredAt: event.occurredAt))
            }
        case MachineStateChanged.eventType:
            return typed(MachineStateChanged.self, event) {
                $0.states.append(State(sequence: event.sequence, line: $1.line, machine: $1.machine, at: $1.at, state: $1.state, reason: $1.reason))
            }
        case MachineCountReported.eventType:
            return typed(MachineCountReported.self, event) {
                $0.counts.append(Count(sequence: event.sequence, line: $1.line, machine: $1.machine, at: $1.at, good: $1.good, scrap: $1.scrap))
            }
        case MachineSignalsReported.eventType:
            return typed(MachineSignalsReported.self, event) { projection, signals in
                for change in signals.states {
                    projection.states.append(State(
                        sequence: event.sequence, line: change.line, machine: change.machine, at: change.at, state: change.state,
                        reason: change.reason))
                }
                for count in signals.counts {
                    projection.counts.append(Count(
                        sequence: event.sequence, line: count.line, machine: count.machine, at: count.at, good: count.good,
                        scrap: count.scrap))
                }
            }
        case MachineSignalLost.eventType:
            return typed(MachineSignalLost.self, event) { $0.gaps.append(Gap(sequence: event.sequence, at: $1.at, cause: $1.cause)) }
        case StockMoved.eventType:
            return typed(StockMoved.self, event, quantity: \.quantity) {
                $0.moves.append(StockDelta(sequence: event.sequence, item: $1.item, lot: $1.lot ?? "", delta: $1.plantDelta.micro))
                $0.postings[event.sequence] = .stockMoved($1)
                $0.sourcing.add($1, event)
                $0.shipping.add($1, event)
            }
        case LotsLinked.eventType:
            return typed(LotsLinked.self, event) { projection, linked in
                for input in linked.inputs {
                    projection.links.append(Link(
                        sequence: event.sequence, workOrder: linked.workOrder, output: linked.output, input: input.unit,
                        quantity: input.quantity.micro))
                }
            }
        case ApprovalRequested.eventType:
            return typed(ApprovalRequested.self, event) { $0.approvalRequests.append(Self.kept($1, event)) }
        case ApprovalDecided.eventType:
            // Only a decision taken at the plant can settle a request here: the hub records its own decisions
            // first, and a plant's event saying the hub decided is its confirmation, never a decision.
            return typed(ApprovalDecided.self, event) { if $1.place == .plant { $0.approvalDecisions.append(Self.kept($1, event)) } }
        case DemandAnswered.eventType:
            return typed(DemandAnswered.self, event) { $0.demandAnswers.append(Self.kept($1, event)) }
        case PurchaseOrderPlaced.eventType:
            return typed(PurchaseOrderPlaced.self, event) { $0.sourcing.add($1, event) }
        case PurchaseOrderLineRescheduled.eventType:
            return typed(PurchaseOrderLineRescheduled.self, event) { $0.sourcing.add($1, event) }
        case SupplierCommitmentRecorded.eventType:
            return typed(SupplierCommitmentRecorded.self, event) { $0.sourcing.add($1, event) }
        case NonconformanceOpened.eventType:
            return typed(NonconformanceOpened.self, event, quantity: \.quantity) { $0.sourcing.add($1, event) }
        case CustomerOrderAnswered.eventType:
            return typed(CustomerOrderAnswered.self, event) { $0.shipping.add($1, event) }
        case TransferAnswered.eventType:
            return typed(TransferAnswered.self, event) { $0.shipping.add($1, event) }
        case ShipmentDispatched.eventType:
            return typed(ShipmentDispatched.self, event, quantities: { $0.units.flatMap(\.contents).map(\.quantity) + $0.lines.map(\.quantity) }) {
                $0.shipping.add($1, event)
                $0.postings[event.sequence] = .shipmentDispatched($1)
            }
        case TransferUnitReceived.eventType:
            return typed(TransferUnitReceived.self, event, quantities: { $0.contents.flatMap { [$0.shipped, $0.received, $0.damaged] } }) {
                $0.shipping.add($1, event)
                $0.postings[event.sequence] = .transferUnitReceived($1)
            }
        case TransferDiscrepancyRecorded.eventType:
            return typed(TransferDiscrepancyRecorded.self, event, quantity: \.quantity) { $0.shipping.add($1, event) }
        case WorkOrderCompleted.eventType:
            return typed(WorkOrderCompleted.self, event) {
                $0.postings[event.sequence] = .workOrderCompleted($1)
                $0.operations.append(Operation(sequence: event.sequence, fact: OperationsFact($1)))
            }
        case StockCounted.eventType:
            return typed(StockCounted.self, event) {
                $0.operations.append(Operation(sequence: event.sequence, fact: OperationsFact($1, at: event.occurredAt)))
            }
        case MaintenanceRequested.eventType:
            return typed(MaintenanceRequested.self, event) { projection, requested in
                if let fact = OperationsFact(requested) { projection.operations.append(Operation(sequence: event.sequence, fact: fact)) }
            }
        case TransferReceiptClosed.eventType:
            return typed(TransferReceiptClosed.self, event) { $0.shipping.add($1, event) }
        default:
            // Plant facts the hub keeps in the plant's log without a projection of their own (yet): read to be sure.
            if let type = Self.keptTypes[event.type] { return kept(type, event) }
            return (.unprojected, "event type \(event.type) is not known to this hub version")
        }
    }

    private static func kept<E: PlantEvent>(_ typed: E, _ event: EventEnvelope) -> Kept<E> {
        Kept(sequence: event.sequence, event: typed, payload: event.payload.canonicalText, at: event.occurredAt)
    }

    /// Reads `event` as `E` and keeps it without a projection.
    private mutating func kept<E: PlantEvent>(_ type: E.Type, _ event: EventEnvelope) -> (Status, String?) {
        typed(type, event) { _, _ in }
    }

    /// Decodes `event` as `E` and adds it; quarantines it when it cannot be read, or when the `quantity` it
    /// moves is beyond `largestMove`: not a plant's fact, and summed, such numbers could not be counted.
    private mutating func typed<E: PlantEvent>(
        _ type: E.Type, _ event: EventEnvelope, quantity: KeyPath<E, Quantity>? = nil, quantities: ((E) -> [Quantity])? = nil,
        add: (inout EventProjection, E) -> Void
    ) -> (Status, String?) {
        guard event.schemaVersion <= E.schemaVersion else {
            return (.unprojected, "\(event.type) schema version \(event.schemaVersion) is newer than this hub's \(E.schemaVersion)")
        }
        let decoded: E
        do {
            decoded = try E.decode(type: event.type, schemaVersion: event.schemaVersion, payload: event.payload)
        } catch {
            return (.quarantined, "\(error)")
        }
        if let quantity, decoded[keyPath: quantity] > Self.largestMove {
            return (.quarantined, "\(event.type): a quantity of \(decoded[keyPath: quantity]) is beyond \(Self.largestMove)")
        }
        if let quantities, let beyond = quantities(decoded).first(where: { $0 > Self.largestMove || $0 < .zero }) {
            return (.quarantined, "\(event.type): a quantity of \(beyond) is beyond 0 to \(Self.largestMove)")
        }
        add(&self, decoded)
        return (.applied, nil)
    }
}
