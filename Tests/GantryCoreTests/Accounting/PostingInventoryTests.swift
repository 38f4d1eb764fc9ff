import Foundation
@testable import GantryCore
import Testing

/// Receipts, returns, counts, scrap and quarantine, posted without a database; every figure worked out by hand.
@Suite struct PostingInventoryTests {
    typealias B = Books

    /// A receipt at standard cost (DE01, EUR): inventory at quantity × standard, GRNI at quantity × PO price, the
    /// difference to PPV (debit when paid more, credit when less, no line when equal). Cents.
    @Test(arguments: [
        // 120 × 10.125 = 1215.00 paid, 120 × 10.00 = 1200.00 at standard: PPV 15.00 (unfavourable, debit).
        ("120", "10.125", "10.00", Int64(120_000), Int64(-121_500), Int64?.some(1_500)),
        // 100 × 9.50 = 950.00 paid, 1000.00 at standard: PPV −50.00 (favourable, credit).
        ("100", "9.50", "10.00", 100_000, -95_000, -5_000),
        // Paid exactly the standard: no PPV line.
        ("10", "10.00", "10.00", 10_000, -10_000, nil),
        // 1 × 0.125 = 0.125 paid rounds half to even to 0.12; 0.10 at standard; PPV 0.025 rounds to 0.02.
        ("1", "0.125", "0.10", 10, -12, 2),
    ])
    func receiptAtStandard(quantity: String, price: String, standard: String, inventory: Int64, grni: Int64, ppv: Int64?) {
        var snapshot = B.snapshot()
        snapshot.orderLinePrices[PlantOrderLine(plant: "P1", line: "PO-1/1")] = B.money(price)
        snapshot.itemCosts[CompanyItem(company: "DE01", item: "RM")] = B.cost(standard)
        let outcome = PostingEngine.post([B.source(B.move(.receipt, "RM", quantity, to: "RECV", reference: B.orderLine()))], snapshot: snapshot)
        #expect(outcome.held.isEmpty)
        #expect(outcome.entries.count == 1)
        let entry = outcome.entries[0]
        #expect(entry.kind == .receipt && entry.isBalanced)
        #expect(entry.functional["inventory"] == inventory)
        #expect(entry.functional["grni"] == grni)
        #expect(entry.functional["ppv"] == ppv)
        #expect(entry.transaction == entry.functional)
        #expect(entry.period == "2026-12" && entry.postingDate == "2026-12-03" && entry.originalDate == nil)
        #expect(entry.source.key == "event:00000000-0000-0000-0000-000000000001:0")
        let stock = entry.lines.first { $0.account == "inventory" }
        #expect(stock?.item == "RM" && stock?.quantity == B.quantity(quantity).micro)
        #expect(outcome.positions[ValuationKey(company: "DE01", plant: "P1", item: "RM")] == StockPosition(quantity: B.quantity(quantity).micro, value: inventory))
    }

    /// A receipt priced in USD at a EUR company: GRNI at the PO price in USD and converted at the day's rate,
    /// inventory at the EUR standard (its USD amount the standard converted back), PPV the difference in both.
    @Test func foreignCurrencyReceiptBalancesInBothCurrencies() {
        var snapshot = B.snapshot()
        snapshot.orderLinePrices[PlantOrderLine(plant: "P1", line: "PO-1/1")] = B.money("11.00", .USD)
        snapshot.itemCosts[CompanyItem(company: "DE01", item: "RM")] = B.cost("10.00")
        snapshot.rates = ExchangeRateTable([B.rate(.USD, .EUR, "0.9")])
        let outcome = PostingEngine.post([B.source(B.move(.receipt, "RM", "100", to: "RECV", reference: B.orderLine()))], snapshot: snapshot)
        let entry = outcome.entries[0]
        #expect(entry.transactionCurrency == .USD && entry.functionalCurrency == .EUR)
        // GRNI: 100 × 11.00 = 1100.00 USD; × 0.9 = 990.00 EUR.
        #expect(entry.transaction["grni"] == -110_000 && entry.functional["grni"] == -99_000)
        // Inventory: 100 × 10.00 = 1000.00 EUR; 1000 / 0.9 = 1111.111… → 1111.11 USD.
        #expect(entry.functional["inventory"] == 100_000 && entry.transaction["inventory"] == 111_111)
        // PPV: 990.00 − 1000.00 = −10.00 EUR; 1100.00 − 1111.111… = −11.111… → −11.11 USD (favourable).
        #expect(entry.functional["ppv"] == -1_000 && entry.transaction["ppv"] == -1_111)
        #expect(entry.isBalanced)
    }

