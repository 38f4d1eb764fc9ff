import Foundation
import GantryCore

extension EventProjection {
    /// A run's sourcing facts for supplier scorecards (docs/sourcing.md): purchase order lines, what changed
    /// them, receipts against them, and nonconformances against suppliers. Quantities in millionths.
    struct SourcingFacts {
        /// The event types that carry sourcing facts.
        static let eventTypes = [
            PurchaseOrderPlaced.eventType, PurchaseOrderLineRescheduled.eventType, SupplierCommitmentRecorded.eventType,
            StockMoved.eventType, NonconformanceOpened.eventType,
        ]

        struct Line {
            var sequence: Int64, order: String, line: Int, supplier: String, item: String, quantity: Int64
            var price: String?, currency: String?, orderedAt: Date, due: String?
        }
        struct Reschedule { var sequence: Int64; var order: String; var line: Int; var due: String? }
        struct Confirmation { var sequence: Int64; var order: String; var line: Int; var at: Date; var due: String; var quantity: Int64 }
        struct Receipt { var sequence: Int64; var order: String; var line: Int; var quantity: Int64; var at: Date }
        struct Nonconformance { var sequence: Int64; var supplier: String; var item: String; var quantity: Int64; var at: Date }

        private(set) var lines: [Line] = []
        private(set) var reschedules: [Reschedule] = []
        private(set) var confirmations: [Confirmation] = []
        private(set) var receipts: [Receipt] = []
        private(set) var nonconformances: [Nonconformance] = []

        /// Line numbers the tables hold (a 32-bit column on PostgreSQL); a line beyond them is left out of the
        /// scorecards, not allowed to stop the plant's batch.
        static func storable(_ line: Int) -> Bool { (1...Int(Int32.max)).contains(line) }

        mutating func add(_ placed: PurchaseOrderPlaced, _ event: EventEnvelope) {
            for line in placed.lines where Self.storable(line.line) {
                // A price that is not a decimal number is left out rather than compared.
                let price = line.price.flatMap { DecimalText.parse($0) == nil ? nil : $0 }
                lines.append(Line(
                    sequence: event.sequence, order: placed.order, line: line.line, supplier: placed.supplier, item: line.item,
                    quantity: line.quantity.micro, price: price, currency: price == nil ? nil : line.currency,
                    orderedAt: event.occurredAt, due: line.due))
            }
        }

        mutating func add(_ rescheduled: PurchaseOrderLineRescheduled, _ event: EventEnvelope) {
            guard Self.storable(rescheduled.line) else { return }
            reschedules.append(Reschedule(sequence: event.sequence, order: rescheduled.order, line: rescheduled.line, due: rescheduled.due))
        }

        mutating func add(_ commitment: SupplierCommitmentRecorded, _ event: EventEnvelope) {
            guard Self.storable(commitment.line) else { return }
            confirmations.append(Confirmation(
                sequence: event.sequence, order: commitment.order, line: commitment.line, at: event.occurredAt,
                due: commitment.confirmedDue, quantity: commitment.confirmedQuantity.micro))
        }

        /// Only receipts and returns against a purchase order line (`ORDER/LINE`) count; a return is kept as a
        /// receipt of the negative quantity (`SupplierRows` tells them apart).
        mutating func add(_ moved: StockMoved, _ event: EventEnvelope) {
            guard moved.kind == .receipt || moved.kind == .returned, let reference = moved.reference, reference.kind == .purchaseOrderLine,
                  let slash = reference.id.lastIndex(of: "/"), let line = Int(reference.id[reference.id.index(after: slash)...]),
                  Self.storable(line)
            else { return }
            receipts.append(Receipt(
                sequence: event.sequence, order: String(reference.id[..<slash]), line: line,
                quantity: moved.kind == .returned ? -moved.quantity.micro : moved.quantity.micro,
                at: event.occurredAt))
        }

        mutating func add(_ opened: NonconformanceOpened, _ event: EventEnvelope) {
            guard let supplier = opened.supplier, !supplier.isEmpty else { return }
            nonconformances.append(Nonconformance(
                sequence: event.sequence, supplier: supplier, item: opened.item, quantity: opened.quantity.micro, at: event.occurredAt))
        }

        func after(_ sequence: Int64) -> SourcingFacts {
            var rest = self
            rest.lines.removeAll { $0.sequence <= sequence }
            rest.reschedules.removeAll { $0.sequence <= sequence }
            rest.confirmations.removeAll { $0.sequence <= sequence }
            rest.receipts.removeAll { $0.sequence <= sequence }
            rest.nonconformances.removeAll { $0.sequence <= sequence }
            return rest
        }

        /// The last reschedule of each line in the run: the one that stands.
        var latestReschedules: [Reschedule] {
            var latest: [String: Reschedule] = [:]
            for change in reschedules { latest["\(change.order)/\(change.line)"] = change }
            return latest.values.sorted { $0.sequence < $1.sequence }
        }

        /// The first confirmation of each line in the run; the store keeps a line's first one only.
        var firstConfirmations: [Confirmation] {
            var first: [String: Confirmation] = [:]
            for confirmation in confirmations where first["\(confirmation.order)/\(confirmation.line)"] == nil {
                first["\(confirmation.order)/\(confirmation.line)"] = confirmation
            }
            return first.values.sorted { $0.sequence < $1.sequence }
        }
    }
}
