import Foundation
@testable import GantryCore
import Testing

/// Shipments, transfers within a company and between companies, and transferred units received; figures by hand.
@Suite struct PostingShippingTests {
    typealias B = Books
    static let sscc = try! SSCC("006141411234567890")

    static func dispatch(kind: OutboundKind = .customerOrder, order: String = "SO-1", customer: String? = "ACME",
                         tradingPartner: String? = nil, lines: [ShipmentDispatched.Line]) -> PostingSource.Event {
        .shipmentDispatched(ShipmentDispatched(
            shipment: "SH-1", kind: kind, order: order, customer: customer, toPlant: kind == .transfer ? "P2" : nil, company: "DE01",
            tradingPartner: tradingPartner, carrier: "DHL", trackingReference: "1Z", units: [], lines: lines, backorders: []))
    }

    static func line(_ line: Int, _ item: String, _ quantity: String, _ price: Money? = nil) -> ShipmentDispatched.Line {
        ShipmentDispatched.Line(line: line, item: item, quantity: B.quantity(quantity), price: price)
    }

    static func received(company: String, tradingPartner: String? = nil, _ contents: [TransferUnitReceived.Content]) -> PostingSource.Event {
        .transferUnitReceived(TransferUnitReceived(
            transfer: "T-1", shipment: "SH-1", sscc: sscc, fromPlant: "P1", company: company, tradingPartner: tradingPartner,
            location: "RECV", contents: contents, receivedBy: "anna"))
    }

    static func content(_ line: Int, _ item: String, received: String, damaged: String = "0") -> TransferUnitReceived.Content {
        TransferUnitReceived.Content(line: line, item: item, lot: nil, serial: nil, shipped: B.quantity("0"),
                                     received: B.quantity(received), damaged: B.quantity(damaged))
    }

    /// To a customer: cost of sales at standard (A 1 × 4.00, B 1 × 6.00: 10.00), revenue in USD at 0.9: A 1 ×
    /// 10.005 → 10.00 USD, 9.0045 → 9.00 EUR; B 1 × 20.005 → 20.00 USD, 18.0045 → 18.00 EUR; the receivable
    /// 30.01 USD, 27.009 → 27.01 EUR, each one cent over the lines: the residue goes to it, the largest line.
    @Test func aCustomerShipmentPostsCostOfSalesAndRevenue() {
        var snapshot = B.snapshot()
        snapshot.itemCosts[CompanyItem(company: "DE01", item: "A")] = B.cost("4.00")
        snapshot.itemCosts[CompanyItem(company: "DE01", item: "B")] = B.cost("6.00")
        snapshot.rates = ExchangeRateTable([B.rate(.USD, .EUR, "0.9")])
        let outcome = PostingEngine.post([B.source(Self.dispatch(lines: [
            Self.line(1, "A", "1", B.money("10.005", .USD)), Self.line(2, "B", "1", B.money("20.005", .USD)),
        ]))], snapshot: snapshot)
        #expect(outcome.held.isEmpty && outcome.allBalanced)
        #expect(outcome.entries.map(\.kind) == [.costOfSales, .revenue])
        #expect(outcome.entries[0].functional == ["cogs": 1_000, "inventory": -1_000])
        let revenue = outcome.entries[1]
        #expect(revenue.transactionCurrency == .USD)
        #expect(revenue.lines.map(\.amount) == [3_000, -1_000, -2_000])
        #expect(revenue.lines.map(\.functionalAmount) == [2_700, -900, -1_800])
        #expect(revenue.lines.allSatisfy { $0.customer == "ACME" })
        #expect(revenue.lines.map(\.item) == [nil, "A", "B"])
        #expect(outcome.entries[0].lines.allSatisfy { $0.customer == "ACME" })
        #expect(outcome.entries.map(\.source.part) == [0, 1])
    }