    /// Moving average (PL01, PLN): inventory takes what was paid; the position's unit cost is value / quantity.
    @Test func receiptAtMovingAverageMovesTheAverage() {
        var snapshot = B.snapshot()
        snapshot.orderLinePrices[PlantOrderLine(plant: "P1", line: "PO-1/1")] = B.money("12.00", .PLN)
        snapshot.positions[ValuationKey(company: "PL01", plant: "P1", item: "RM")] = StockPosition(quantity: 10_000_000, value: 10_000)
        let receipt = B.source(B.move(.receipt, "RM", "10", to: "RECV", reference: B.orderLine()), company: "PL01", id: 1)
        // Then 5 leave by a count: 5 × (220.00 / 20) = 55.00.
        let loss = B.source(B.move(.adjustment, "RM", "5", from: "A1"), company: "PL01", id: 2)
        let outcome = PostingEngine.post([receipt, loss], snapshot: snapshot)
        #expect(outcome.held.isEmpty && outcome.allBalanced)
        #expect(outcome.entries[0].functional == ["inventory": 12_000, "grni": -12_000])
        #expect(outcome.entries[1].functional == ["inventory": -5_500, "adjustment": 5_500])
        #expect(outcome.positions[ValuationKey(company: "PL01", plant: "P1", item: "RM")] == StockPosition(quantity: 15_000_000, value: 16_500))
    }

    /// Moving average with a foreign PO on a Saturday (PL01, PLN): 10 at 2.00 EUR = 20.00 EUR, at Friday's EUR→PLN
    /// 4.25 = 85.00 PLN, the inventory's value; no variance.
    @Test func aForeignReceiptAtMovingAverageTakesWhatWasPaidAtTheLatestRate() {
        var snapshot = B.snapshot()
        snapshot.orderLinePrices[PlantOrderLine(plant: "P1", line: "PO-1/1")] = B.money("2.00")
        snapshot.rates = ExchangeRateTable([B.rate(.EUR, .PLN, "4.25", on: "2026-12-04")])
        let outcome = PostingEngine.post([B.source(B.move(.receipt, "RM", "10", to: "R", reference: B.orderLine()), company: "PL01",
                                                   day: "2026-12-05")], snapshot: snapshot)
        let entry = outcome.entries[0]
        #expect(entry.transactionCurrency == .EUR && entry.isBalanced)
        #expect(entry.transaction == ["inventory": 2_000, "grni": -2_000])
        #expect(entry.functional == ["inventory": 8_500, "grni": -8_500])
        #expect(outcome.positions[ValuationKey(company: "PL01", plant: "P1", item: "RM")] == StockPosition(quantity: 10_000_000, value: 8_500))
    }

    /// Moving average out in parts: each part at the average rounded, the last at what remains, so value is 0 at 0.
    @Test func aMovingAveragePositionEndsAtExactlyZero() {
        var snapshot = B.snapshot()
        snapshot.orderLinePrices[PlantOrderLine(plant: "P1", line: "PO-1/1")] = B.money("10.00", .PLN)
        snapshot.orderLinePrices[PlantOrderLine(plant: "P1", line: "PO-1/2")] = B.money("10.01", .PLN)
        let item = CompanyItem(company: "PL01", item: "RM")
        let sources = [
            B.source(B.move(.receipt, "RM", "3", to: "R", reference: B.orderLine("PO-1/1")), company: "PL01", id: 1),  // 30.00
            B.source(B.move(.receipt, "RM", "1", to: "R", reference: B.orderLine("PO-1/2")), company: "PL01", id: 2),  // 40.01 for 4
            B.source(B.move(.scrap, "RM", "1", from: "R"), company: "PL01", id: 3),        // 40.01 / 4 = 10.0025 → 10.00
            B.source(B.move(.scrap, "RM", "1", from: "R"), company: "PL01", id: 4),        // 30.01 / 3 = 10.00333… → 10.00
            B.source(B.move(.scrap, "RM", "2", from: "R"), company: "PL01", id: 5),        // the whole position: 20.01
        ]
        let outcome = PostingEngine.post(sources, snapshot: snapshot)
        #expect(outcome.held.isEmpty && outcome.allBalanced)
        #expect(outcome.entries(.scrap).map { $0.functional["scrap-expense"] } == [1_000, 1_000, 2_001])
        #expect(outcome.positions[item.at("P1")] == StockPosition(quantity: 0, value: 0))
    }

