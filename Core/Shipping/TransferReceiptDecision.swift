import Foundation

/// The receiving plant's side of a transfer: which scanned SSCCs it takes, and what differs from what was shipped.
public enum TransferReceiptDecision {
    /// An announced unit, as the receiving plant holds it.
    public struct Announced: Sendable, Equatable {
        public var transfer: String
        public var received: Bool
        /// Recorded short when the receipt was closed without it.
        public var recordedShort: Bool
        public var contents: [ShippedUnit.Content]

        public init(transfer: String, received: Bool, recordedShort: Bool = false, contents: [ShippedUnit.Content]) {
            self.transfer = transfer
            self.received = received
            self.recordedShort = recordedShort
            self.contents = contents
        }
    }

    public struct Snapshot: Sendable, Equatable {
        /// Whether the transfer is still open (nil: this plant expects no such transfer).
        public var transferOpen: Bool?
        /// The sending plant's company prefix, when the hub named it.
        public var senderPrefix: GS1CompanyPrefix?
        /// The scanned SSCC as announced to this plant (on any transfer); nil when not announced.
        public var unit: Announced?

        public init(transferOpen: Bool?, senderPrefix: GS1CompanyPrefix?, unit: Announced?) {
            self.transferOpen = transferOpen
            self.senderPrefix = senderPrefix
            self.unit = unit
        }
    }

    /// What was found in a unit when it differs from what was shipped: a content's quantity as counted, and how much
    /// of it is damaged.
    public struct Finding: Sendable, Equatable {
        public var unit: StockUnit
        public var counted: Quantity?
        public var damaged: Quantity
        public var reason: String?

        public init(unit: StockUnit, counted: Quantity?, damaged: Quantity, reason: String?) {
            self.unit = unit
            self.counted = counted
            self.damaged = damaged
            self.reason = reason
        }
    }

    /// The unit's contents as received, and the discrepancies to record.
    public struct Receipt: Sendable, Equatable {
        public var contents: [TransferUnitReceived.Content]
        public var discrepancies: [(kind: TransferDiscrepancyRecorded.Kind, content: ShippedUnit.Content, quantity: Quantity, reason: String)]

        public static func == (lhs: Receipt, rhs: Receipt) -> Bool {
            lhs.contents == rhs.contents && lhs.discrepancies.map(\.kind) == rhs.discrepancies.map(\.kind)
                && lhs.discrepancies.map(\.quantity) == rhs.discrepancies.map(\.quantity)
        }
    }

    /// Takes `sscc` into `transfer`, or refuses: a closed or unknown transfer, an SSCC under another company prefix
    /// than the sender's, one not announced (yet), one of another transfer, one received already; findings that name
    /// no content of the unit, or find more damaged than there is. A unit recorded short that turns up after all is
    /// received, and what it holds is recorded as found (`over`), beside the short recorded before.
    public static func receive(_ sscc: SSCC, transfer: String, findings: [Finding], _ snapshot: Snapshot) throws -> Receipt {
        guard let open = snapshot.transferOpen else {
            throw ShippingRefusal(.unknownOrder, "this plant expects no transfer \(transfer)", field: "transfer")
        }
        guard open else { throw ShippingRefusal(.closed, "the receipt of \(transfer) is closed: settle what is left at the hub") }
        if let prefix = snapshot.senderPrefix, !sscc.isAllocated(under: prefix) {
            throw ShippingRefusal(.foreignSSCC, "SSCC \(sscc) is not under the sending plant's company prefix \(prefix)", field: "sscc")
        }
        guard let unit = snapshot.unit else {
            throw ShippingRefusal(.unknownUnit, "SSCC \(sscc) is not announced for \(transfer) (yet): if the sender shipped it, "
                + "the announcement arrives with the next pull from the hub", field: "sscc")
        }
        guard unit.transfer == transfer else {
            throw ShippingRefusal(.wrongOrder, "SSCC \(sscc) belongs to transfer \(unit.transfer), not \(transfer)", field: "sscc")
        }
        guard !unit.received else { throw ShippingRefusal(.scannedTwice, "SSCC \(sscc) was received already", field: "sscc") }
        for finding in findings where !unit.contents.contains(where: { $0.unit == finding.unit }) {
            throw ShippingRefusal(.invalid, "\(finding.unit) is not in SSCC \(sscc)", field: "findings")
        }
        var receipt = Receipt(contents: [], discrepancies: [])
        for content in unit.contents {
            let finding = findings.first { $0.unit == content.unit }
            let counted = finding?.counted ?? content.quantity, damaged = finding?.damaged ?? .zero
            guard damaged <= counted, !(damaged < .zero), !(counted < .zero) else {
                throw ShippingRefusal(.invalid, "\(content.unit): \(damaged) damaged of \(counted) found", field: "findings")
            }
            if content.serial != nil, counted > Quantity(1) {
                throw ShippingRefusal(.invalid, "\(content.unit) is one serialised unit", field: "findings")
            }
            receipt.contents.append(TransferUnitReceived.Content(
                line: content.line, item: content.item, lot: content.lot, serial: content.serial, shipped: content.quantity,
                received: counted - damaged, damaged: damaged))
            let reason = finding?.reason ?? ""
            if unit.recordedShort {
                receipt.discrepancies.append((.over, content, counted, "found after the receipt recorded it short"))
            } else if counted < content.quantity {
                receipt.discrepancies.append((.short, content, content.quantity - counted, reason.isEmpty ? "less found in the unit than shipped" : reason))
            } else if counted > content.quantity {
                receipt.discrepancies.append((.over, content, counted - content.quantity, reason.isEmpty ? "more found in the unit than shipped" : reason))
            }
            if damaged.isPositive {
                receipt.discrepancies.append((.damaged, content, damaged, reason.isEmpty ? "damaged on arrival" : reason))
            }
        }
        return receipt
    }

    /// Refuses closing the receipt of `transfer` when this plant expects no such transfer (`open` nil) or has closed it.
    public static func close(_ transfer: String, open: Bool?) throws {
        guard let open else { throw ShippingRefusal(.unknownOrder, "this plant expects no transfer \(transfer)") }
        guard open else { throw ShippingRefusal(.closed, "the receipt of \(transfer) is closed already") }
    }
}
