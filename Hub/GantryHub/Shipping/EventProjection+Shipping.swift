import Foundation
import GantryCore

extension EventProjection {
    /// A run's shipping facts (docs/shipping.md): plants' answers to customer orders and transfers, what they shipped
    /// unit by unit, what arrived, discrepancies and closed receipts, and lots received against purchase orders
    /// (the leaves of a backward trace). Quantities in millionths.
    struct ShippingFacts {
        struct Answer { var sequence: Int64; var kind: PlantInstruction.Kind; var reference: String; var instruction: Int64
            var lines: [OrderLineAnswer]; var payload: String; var at: Date }
        struct Dispatch { var sequence: Int64; var event: ShipmentDispatched; var at: Date }
        struct Receipt { var sequence: Int64; var event: TransferUnitReceived; var at: Date }
        struct Discrepancy { var sequence: Int64; var event: TransferDiscrepancyRecorded; var at: Date }
        struct Closing { var sequence: Int64; var event: TransferReceiptClosed; var at: Date }
        struct ReceivedLot { var sequence: Int64; var item: String; var lot: String; var order: String; var line: Int; var quantity: Int64; var at: Date }

        private(set) var answers: [Answer] = []
        private(set) var dispatches: [Dispatch] = []
        private(set) var receipts: [Receipt] = []
        private(set) var discrepancies: [Discrepancy] = []
        private(set) var closings: [Closing] = []
        private(set) var receivedLots: [ReceivedLot] = []

        /// Line numbers the tables hold (a 32-bit column on PostgreSQL).
        static func storable(_ line: Int) -> Bool { (0...Int(Int32.max)).contains(line) }

        mutating func add(_ answered: CustomerOrderAnswered, _ event: EventEnvelope) {
            answers.append(Answer(
                sequence: event.sequence, kind: .customerOrder, reference: answered.order, instruction: answered.instruction,
                lines: answered.lines.filter { Self.storable($0.line) }, payload: event.payload.canonicalText, at: event.occurredAt))
        }

        mutating func add(_ answered: TransferAnswered, _ event: EventEnvelope) {
            answers.append(Answer(
                sequence: event.sequence, kind: .transferOut, reference: answered.transfer, instruction: answered.instruction,
                lines: answered.lines.filter { Self.storable($0.line) }, payload: event.payload.canonicalText, at: event.occurredAt))
        }

        mutating func add(_ dispatched: ShipmentDispatched, _ event: EventEnvelope) {
            var dispatched = dispatched
            dispatched.lines.removeAll { !Self.storable($0.line) }
            for index in dispatched.units.indices { dispatched.units[index].contents.removeAll { !Self.storable($0.line) } }
            dispatches.append(Dispatch(sequence: event.sequence, event: dispatched, at: event.occurredAt))
        }

        mutating func add(_ received: TransferUnitReceived, _ event: EventEnvelope) {
            receipts.append(Receipt(sequence: event.sequence, event: received, at: event.occurredAt))
        }

        mutating func add(_ recorded: TransferDiscrepancyRecorded, _ event: EventEnvelope) {
            guard Self.storable(recorded.line) else { return }
            discrepancies.append(Discrepancy(sequence: event.sequence, event: recorded, at: event.occurredAt))
        }

        mutating func add(_ closed: TransferReceiptClosed, _ event: EventEnvelope) {
            closings.append(Closing(sequence: event.sequence, event: closed, at: event.occurredAt))
        }

        /// A receipt of a lot against a purchase order line (`ORDER/LINE`): where a supplier's lot entered the group.
        mutating func add(_ moved: StockMoved, _ event: EventEnvelope) {
            guard moved.kind == .receipt, let lot = moved.lot, !lot.isEmpty, let reference = moved.reference,
                  reference.kind == .purchaseOrderLine, let slash = reference.id.lastIndex(of: "/"),
                  let line = Int(reference.id[reference.id.index(after: slash)...]), Self.storable(line)
            else { return }
            receivedLots.append(ReceivedLot(
                sequence: event.sequence, item: moved.item, lot: lot, order: String(reference.id[..<slash]), line: line,
                quantity: moved.quantity.micro, at: event.occurredAt))
        }

        func after(_ sequence: Int64) -> ShippingFacts {
            var rest = self
            rest.answers.removeAll { $0.sequence <= sequence }
            rest.dispatches.removeAll { $0.sequence <= sequence }
            rest.receipts.removeAll { $0.sequence <= sequence }
            rest.discrepancies.removeAll { $0.sequence <= sequence }
            rest.closings.removeAll { $0.sequence <= sequence }
            rest.receivedLots.removeAll { $0.sequence <= sequence }
            return rest
        }

        /// The instruction the receiving plant gets for a transfer's shipment: every unit, so it can check each SSCC
        /// it scans, offline too. Its reference is `TRANSFER/SHIPMENT`.
        static func inbound(_ dispatch: Dispatch, from plant: String, toCompany: String) throws -> (reference: String, body: JSONValue) {
            let shipped = dispatch.event
            let body = InboundShipmentInstruction(
                transfer: shipped.order, shipment: shipped.shipment, fromPlant: plant, fromCompany: shipped.company, toCompany: toCompany,
                carrier: shipped.carrier, trackingReference: shipped.trackingReference, dispatchedAt: dispatch.at, units: shipped.units)
            return ("\(shipped.order)/\(shipped.shipment)", try JSONValue.encoding(body))
        }
    }
}
