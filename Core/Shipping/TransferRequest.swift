import Foundation

/// A transfer as the hub's API takes it (`POST /v1/transfers`), before the hub prices it from the intercompany
/// price list and turns it into the `TransferInstruction` both plants receive.
public struct TransferRequest: Sendable, Equatable, Codable {
    public struct Line: Sendable, Equatable, Codable {
        public var line: Int
        public var item: String
        public var quantity: Quantity

        public init(line: Int, item: String, quantity: Quantity) {
            self.line = line
            self.item = item
            self.quantity = quantity
        }
    }

    public var transfer: String
    public var fromPlant: String
    public var toPlant: String
    public var requested: String
    public var lines: [Line]
    public var note: String?

    public init(transfer: String, fromPlant: String, toPlant: String, requested: String, lines: [Line], note: String? = nil) {
        self.transfer = transfer
        self.fromPlant = fromPlant
        self.toPlant = toPlant
        self.requested = requested
        self.lines = lines
        self.note = note
    }

    /// What the hub holds that the transfer is checked against.
    public struct Snapshot: Sendable {
        public var fromCompany: String
        public var toCompany: String
        /// Item codes of the active item masters meant for the sending plant.
        public var items: Set<String>
        /// The `intercompany-price` masters of the selling company (any buyer, any state).
        public var prices: [IntercompanyPriceMaster]

        public init(fromCompany: String, toCompany: String, items: Set<String>, prices: [IntercompanyPriceMaster]) {
            self.fromCompany = fromCompany
            self.toCompany = toCompany
            self.items = items
            self.prices = prices
        }
    }

    /// The instruction for both plants, or why the transfer cannot be made. Across companies every line takes the
    /// active transfer price of the selling company for the buyer and item (`BUYER:ITEM`); within one, none.
    public func decide(_ snapshot: Snapshot) throws(ShippingRefusal) -> TransferInstruction {
        try OutboundChecks.reference(transfer, field: "transfer")
        guard fromPlant != toPlant else { throw ShippingRefusal(.invalid, "a transfer goes to another plant", field: "toPlant") }
        try OutboundChecks.day(requested, field: "requested")
        try OutboundChecks.text(note, field: "note", limit: 500)
        try OutboundChecks.numbering(lines.map(\.line))
        let intercompany = snapshot.fromCompany != snapshot.toCompany
        var decided: [TransferInstruction.Line] = []
        for (index, line) in lines.enumerated() {
            try OutboundChecks.item(line.item, quantity: line.quantity, items: snapshot.items, field: "lines[\(index)]")
            var price: Money?
            if intercompany {
                guard let master = snapshot.prices.first(where: {
                    $0.active && $0.company == snapshot.fromCompany && $0.buyer == snapshot.toCompany && $0.item == line.item
                }) else {
                    throw ShippingRefusal(
                        .unknownCounterpart,
                        "no active intercompany price of \(snapshot.fromCompany) for \(snapshot.toCompany) and item \(line.item) "
                            + "(intercompany-price \(snapshot.toCompany):\(line.item))",
                        field: "lines[\(index)].item")
                }
                price = master.price
            }
            decided.append(.init(line: line.line, item: line.item, quantity: line.quantity, price: price))
        }
        return TransferInstruction(
            transfer: transfer, fromPlant: fromPlant, toPlant: toPlant, fromCompany: snapshot.fromCompany, toCompany: snapshot.toCompany,
            requested: requested, lines: decided, note: note)
    }
}
