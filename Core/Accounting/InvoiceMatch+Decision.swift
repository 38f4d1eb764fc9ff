import Foundation

extension InvoiceMatch {
    /// What the match decided: the entries to post, or the invoice held with every reason.
    public enum Decision: Sendable, Equatable {
        case matched([JournalEntry])
        case held([HoldReason])
    }

    /// Why an invoice is held, and on which of its lines.
    public struct HoldReason: Sendable, Equatable, Codable {
        public enum Code: String, Sendable, Codable, CaseIterable {
            /// The line's amount is above PO price × quantity by more than the company's tolerance.
            case priceOverTolerance = "price-over-tolerance"
            /// More is invoiced than was received and not yet invoiced.
            case quantityBeyondReceived = "quantity-beyond-received"
            /// No such purchase order line.
            case unknownOrderLine = "unknown-order-line"
            /// The order line is another supplier's.
            case otherSupplier = "other-supplier"
            /// The invoice is in another currency than the order.
            case currencyDiffers = "currency-differs"
            /// A charge split by weight over an item without a unit weight.
            case missingWeight = "missing-weight"
        }

        public var code: Code
        /// The `ORDER/LINE` at fault (nil for the invoice as a whole).
        public var line: String?
        public var detail: String

        public init(_ code: Code, line: String?, _ detail: String) {
            self.code = code
            self.line = line
            self.detail = detail
        }

        /// Whether a permitted role may release the invoice over it: only a price, never goods not received or
        /// a line that is not the supplier's.
        public var isReleasable: Bool { code == .priceOverTolerance }
    }
}
