import Foundation

/// A customer order as the hub's API takes it (`POST /v1/customer-orders`), before the hub checks it against its
/// masters and turns it into the `CustomerOrderInstruction` the plant receives.
public struct CustomerOrderRequest: Sendable, Equatable, Codable {
    public struct Line: Sendable, Equatable, Codable {
        public var line: Int
        public var item: String
        public var quantity: Quantity
        /// Per base unit, decimal text in the order's currency.
        public var price: String
        public var promised: String?

        public init(line: Int, item: String, quantity: Quantity, price: String, promised: String? = nil) {
            self.line = line
            self.item = item
            self.quantity = quantity
            self.price = price
            self.promised = promised
        }
    }

    public var order: String
    public var plant: String
    public var customer: String
    /// Defaults to the customer's currency.
    public var currency: String?
    public var requested: String
    public var lines: [Line]
    public var shipTo: String?
    public var note: String?

    public init(
        order: String, plant: String, customer: String, currency: String? = nil, requested: String, lines: [Line],
        shipTo: String? = nil, note: String? = nil
    ) {
        self.order = order
        self.plant = plant
        self.customer = customer
        self.currency = currency
        self.requested = requested
        self.lines = lines
        self.shipTo = shipTo
        self.note = note
    }

    /// What the hub holds that the order is checked against.
    public struct Snapshot: Sendable {
        /// The shipping plant's company.
        public var company: String
        /// The `customer` master of that key in the plant's company, if there is one.
        public var customer: CustomerMaster?
        /// Item codes of the active item masters meant for the plant.
        public var items: Set<String>

        public init(company: String, customer: CustomerMaster?, items: Set<String>) {
            self.company = company
            self.customer = customer
            self.items = items
        }
    }

    /// The instruction for the plant, or why the order cannot be taken.
    public func decide(_ snapshot: Snapshot) throws(ShippingRefusal) -> CustomerOrderInstruction {
        try OutboundChecks.reference(order, field: "order")
        try OutboundChecks.day(requested, field: "requested")
        try OutboundChecks.text(shipTo, field: "shipTo", limit: 500)
        try OutboundChecks.text(note, field: "note", limit: 500)
        guard let master = snapshot.customer, master.active, master.company == snapshot.company else {
            throw ShippingRefusal(
                .unknownCounterpart, "no active customer \(customer) of company \(snapshot.company)", field: "customer")
        }
        let code = currency ?? master.currency.code
        guard let currency = try? CurrencyCode(code) else {
            throw ShippingRefusal(.invalid, "currency \(code) is not an ISO 4217 code", field: "currency")
        }
        try OutboundChecks.numbering(lines.map(\.line))
        var decided: [CustomerOrderInstruction.Line] = []
        for (index, line) in lines.enumerated() {
            let field = "lines[\(index)]"
            try OutboundChecks.item(line.item, quantity: line.quantity, items: snapshot.items, field: field)
            guard let price = Money(text: line.price, currency: currency), price.amount >= 0 else {
                throw ShippingRefusal(.invalid, "a price is a decimal number of at least 0, got \"\(line.price)\"", field: "\(field).price")
            }
            if let promised = line.promised { try OutboundChecks.day(promised, field: "\(field).promised") }
            decided.append(.init(line: line.line, item: line.item, quantity: line.quantity, price: price, promised: line.promised))
        }
        return CustomerOrderInstruction(
            order: order, customer: customer, customerName: master.name, company: snapshot.company, currency: currency,
            requested: requested, lines: decided, shipTo: shipTo, note: note)
    }
}

/// The checks customer orders and transfers share.
enum OutboundChecks {
    static func reference(_ text: String, field: String) throws(ShippingRefusal) {
        guard PlantIdentity.isLocalCode(text) else {
            throw ShippingRefusal(.invalid, "\(field) is 1 to 64 letters, digits, '-', '_' or '.', got \"\(text)\"", field: field)
        }
    }

    static func day(_ text: String, field: String) throws(ShippingRefusal) {
        guard DemandInstruction.day(text) != nil else {
            throw ShippingRefusal(.invalid, "\(field) is a date YYYY-MM-DD, got \"\(text)\"", field: field)
        }
    }

    static func text(_ text: String?, field: String, limit: Int) throws(ShippingRefusal) {
        guard (text?.count ?? 0) <= limit else { throw ShippingRefusal(.invalid, "\(field) is at most \(limit) characters", field: field) }
    }

    /// At least one line, at most 1,000, numbered 1 and up without repeats.
    static func numbering(_ numbers: [Int]) throws(ShippingRefusal) {
        guard (1...1000).contains(numbers.count) else { throw ShippingRefusal(.invalid, "an order has 1 to 1000 lines", field: "lines") }
        var seen = Set<Int>()
        for (index, number) in numbers.enumerated() {
            guard (1...1_000_000).contains(number) else {
                throw ShippingRefusal(.invalid, "a line number is 1 to 1000000, got \(number)", field: "lines[\(index)].line")
            }
            guard seen.insert(number).inserted else {
                throw ShippingRefusal(.invalid, "line \(number) is numbered twice", field: "lines[\(index)].line")
            }
        }
    }

    static func item(_ item: String, quantity: Quantity, items: Set<String>, field: String) throws(ShippingRefusal) {
        guard items.contains(item) else {
            throw ShippingRefusal(.invalid, "no active item \(item) among the masters meant for the plant", field: "\(field).item")
        }
        guard quantity.isPositive, quantity <= Quantity(100_000_000) else {
            throw ShippingRefusal(.invalid, "a quantity is positive, up to 100000000, got \(quantity)", field: "\(field).quantity")
        }
    }
}