    /// The valuation area is the plant: PL01 holds 10 RM worth 100.00 at P1 (10.00 a unit) and 10 worth 120.00 at P2
    /// (12.00). A unit scrapped at each leaves at its own plant's average, 10.00 and 12.00, never the company's 11.00,
    /// and each plant's position keeps the rest: 9 worth 90.00 and 9 worth 108.00.
    @Test func eachPlantValuesItsOwnStock() {
        var snapshot = B.snapshot()
        let item = CompanyItem(company: "PL01", item: "RM")
        snapshot.itemCosts[item] = B.cost("11.00", .PLN)
        snapshot.positions[item.at("P1")] = StockPosition(quantity: 10_000_000, value: 10_000)
        snapshot.positions[item.at("P2")] = StockPosition(quantity: 10_000_000, value: 12_000)
        let outcome = PostingEngine.post([
            B.source(B.move(.scrap, "RM", "1", from: "R"), company: "PL01", plant: "P1", id: 1),
            B.source(B.move(.scrap, "RM", "1", from: "R"), company: "PL01", plant: "P2", id: 2),
        ], snapshot: snapshot)
        #expect(outcome.held.isEmpty && outcome.allBalanced)
        #expect(outcome.entries(.scrap).map { $0.functional["scrap-expense"] } == [1_000, 1_200])
        #expect(outcome.positions[item.at("P1")] == StockPosition(quantity: 9_000_000, value: 9_000))
        #expect(outcome.positions[item.at("P2")] == StockPosition(quantity: 9_000_000, value: 10_800))
        #expect(PostingEngine.needs([B.source(B.move(.scrap, "RM", "1", from: "R"), company: "PL01", plant: "P2", id: 3)]).positions
            == [item.at("P2")])
    }

    /// Taking the whole position takes its whole value, whatever a unit costs now (standard 10.00, but 10 units
    /// worth 100.03): 100.03 out, 0 worth 0 left. Beyond a moving-average position (2 worth 20.01, standard 7.50),
    /// the rest leaves at standard: 3 out = 20.01 + 7.50 = 27.51, −1 worth −7.50 left.
    @Test(arguments: [
        ("DE01", Int64(10_000_000), Int64(10_003), "10", Int64(10_003), StockPosition(quantity: 0, value: 0)),
        ("PL01", 2_000_000, 2_001, "3", 2_751, StockPosition(quantity: -1_000_000, value: -750)),
    ])
    func takingTheWholePositionTakesItsWholeValue(company: String, quantity: Int64, value: Int64, scrapped: String,
                                                  expense: Int64, left: StockPosition) {
        var snapshot = B.snapshot()
        let item = CompanyItem(company: company, item: "RM")
        snapshot.itemCosts[item] = B.cost(company == "DE01" ? "10.00" : "7.50", company == "DE01" ? .EUR : .PLN)
        snapshot.positions[item.at("P1")] = StockPosition(quantity: quantity, value: value)
        let outcome = PostingEngine.post([B.source(B.move(.scrap, "RM", scrapped, from: "A1"), company: company)], snapshot: snapshot)
        #expect(outcome.entries.first?.functional == ["scrap-expense": expense, "inventory": -expense])
        #expect(outcome.positions[item.at("P1")] == left)
    }

    /// A return against the PO line reverses the receipt: GRNI at the PO price, inventory at cost, PPV the rest.
    @Test func aReturnReversesItsReceiptAtThePOPrice() {
        var snapshot = B.snapshot()
        snapshot.orderLinePrices[PlantOrderLine(plant: "P1", line: "PO-1/1")] = B.money("10.125")
        snapshot.itemCosts[CompanyItem(company: "DE01", item: "RM")] = B.cost("10.00")
        snapshot.positions[ValuationKey(company: "DE01", plant: "P1", item: "RM")] = StockPosition(quantity: 120_000_000, value: 120_000)
        let outcome = PostingEngine.post([B.source(B.move(.returned, "RM", "20", from: "A1", reference: B.orderLine()))], snapshot: snapshot)
        let entry = outcome.entries[0]
        // GRNI 20 × 10.125 = 202.50 debit; inventory 20 × 10.00 = 200.00 credit; PPV 2.50 credit.
        #expect(entry.kind == .returnToSupplier && entry.isBalanced)
        #expect(entry.functional == ["grni": 20_250, "inventory": -20_000, "ppv": -250])
        #expect(outcome.positions[ValuationKey(company: "DE01", plant: "P1", item: "RM")] == StockPosition(quantity: 100_000_000, value: 100_000))
    }

    /// Moves against nothing, counts and scrap at cost (DE01 standard 4.00): gains debit inventory, losses credit it.
    @Test(arguments: [
        (MoveKind.adjustment, String?.none, String?.some("A1"), PostingKind.inventoryAdjustment, Int64(1_200), "inventory"),
        (.adjustment, "A1", nil, .inventoryAdjustment, -1_200, "inventory"),
        (.receipt, nil, "A1", .inventoryAdjustment, 1_200, "inventory"),
        (.issue, "A1", nil, .inventoryAdjustment, -1_200, "inventory"),
        (.output, nil, "A1", .inventoryAdjustment, 1_200, "inventory"),
        (.returned, "A1", nil, .inventoryAdjustment, -1_200, "inventory"),
        (.scrap, "A1", nil, .scrap, -1_200, "inventory"),
    ])
    func movesAtCost(kind: MoveKind, from: String?, to: String?, posting: PostingKind, inventory: Int64, account: String) {
        var snapshot = B.snapshot()
        snapshot.itemCosts[CompanyItem(company: "DE01", item: "RM")] = B.cost("4.00")
        let outcome = PostingEngine.post([B.source(B.move(kind, "RM", "3", from: from, to: to))], snapshot: snapshot)
        #expect(outcome.held.isEmpty)
        #expect(outcome.entries.map(\.kind) == [posting])
        #expect(outcome.entries.first?.functional[account] == inventory)
        #expect(outcome.entries.first?.isBalanced == true)
        // 3 × 4.00 = 12.00 in or out of the position.
        #expect(outcome.positions[ValuationKey(company: "DE01", plant: "P1", item: "RM")] == StockPosition(quantity: inventory > 0 ? 3_000_000 : -3_000_000, value: inventory))
    }

    /// Moves between locations: into quarantine from elsewhere posts at cost, out of it the negative, others nothing;
    /// without a quarantine mapping nothing. Shipment moves post nothing (the dispatch does).
    @Test(arguments: [
        ("STOR", "QUAR", true, Int64?.some(1_200)),
        ("QUAR", "STOR", true, -1_200),
        ("STOR", "PROD", true, nil),
        ("QUAR", "QUAR2", true, nil),
        ("STOR", "QUAR", false, nil),
    ])
    func quarantineMoves(from: String, to: String, mapped: Bool, quarantined: Int64?) {
        var snapshot = B.snapshot([mapped ? B.de01 : B.company("DE01", .EUR, .standard, without: [.quarantine])])
        snapshot.itemCosts[CompanyItem(company: "DE01", item: "RM")] = B.cost("4.00")
        snapshot.locationTypes["P1"] = ["STOR": .storage, "PROD": .production, "QUAR": .quarantine, "QUAR2": .quarantine]
        let outcome = PostingEngine.post([B.source(B.move(.move, "RM", "3", from: from, to: to))], snapshot: snapshot)
        #expect(outcome.held.isEmpty)
        #expect(outcome.entries.first?.functional["quarantined"] == quarantined)
        #expect(outcome.entries.first?.functional["inventory"] == quarantined.map { -$0 })
        #expect(outcome.entries.count == (quarantined == nil ? 0 : 1))
        #expect(outcome.positions.isEmpty)
    }

    @Test func shipmentMovesPostNothing() {
        var snapshot = B.snapshot()
        snapshot.itemCosts[CompanyItem(company: "DE01", item: "RM")] = B.cost("4.00")
        let outcome = PostingEngine.post([B.source(B.move(.shipment, "RM", "3", from: "DOCK"))], snapshot: snapshot)
        #expect(outcome.entries.isEmpty && outcome.held.isEmpty && outcome.positions.isEmpty)
    }

    /// An empty moving-average position costs at the item-cost master's standard; without one it is held.
    @Test func anEmptyMovingAveragePositionCostsAtStandard() {
        var snapshot = B.snapshot()
        let gain = B.source(B.move(.adjustment, "RM", "2", to: "A1"), company: "PL01")
        let held = PostingEngine.post([gain], snapshot: snapshot)
        #expect(held.held.map(\.refusal.code) == [.missingCost])
        snapshot.itemCosts[CompanyItem(company: "PL01", item: "RM")] = B.cost("7.50", .PLN)
        let outcome = PostingEngine.post([gain], snapshot: snapshot)
        #expect(outcome.entries.first?.functional == ["inventory": 1_500, "adjustment": -1_500])
    }
}
