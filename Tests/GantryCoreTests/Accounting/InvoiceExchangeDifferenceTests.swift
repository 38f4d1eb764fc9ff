import Foundation
@testable import GantryCore
import Testing

/// A supplier invoice in a foreign currency clears GRNI at what its receipts credited there, AP at the invoice day's
/// rate, and the functional difference is an `exchange-difference` line (IAS 21); the price difference stays the
/// invoice price variance, at the invoice's rate. Company DE (EUR); PO9/1 at 10.00 USD.
@Suite struct InvoiceExchangeDifferenceTests {
    private static let mapping: [PostingKind: CompanyBooks.AccountPair] = [
        .supplierInvoice: .init(debit: "2100", credit: "2000"), .invoicePriceVariance: .init(debit: "5400", credit: "2000"),
        .exchangeDifference: .init(debit: "7900", credit: "7800"),
    ]

    private static func snapshot(_ currency: CurrencyCode = .USD, grni: GRNIBalance?, rate: String?,
                                 mapping: [PostingKind: CompanyBooks.AccountPair] = mapping) -> InvoiceMatch.Snapshot {
        let books = CompanyBooks(
            company: "DE", functionalCurrency: .EUR, valuation: .standard, mapping: mapping,
            periods: [FiscalPeriodMaster(key: "2026-11", start: "2026-11-01", end: "2026-11-30", fiscalYear: "FY2026")], closedPeriods: [])
        return InvoiceMatch.Snapshot(books: books, tolerancePercent: 5, orderLines: [
            "PO9/1": .init(line: "PO9/1", supplier: "ACME", item: "RAW", ordered: 100, price: Money(amount: 10, currency: currency),
                           receivedNotInvoiced: 100, grni: grni),
        ], rate: rate.map { AppliedRate(from: currency, to: .EUR, kind: .daily, on: "2026-11-20", rate: Decimal(string: $0)!, source: "ECB") })
    }

    private static func invoice(_ quantities: [String], at price: String, _ currency: CurrencyCode = .USD) -> InvoiceMatch.Invoice {
        InvoiceMatch.Invoice(
            id: "INV-9", company: "DE", supplier: "ACME", number: "U-1", date: "2026-11-20", currency: currency,
            lines: quantities.map { .init(orderLine: "PO9/1", quantity: Decimal(string: $0)!, unitPrice: Decimal(string: price)!) })
    }

    private static func entries(_ invoice: InvoiceMatch.Invoice, _ snapshot: InvoiceMatch.Snapshot) throws -> [JournalEntry] {
        guard case .matched(let entries) = try InvoiceMatch.decide(invoice, snapshot: snapshot) else {
            Issue.record("held")
            return []
        }
        return entries
    }

    /// What the `supplier-invoice` entry posts (account, USD cents, EUR cents per line), what the price variance posts
    /// in EUR, and what GRNI keeps afterwards. Receipts: 100 at 10.00 USD = 1,000.00 USD, at 0.90 = 900.00 EUR.
    @Test(arguments: [
        // The docs' example: invoiced at 10.20 when 0.92. GRNI clears 900.00; AP 1,000.00 × 0.92 = 920.00; the rate
        // moved against the company: 20.00 loss. Price: 100 × 0.20 = 20.00 USD × 0.92 = 18.40 EUR.
        ("rate up, price up", ["100"], "10.20", "0.92", GRNIBalance(quantity: 100_000_000, amount: 100_000, functional: 90_000),
         [("2100", Int64(100_000), Int64(90_000)), ("2000", -100_000, -92_000), ("7900", 0, 2_000)], Int64?.some(1_840),
         GRNIBalance()),
        // At the PO price when 0.88: AP 880.00, a gain of 20.00 on the credit account; no price variance.
        ("rate down", ["100"], "10.00", "0.88", GRNIBalance(quantity: 100_000_000, amount: 100_000, functional: 90_000),
         [("2100", 100_000, 90_000), ("2000", -100_000, -88_000), ("7800", 0, -2_000)], nil, GRNIBalance()),
        // 40 of 100: 40 % of 900.00 = 360.00 cleared; AP 400.00 × 0.92 = 368.00; 8.00 loss; 60 left worth 540.00.
        ("partial", ["40"], "10.00", "0.92", GRNIBalance(quantity: 100_000_000, amount: 100_000, functional: 90_000),
         [("2100", 40_000, 36_000), ("2000", -40_000, -36_800), ("7900", 0, 800)], nil,
         GRNIBalance(quantity: 60_000_000, amount: 60_000, functional: 54_000)),
        // 1 of 2 holding 27.01 EUR: 13.505 rounds half to even to 13.50; the second unit takes the 13.51 left.
        ("half to even", ["1"], "10.00", "1.35", GRNIBalance(quantity: 2_000_000, amount: 2_000, functional: 2_701),
         [("2100", 1_000, 1_350), ("2000", -1_000, -1_350)], nil, GRNIBalance(quantity: 1_000_000, amount: 1_000, functional: 1_351)),
        // The last unit takes all that is left, whatever its share would round to: 13.51, AP 13.50, a gain of 0.01.
        ("the last unit clears the rest", ["1"], "10.00", "1.35", GRNIBalance(quantity: 1_000_000, amount: 1_000, functional: 1_351),
         [("2100", 1_000, 1_351), ("2000", -1_000, -1_350), ("7800", 0, -1)], nil, GRNIBalance()),
        // Two lines of one order line take from its balance in turn: 60 → 540.00, 40 → the 360.00 left.
        ("two lines of one order line", ["60", "40"], "10.00", "0.90", GRNIBalance(quantity: 100_000_000, amount: 100_000, functional: 90_000),
         [("2100", 60_000, 54_000), ("2100", 40_000, 36_000), ("2000", -100_000, -90_000)], nil, GRNIBalance()),
        // Only 50 of the 100 posted to GRNI (the rest held): 50 clear its 450.00, 50 at the invoice's rate 460.00.
        ("receipts not all posted", ["100"], "10.00", "0.92", GRNIBalance(quantity: 50_000_000, amount: 50_000, functional: 45_000),
         [("2100", 100_000, 91_000), ("2000", -100_000, -92_000), ("7900", 0, 1_000)], nil, GRNIBalance()),
        // Nothing kept for the line (receipts posted before GRNI was kept per line): all at the invoice's rate.
        ("nothing kept", ["100"], "10.00", "0.92", nil, [("2100", 100_000, 92_000), ("2000", -100_000, -92_000)], nil, GRNIBalance()),
    ])
    func aForeignInvoiceClearsWhatItsReceiptsCredited(
        kase: String, quantities: [String], price: String, rate: String, grni: GRNIBalance?,
        expected: [(String, Int64, Int64)], variance: Int64?, left: GRNIBalance
    ) throws {
        let snapshot = Self.snapshot(grni: grni, rate: rate), invoice = Self.invoice(quantities, at: price)
        let entries = try Self.entries(invoice, snapshot)
        let invoiceEntry = try #require(entries.first)
        #expect(invoiceEntry.kind == .supplierInvoice && invoiceEntry.isBalanced, "\(kase)")
        #expect(invoiceEntry.lines.map(\.account) == expected.map(\.0), "\(kase)")
        #expect(invoiceEntry.lines.map(\.amount) == expected.map(\.1), "\(kase)")
        #expect(invoiceEntry.lines.map(\.functionalAmount) == expected.map(\.2), "\(kase)")
        #expect(entries.dropFirst().first { $0.kind == .invoicePriceVariance }?.lines.first?.functionalAmount == variance, "\(kase)")
        #expect(!entries.contains { $0.kind == .exchangeDifference }, "the difference is a line of the invoice's entry")
        let cleared = try InvoiceMatch.grniCleared(invoice, snapshot: snapshot)["PO9/1"] ?? GRNIBalance()
        #expect((grni ?? GRNIBalance()) - cleared == (grni == nil ? GRNIBalance() : left), "\(kase)")
    }