    @Test func anUnpricedShipmentPostsCostOfSalesOnly() {
        var snapshot = B.snapshot()
        snapshot.itemCosts[CompanyItem(company: "DE01", item: "A")] = B.cost("4.00")
        let outcome = PostingEngine.post([B.source(Self.dispatch(lines: [Self.line(1, "A", "2")]))], snapshot: snapshot)
        #expect(outcome.entries.map(\.kind) == [.costOfSales])
        #expect(outcome.positions[ValuationKey(company: "DE01", plant: "P1", item: "A")] == StockPosition(quantity: -2_000_000, value: -800))
    }

    /// A transfer within DE01 from P1 to P2: 10 A at 4.00 leave P1's position into transit (40.00); then P2 receives
    /// 6 good and 1 damaged at the in-transit unit value 4.00 (24.00 into P2's position, 4.00 lost), 3 still in transit
    /// at 12.00. Each plant's position is its own (the valuation area is the plant).
    @Test func aTransferWithinTheCompanyGoesThroughTransit() {
        var snapshot = B.snapshot()
        snapshot.itemCosts[CompanyItem(company: "DE01", item: "A")] = B.cost("4.00")
        snapshot.positions[ValuationKey(company: "DE01", plant: "P1", item: "A")] = StockPosition(quantity: 10_000_000, value: 4_000)
        let outcome = PostingEngine.post([
            B.source(Self.dispatch(kind: .transfer, order: "T-1", customer: nil, lines: [Self.line(1, "A", "10")]), id: 1),
            B.source(Self.received(company: "DE01", [Self.content(1, "A", received: "6", damaged: "1")]), plant: "P2", id: 2),
        ], snapshot: snapshot)
        #expect(outcome.held.isEmpty && outcome.allBalanced)
        #expect(outcome.entries.map(\.kind) == [.transitOut, .transitReceipt, .transitLoss])
        #expect(outcome.entries[0].functional == ["in-transit": 4_000, "inventory": -4_000])
        #expect(outcome.entries[1].functional == ["inventory": 2_400, "in-transit": -2_400])
        #expect(outcome.entries[2].functional == ["transit-loss": 400, "in-transit": -400])
        #expect(outcome.inTransit[TransitLine(transfer: "T-1", line: 1)] == TransitValue(company: "DE01", quantity: 3_000_000, value: 1_200))
        // Each change in the period it posted to: 10 in at 40.00, 6 received and 1 lost out at 28.00.
        #expect(outcome.transitChanges == [
            TransitChange(line: TransitLine(transfer: "T-1", line: 1), company: "DE01", period: "2026-12", quantity: 10_000_000, value: 4_000),
            TransitChange(line: TransitLine(transfer: "T-1", line: 1), company: "DE01", period: "2026-12", quantity: -7_000_000, value: -2_800),
        ])
        #expect(outcome.positions[ValuationKey(company: "DE01", plant: "P1", item: "A")] == StockPosition(quantity: 0, value: 0))
        #expect(outcome.positions[ValuationKey(company: "DE01", plant: "P2", item: "A")] == StockPosition(quantity: 6_000_000, value: 2_400))
    }

    /// DE01 (EUR, standard 10.00) sells 100 A to PL01 (PLN, moving average) at 12.00 EUR; EUR→PLN 4.25 on the day.
    /// Seller: intercompany cost of sales 1000.00 EUR, sale 1200.00 EUR. Buyer: in transit / payable 1200.00 EUR =
    /// 5100.00 PLN, its in-transit value 5100.00 PLN.
    @Test(arguments: [true, false])
    func anIntercompanyTransferPostsBothSides(priceOnTheLine: Bool) {
        var snapshot = B.snapshot()
        snapshot.itemCosts[CompanyItem(company: "DE01", item: "A")] = B.cost("10.00")
        snapshot.rates = ExchangeRateTable([B.rate(.EUR, .PLN, "4.25")])
        if !priceOnTheLine { snapshot.intercompanyPrices[IntercompanyPriceKey(seller: "DE01", buyer: "PL01", item: "A")] = B.money("12.00") }
        let outcome = PostingEngine.post([B.source(Self.dispatch(
            kind: .transfer, order: "T-1", customer: nil, tradingPartner: "PL01",
            lines: [Self.line(1, "A", "100", priceOnTheLine ? B.money("12.00") : nil)]))], snapshot: snapshot)
        #expect(outcome.held.isEmpty && outcome.allBalanced)
        #expect(outcome.entries.map(\.kind) == [.intercompanyCostOfSales, .intercompanySale, .intercompanyPurchase])
        #expect(outcome.entries.map(\.company) == ["DE01", "DE01", "PL01"])
        #expect(outcome.entries.map(\.source.part) == [0, 1, 2])
        #expect(outcome.entries[0].functional == ["ic-cogs": 100_000, "inventory": -100_000])
        #expect(outcome.entries[1].functional == ["ic-receivable": 120_000, "ic-revenue": -120_000])
        let purchase = outcome.entries[2]
        #expect(purchase.transactionCurrency == .EUR && purchase.functionalCurrency == .PLN)
        #expect(purchase.transaction == ["in-transit": 120_000, "ic-payable": -120_000])
        #expect(purchase.functional == ["in-transit": 510_000, "ic-payable": -510_000])
        #expect(outcome.entries[0...1].allSatisfy { $0.lines.allSatisfy { $0.tradingPartner == "PL01" } })
        #expect(purchase.lines.allSatisfy { $0.tradingPartner == "DE01" })
        #expect(outcome.inTransit[TransitLine(transfer: "T-1", line: 1)] == TransitValue(company: "PL01", quantity: 100_000_000, value: 510_000))
    }

    /// 3 units in transit worth 10.00 PLN at PL01 (moving average): one at 10.00 / 3 = 3.333… → 3.33, the next at
    /// 6.67 / 2 = 3.335 → 3.34 (half to even), the last at what is left, 3.33: the line ends at 0 and 0.
    @Test func theLastUnitTakesWhatRemainsInTransit() {
        var snapshot = B.snapshot()
        let key = TransitLine(transfer: "T-1", line: 1)
        snapshot.inTransit[key] = TransitValue(company: "PL01", quantity: 3_000_000, value: 1_000)
        let receipts = (1...3).map { id in
            B.source(Self.received(company: "PL01", tradingPartner: "DE01", [Self.content(1, "A", received: "1")]), company: "PL01", plant: "P2", id: id)
        }
        let outcome = PostingEngine.post(receipts, snapshot: snapshot)
        #expect(outcome.held.isEmpty && outcome.allBalanced)
        #expect(outcome.entries.map { $0.functional["inventory"] } == [333, 334, 333])
        #expect(outcome.inTransit[key] == TransitValue(company: "PL01", quantity: 0, value: 0))
        #expect(outcome.positions[ValuationKey(company: "PL01", plant: "P2", item: "A")] == StockPosition(quantity: 3_000_000, value: 1_000))
    }

    /// Under standard the receiver's inventory takes its standard (10 × 10.00 = 100.00) and the difference to the
    /// in-transit value (95.00) goes to PPV: −5.00, a credit.
    @Test func aTransferReceiptAtStandardBooksThePriceVariance() {
        var snapshot = B.snapshot()
        snapshot.itemCosts[CompanyItem(company: "DE01", item: "A")] = B.cost("10.00")
        snapshot.inTransit[TransitLine(transfer: "T-1", line: 1)] = TransitValue(company: "DE01", quantity: 10_000_000, value: 9_500)
        let outcome = PostingEngine.post([B.source(Self.received(company: "DE01", [Self.content(1, "A", received: "10")]))], snapshot: snapshot)
        #expect(outcome.entries.count == 1 && outcome.allBalanced)
        #expect(outcome.entries[0].functional == ["inventory": 10_000, "in-transit": -9_500, "ppv": -500])
    }
}
