import Foundation

extension InvoiceMatch {
    /// A supplier invoice as entered at the hub (API or CSV import): its lines per purchase order line and its
    /// landed-cost charges, all in the invoice's currency.
    public struct Invoice: Sendable, Equatable, Codable {
        /// One invoiced purchase order line.
        public struct Line: Sendable, Equatable, Codable {
            /// `ORDER/LINE`, as receipts reference it.
            public var orderLine: String
            public var quantity: Decimal
            public var unitPrice: Decimal

            public init(orderLine: String, quantity: Decimal, unitPrice: Decimal) {
                self.orderLine = orderLine
                self.quantity = quantity
                self.unitPrice = unitPrice
            }
        }

        /// The hub's id of the invoice: the entries' source reference.
        public var id: String
        public var company: String
        public var supplier: String
        public var number: String
        /// `YYYY-MM-DD`.
        public var date: String
        public var currency: CurrencyCode
        public var lines: [Line]
        public var charges: [LandedCost.Charge]

        public init(id: String, company: String, supplier: String, number: String, date: String, currency: CurrencyCode,
                    lines: [Line], charges: [LandedCost.Charge] = []) {
            self.id = id
            self.company = company
            self.supplier = supplier
            self.number = number
            self.date = date
            self.currency = currency
            self.lines = lines
            self.charges = charges
        }
    }

    /// A purchase order line as the match reads it: what was ordered at which price, and what has been received
    /// and not yet invoiced.
    public struct OrderLine: Sendable, Equatable {
        public var line: String
        public var supplier: String
        public var item: String
        public var ordered: Decimal
        public var price: Money
        public var receivedNotInvoiced: Decimal
        /// The item's weight per base unit, for charges split by weight.
        public var unitWeight: Decimal?
        /// What GRNI holds for the line (nil when the books keep nothing for it: its receipts posted before GRNI was kept
        /// per line, or have not posted yet), in the PO's currency and the functional one.
        public var grni: GRNIBalance?

        public init(line: String, supplier: String, item: String, ordered: Decimal, price: Money, receivedNotInvoiced: Decimal,
                    unitWeight: Decimal? = nil, grni: GRNIBalance? = nil) {
            self.line = line
            self.supplier = supplier
            self.item = item
            self.ordered = ordered
            self.price = price
            self.receivedNotInvoiced = receivedNotInvoiced
            self.unitWeight = unitWeight
            self.grni = grni
        }
    }

    /// What the match reads inside the hub's transaction: the company's books (currency, accounts, periods), its
    /// match tolerance, the invoice's order lines by `ORDER/LINE`, and the rate from the invoice's currency to
    /// the functional one on the invoice date (nil when there is none: a refusal if it is needed).
    public struct Snapshot: Sendable {
        public var books: CompanyBooks
        /// `CompanyMaster.matchTolerancePercent` (0 when not set).
        public var tolerancePercent: Decimal
        public var orderLines: [String: OrderLine]
        public var rate: AppliedRate?

        public init(books: CompanyBooks, tolerancePercent: Decimal, orderLines: [String: OrderLine], rate: AppliedRate? = nil) {
            self.books = books
            self.tolerancePercent = tolerancePercent
            self.orderLines = orderLines
            self.rate = rate
        }
    }
}