    /// In the functional currency there is no rate to move: GRNI clears what the receipt credited, no difference line.
    @Test func anInvoiceInTheFunctionalCurrencyPostsNoDifference() throws {
        let grni = GRNIBalance(quantity: 100_000_000, amount: 100_000, functional: 100_000)
        let entries = try Self.entries(Self.invoice(["100"], at: "10.20", .EUR), Self.snapshot(.EUR, grni: grni, rate: nil))
        #expect(entries.map(\.kind) == [.supplierInvoice, .invoicePriceVariance])
        #expect(entries[0].lines.map(\.functionalAmount) == [100_000, -100_000] && entries[0].lines.map(\.amount) == [100_000, -100_000])
        #expect(entries[1].lines.map(\.functionalAmount) == [2_000, -2_000])
    }

    /// A difference needs the mapping (refused like any missing one, so the hub answers it the same way); no
    /// difference needs none.
    @Test func aDifferenceWithoutItsMappingIsRefused() throws {
        var mapping = Self.mapping
        mapping[.exchangeDifference] = nil
        let grni = GRNIBalance(quantity: 100_000_000, amount: 100_000, functional: 90_000)
        let refusal = #expect(throws: AccountingRefusal.self) {
            try InvoiceMatch.decide(Self.invoice(["100"], at: "10.00"), snapshot: Self.snapshot(grni: grni, rate: "0.92", mapping: mapping))
        }
        #expect(refusal?.code == .missingMapping && refusal?.detail.contains("exchange-difference") == true)
        let same = try Self.entries(Self.invoice(["100"], at: "10.00"), Self.snapshot(grni: grni, rate: "0.90", mapping: mapping))
        #expect(same[0].lines.map(\.functionalAmount) == [90_000, -90_000])
    }

    /// Receipts and returns against a PO line keep what their GRNI line credited or debited; a held receipt keeps nothing.
    @Test func receiptsAndReturnsKeepTheirGRNILine() {
        typealias B = Books
        var snapshot = B.snapshot()
        snapshot.orderLinePrices[PlantOrderLine(plant: "P1", line: "PO-1/1")] = B.money("11.00", .USD)
        snapshot.itemCosts[CompanyItem(company: "DE01", item: "RM")] = B.cost("10.00")
        snapshot.rates = ExchangeRateTable([B.rate(.USD, .EUR, "0.9")])
        let outcome = PostingEngine.post([
            B.source(B.move(.receipt, "RM", "100", to: "RECV", reference: B.orderLine()), id: 1),
            B.source(B.move(.returned, "RM", "20", from: "RECV", reference: B.orderLine()), id: 2),
            B.source(B.move(.receipt, "RM", "5", to: "RECV", reference: B.orderLine()), day: "2026-12-20", id: 3),
        ], snapshot: snapshot)
        // 100 × 11.00 = 1,100.00 USD, × 0.9 = 990.00 EUR in; 20 × 11.00 = 220.00 USD, 198.00 EUR out; the third has no rate.
        #expect(outcome.grni == [
            GRNIChange(company: "DE01", line: PlantOrderLine(plant: "P1", line: "PO-1/1"),
                       change: GRNIBalance(quantity: 100_000_000, amount: 110_000, functional: 99_000)),
            GRNIChange(company: "DE01", line: PlantOrderLine(plant: "P1", line: "PO-1/1"),
                       change: GRNIBalance(quantity: -20_000_000, amount: -22_000, functional: -19_800)),
        ])
        #expect(outcome.held.map(\.refusal.code) == [.missingRate])
    }
}
